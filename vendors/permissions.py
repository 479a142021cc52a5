"""Who may do what for which shop: written once, used by every dashboard view and service.

`role_in_shop` answers for one shop; the querysets `Shop.objects.for_member(user)`,
`Product.objects.editable_by(user)` and `Order.objects.for_shop_member(user)` answer the same
question for many rows at once (their agreement is tested). Views start from those querysets,
so another shop's object is simply a 404.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from vendors.models import Shop, ShopMember


class ShopRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")
    COMMUNITY_MANAGER = "community_manager", _("Community manager")
    MODERATOR = "moderator", _("Dinas staff")
    NONE = "none", _("No role")


# What each role may do in a shop. Community managers look after their members through the
# community pages, dinas staff through the admin: neither works in a shop's dashboard.
WORK = frozenset({ShopRole.OWNER, ShopRole.STAFF})  # products, orders, profile, shipping
MANAGE = frozenset({ShopRole.OWNER})  # members, bank accounts, registration details


def role_in_shop(user, shop) -> ShopRole:
    """The one answer to "what is `user` in `shop`"; a member's own role wins over any other."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ShopRole.NONE
    role = ShopMember.objects.filter(shop=shop, user=user).values_list("role", flat=True).first()
    if role is not None:
        return ShopRole(role)
    if Shop.objects.in_communities_managed_by(user).filter(pk=shop.pk).exists():
        return ShopRole.COMMUNITY_MANAGER
    if user.is_staff:
        return ShopRole.MODERATOR
    return ShopRole.NONE


def shops_for_user(user):
    """Shops whose dashboard `user` may open (see WORK)."""
    return Shop.objects.for_member(user)


def shop_member_required(view=None, *, owner_only=False):
    """Resolve `shop_slug` from the URL into `request.shop` and `request.shop_role`.

    Anyone who may not work for the shop gets 404 for every dashboard URL; staff get 403 on
    owner-only pages (bank accounts, members), which they know exist but may not change.
    """

    def decorator(view_func):
        @login_required
        @wraps(view_func)
        def wrapper(request, shop_slug, *args, **kwargs):
            shop = get_object_or_404(Shop, slug=shop_slug)
            role = role_in_shop(request.user, shop)
            if role not in WORK:
                raise Http404
            if owner_only and role not in MANAGE:
                raise PermissionDenied
            request.shop, request.shop_role = shop, role
            request.is_shop_owner = role in MANAGE
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def can_view_identity_document(user, shop) -> bool:
    """Only the shop's owner and dinas staff with the shop permission see the owner's KTP photo."""
    role = role_in_shop(user, shop)
    return role in MANAGE or (role == ShopRole.MODERATOR and user.has_perm("vendors.view_shop"))


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
    if role_in_shop(user, shop) in WORK:
        raise PermissionDenied
    raise Http404


def works_for(user, shop_id) -> bool:
    """For services that get only an id: may `user` act for the shop (orders, reports)?"""
    return user is not None and shops_for_user(user).filter(pk=shop_id).exists()
