from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace import health, notifications


@never_cache
def healthz(request):
    checks = {"database": health.database_state(), "broker": health.broker_state()}
    healthy = all(state != health.DOWN for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@login_required
def notification_inbox(request):
    """The inbox; what it shows is read from then on, so the header's badge clears at once."""
    if request.method == "POST":
        notifications.mark_all_read(request.user)
        return redirect("notifications")
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    unread_ids = [notification.pk for notification in shown if notification.read_at is None]
    notifications.mark_read(request.user, unread_ids)
    context = {"page": page, "notifications": shown, "unread_ids": set(unread_ids)}
    # The header's badge was worked out before this page marked anything read.
    context["unread_notifications"] = notifications.unread_count(request.user)
    return render(request, "marketplace/notifications.html", context)


@csrf_exempt
@require_POST
def set_language(request):
    """Django's language switch, and the choice remembered on the account for later e-mails.

    Without a CSRF token, so that the form in every page's footer leaves stored pages free of
    per-visitor parts. A forged switch can only change the language; it cannot reach an
    account's setting, because the session cookie (SameSite=Lax) is not sent with a POST from
    another site.
    """
    response = i18n.set_language(request)
    chosen = request.POST.get("language", "")
    supported = {code for code, _name in settings.LANGUAGES}
    if request.user.is_authenticated and chosen in supported and request.user.language != chosen:
        request.user.language = chosen
        request.user.save(update_fields=["language"])
    return response


@cache_control(max_age=60 * 60 * 24, public=True)
def web_manifest(request):
    """The web app manifest: the marketplace can be added to a phone's home screen."""
    manifest = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME[:12],
        "description": _("Products of local small businesses in %(region)s")
        % {"region": settings.SITE_REGION},
        "lang": settings.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#faf7f2",
        "theme_color": "#b4461b",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {
                "src": static("img/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page links: never a 404 page."""
    return redirect(static("img/favicon-32.png"), permanent=True)


def admin_login(request):
    """Staff log in where everybody does, under the same rate limits (and two-factor step).

    Django's own admin log-in form would be a second door without either.
    """
    if request.user.is_authenticated:
        # Logged in but not staff: sending them to log in again would loop.
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("account_login"))


def server_error(request):
    # No request context: its processors query the database, which may be what failed.
    return HttpResponseServerError(render_to_string("500.html", {"SITE_NAME": settings.SITE_NAME}))
