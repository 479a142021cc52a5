"""Telling people what happened: an in-app inbox plus e-mail, delivered by Celery.

Every text is rendered in the recipient's language (`User.language`), not in the language of
whoever caused the event: a buyer reading English still tells an Indonesian seller in Indonesian.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise

from marketplace import emails
from marketplace.models import Notification
from marketplace.pagecache import visitor_changed

# Who in a shop hears about what, by role (the roles of `vendors.ShopMember`). Orders go to
# everyone who fulfils them; money, bank accounts, verification and moderation to owners only.
ORDERS = ("owner", "staff")
OWNERS = ("owner",)


def language_of(user):
    supported = {code for code, _name in settings.LANGUAGES}
    language = getattr(user, "language", "")
    return language if language in supported else settings.LANGUAGE_CODE


def render_text(text, params=None):
    """A text for the active language: a callable is called, a lazy text translated and filled in."""
    if callable(text):
        return str(text())
    if isinstance(text, Promise):
        return str(text) % params if params else str(text)
    return str(text)


def notify(*, user, title, body="", url="", params=None):
    """Store the notification now, in `user`'s language; e-mail it once this transaction commits.

    `title` and `body` may be lazy texts (filled in with `params`) or callables, so that they
    are translated for the recipient; plain strings (a reason someone typed) are kept as they are.
    """
    from marketplace.celery import enqueue_on_commit
    from marketplace.tasks import email_notification

    with translation.override(language_of(user)):
        title_text, body_text = render_text(title, params), render_text(body, params)
    notification = Notification.objects.create(user=user, title=title_text[:200], body=body_text, url=url)
    visitor_changed(user_id=user.pk)
    enqueue_on_commit(email_notification, notification.pk)
    return notification


def shop_recipients(shop, roles):
    """The users holding one of `roles` in `shop`, in a fixed order."""
    return (
        get_user_model()
        .objects.filter(shop_memberships__shop_id=shop.pk, shop_memberships__role__in=roles, is_active=True)
        .distinct()
        .order_by("pk")
    )


def notify_shop(*, shop, roles, title, body="", url="", params=None, except_user=None):
    """The one way to tell a shop something: each member with one of `roles`, in their language."""
    sent = []
    for user in shop_recipients(shop, roles):
        if except_user is not None and user.pk == except_user.pk:
            continue
        sent.append(notify(user=user, title=title, body=body, url=url, params=params))
    return sent


def absolute_url(url):
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def render_email(notification):
    """Subject, text and HTML of one notification's e-mail, in its recipient's language."""
    user = notification.user
    context = {
        "notification": notification,
        "user": user,
        "name": user.get_full_name(),
        "link": absolute_url(notification.url) if notification.url else "",
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language_of(user)):
        subject = render_to_string("emails/notification_subject.txt", context)
        body = render_to_string("emails/notification_body.txt", context)
        html_body = render_to_string("emails/notification_body.html", context)
    return " ".join(subject.split()), body, html_body


def email_notification_once(*, notification_id):
    """Send the e-mail of one notification unless it already went out (idempotent)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        subject, body, html_body = render_email(notification)
        # Marked first: if the commit fails, the mail is sent again rather than never.
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        emails.deliver(to=[notification.user.email], subject=subject, body=body, html_body=html_body)
    return True


def undelivered_notification_ids(*, older_than=timedelta(minutes=5)):
    """Notifications whose e-mail has not gone out, e.g. because the broker was down."""
    cutoff = timezone.now() - older_than
    return list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user):
    Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    visitor_changed(user_id=user.pk)


def mark_read(user, notification_ids):
    """Mark the notifications the inbox has just shown as read (only the user's own)."""
    marked = Notification.objects.filter(
        user=user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=timezone.now())
    if marked:
        visitor_changed(user_id=user.pk)
    return marked
