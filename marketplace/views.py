from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
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
