from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from marketplace import emails
from marketplace.site import absolute_url


class AccountAdapter(DefaultAccountAdapter):
    """allauth's e-mails (verification, password reset), rendered here, delivered by a worker."""

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        if message.content_subtype == "html":
            body, html_body = "", message.body
        else:
            body = message.body
            html_body = next(
                (content for content, mimetype in message.alternatives if mimetype == "text/html"), None
            )
        emails.send_later(to=message.to, subject=message.subject, body=body, html_body=html_body)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys the per-account limit on the request's Host header, so another port or a
        # trailing dot would start a fresh count: the configured site and the address decide.
        login = credentials.get("email", credentials.get("username", "")) or ""
        return f"{urlsplit(settings.SITE_URL).netloc}:{login.strip().lower()}"

    # allauth would build its links from the request's host; they use the site's one address.
    def get_reset_password_from_key_url(self, key):
        return on_site(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation):
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))


def on_site(url):
    """The same path and query on settings.SITE_URL."""
    parts = urlsplit(url)
    return absolute_url(parts.path + (f"?{parts.query}" if parts.query else ""))
