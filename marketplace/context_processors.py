from functools import cache

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
        # Lazy, each read at most once: a page whose header comes from the page cache
        # (marketplace.pagecache) reads neither.
        context["unread_notifications"] = cache(lambda: unread_count(user))
        context["has_shop"] = cache(lambda: user.shop_memberships.exists())
    return context
