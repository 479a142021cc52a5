"""Reads that the vendors pages share."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vendors import services
from vendors.models import Community, Shop, ShopMember

Status = Shop.Status

ONBOARDING_URLS = {
    services.ONBOARDING_PROFILE: "vendors:onboarding_profile",
    services.ONBOARDING_ADDRESS: "vendors:onboarding_address",
    services.ONBOARDING_LEGAL: "vendors:onboarding_legal",
    services.ONBOARDING_REVIEW: "vendors:onboarding_review",
}


def onboarding_url(shop):
    """Where the owner continues the onboarding form."""
    step = min(shop.onboarding_step, services.ONBOARDING_REVIEW)
    return reverse(ONBOARDING_URLS[step], args=[shop.slug])


@dataclass(frozen=True)
class StatusGuidance:
    status: str
    title: str
    text: str
    reason: str = ""
    action_url: str = ""
    action_label: str = ""


GUIDANCE = {
    Status.DRAFT: (
        _("Your shop is a draft"),
        _("Buyers cannot see it yet. Complete the steps and submit it for verification."),
    ),
    Status.PENDING: (
        _("Waiting for verification"),
        _(
            "The dinas staff are checking your shop, usually within two working days. "
            "We will tell you by e-mail and in your notifications."
        ),
    ),
    Status.APPROVED: (
        _("Your shop is open"),
        _("Buyers can find your shop. Share its page on WhatsApp, Instagram and Facebook."),
    ),
    Status.REJECTED: (
        _("Your shop was not approved"),
        _("Read the reason, fix your details and submit the shop again."),
    ),
    Status.SUSPENDED: (
        _("Your shop is suspended"),
        _("Buyers cannot see it for now. Read the reason and contact the dinas to reopen it."),
    ),
}


def status_guidance(shop) -> StatusGuidance:
    """What the shop's status means for its owner, and the next thing to do."""
    title, text = GUIDANCE[shop.status]
    action_url, action_label = "", ""
    if shop.status == Status.DRAFT:
        action_url, action_label = onboarding_url(shop), _("Continue setting up")
    elif shop.status == Status.REJECTED:
        action_url, action_label = onboarding_url(shop), _("Fix and submit again")
    elif shop.status == Status.APPROVED:
        action_url, action_label = shop.get_absolute_url(), _("See the shop page")
    return StatusGuidance(shop.status, title, text, shop.status_reason, action_url, action_label)


def memberships_of(user):
    return ShopMember.objects.filter(user=user).select_related("shop").order_by("shop__name")


def public_shop(slug) -> Shop:
    """An approved shop with everything its page shows, in few queries; 404 for any other."""
    shops = (
        Shop.objects.visible()
        .select_related("district__regency__province")
        .prefetch_related("communities", "categories")
    )
    return get_object_or_404(shops, slug=slug)


def community_with_shops(slug):
    community = get_object_or_404(Community.objects.select_related("regency"), slug=slug)
    shops = community.shops.visible().select_related("district__regency").order_by("name")
    return community, shops
