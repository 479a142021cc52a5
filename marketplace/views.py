from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from marketplace import health


def home(request):
    return render(request, "marketplace/home.html")


@never_cache
def healthz(request):
    checks = {"database": health.database_state(), "broker": health.broker_state()}
    healthy = all(state != health.DOWN for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
