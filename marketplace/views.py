from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import i18n
from django.views.decorators.cache import never_cache
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


@require_POST
def set_language(request):
    """Django's language switch, and the choice remembered on the account for later e-mails."""
    response = i18n.set_language(request)
    chosen = request.POST.get("language", "")
    supported = {code for code, _name in settings.LANGUAGES}
    if request.user.is_authenticated and chosen in supported and request.user.language != chosen:
        request.user.language = chosen
        request.user.save(update_fields=["language"])
    return response
