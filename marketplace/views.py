from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache

from marketplace import health, notifications


@never_cache
def healthz(request):
    checks = {"database": health.database_state(), "broker": health.broker_state()}
    healthy = all(state != health.DOWN for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@login_required
def notification_inbox(request):
    if request.method == "POST":
        notifications.mark_all_read(request.user)
        return redirect("notifications")
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    return render(request, "marketplace/notifications.html", {"page": page})


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
