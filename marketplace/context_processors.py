from django.conf import settings

from marketplace.notifications import unread_count


def site_settings():
    """What a page may say about the site itself, the same for every visitor."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_REGION": settings.SITE_REGION,
        "SITE_URL": settings.SITE_URL,
    }


def site(request):
    context = site_settings()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = unread_count(user)
        # Lazy: read only where the header shows "My shop" or "Start selling".
        context["has_shop"] = lambda: user.shop_memberships.exists()
    return context
