"""Who may act for which shop: written once, used by every dashboard view."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from vendors.models import Shop, ShopMember


def shops_for_user(user):
    return Shop.objects.for_member(user)


def membership_for(user, shop_slug) -> ShopMember:
    """The user's membership of the shop, or 404: another shop's pages simply do not exist."""
    if not user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(ShopMember.objects.select_related("shop"), shop__slug=shop_slug, user=user)


def shop_member_required(view=None, *, owner_only=False):
    """Resolve `shop_slug` from the URL into `request.shop` and `request.membership`.

    Non-members get 404 for every dashboard URL; staff get 403 on owner-only pages
    (bank accounts, members), which they know exist but may not change.
    """

    def decorator(view_func):
        @login_required
        @wraps(view_func)
        def wrapper(request, shop_slug, *args, **kwargs):
            membership = membership_for(request.user, shop_slug)
            if owner_only and not membership.is_owner:
                raise PermissionDenied
            request.membership, request.shop = membership, membership.shop
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def can_view_identity_document(user, shop) -> bool:
    """Only the shop's owner and dinas staff may see the owner's KTP photo."""
    if not user.is_authenticated:
        return False
    if user.is_staff and user.has_perm("vendors.view_shop"):
        return True
    return ShopMember.objects.filter(shop=shop, user=user, role=ShopMember.Role.OWNER).exists()


def identity_document_shop(user, shop_slug) -> Shop:
    """The shop whose KTP photo `user` asks for, if they may see it.

    Staff of the shop know the shop exists but may not see the owner's document (403);
    anyone else is told nothing, as for every other dashboard URL (404).
    """
    shop = Shop.objects.filter(slug=shop_slug).first()
    if shop is None:
        raise Http404
    if can_view_identity_document(user, shop):
        return shop
    if user.is_authenticated and shop.members.filter(user=user).exists():
        raise PermissionDenied
    raise Http404
