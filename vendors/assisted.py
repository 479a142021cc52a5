"""Assisted onboarding: dinas staff or a community's manager open a shop on a seller's behalf."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vendors import services
from vendors.models import Shop, ShopStatusEvent


@transaction.atomic
def start_shop_for_owner(*, actor, owner_email, owner_name, name, community=None, **details) -> Shop:
    """A new owner account (no password yet) and its draft shop; the shop's history names `actor`."""
    email = owner_email.strip().lower()
    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s already has an account: the seller can open the shop from their own dashboard.")
            % {"email": email},
            code="account_exists",
        )
    owner = User.objects.create_user(email=email, password=None, full_name=owner_name.strip())
    # Not verified: the link the owner receives to set a password goes to this address.
    EmailAddress.objects.create(user=owner, email=email, primary=True, verified=False)
    # Profile and address are filled in here: the owner continues at the legal step.
    shop = services.start_shop(owner=owner, name=name, onboarding_step=services.ONBOARDING_LEGAL, **details)
    if community is not None:
        shop.communities.add(community)
    ShopStatusEvent.objects.create(
        shop=shop,
        from_status=Shop.Status.DRAFT,
        to_status=Shop.Status.DRAFT,
        actor=actor,
        reason=_("Shop and owner account created on the owner's behalf by %(who)s.") % {"who": actor.email},
    )
    return shop
