"""Opening a shop for a seller who cannot sign up alone, and handing it over to them."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from catalog import services as catalog_services
from catalog.models import Product
from marketplace import notifications
from vendors import assisted
from vendors import services as vendor_services


def takeover_url(user) -> str:
    """allauth's password-reset link: the owner sets a password and the account is theirs."""
    key = default_token_generator.make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})


@transaction.atomic
def onboard_shop(
    *,
    actor,
    owner_email,
    owner_name,
    name,
    whatsapp,
    street_address,
    district,
    description="",
    nib="",
    postal_code="",
    community=None,
    products=(),
    identity_document=None,
    bank="",
    account_number="",
    holder_name="",
):
    """Owner account, shop, first products, and the owner told how to take over; submitted for
    verification at once when the KTP photo and a bank account were given. Everything or nothing."""
    shop = assisted.start_shop_for_owner(
        actor=actor,
        owner_email=owner_email,
        owner_name=owner_name,
        name=name,
        community=community,
        whatsapp=whatsapp,
        street_address=street_address,
        district=district,
        postal_code=postal_code,
        description=description,
        nib=nib,
    )
    if bank:
        vendor_services.save_legal_details(
            shop=shop,
            nib=nib,
            identity_document=identity_document,
            bank=bank,
            account_number=account_number,
            holder_name=holder_name,
            completed_step=vendor_services.ONBOARDING_LEGAL,
        )
    for product in products:
        catalog_services.create_product(shop=shop, status=Product.Status.ACTIVE, **product)
    if identity_document and not bank:
        vendor_services.update_profile(shop=shop, identity_document=identity_document)
    if not vendor_services.missing_for_submission(shop):
        vendor_services.submit_for_verification(shop=shop, actor=actor)
    owner = shop.members.get().user
    notifications.notify(
        user=owner,
        title=gettext_lazy("Your shop %(shop)s was opened for you on %(site)s"),
        params={"shop": shop.name, "site": settings.SITE_NAME},
        body=gettext_lazy(
            "Open the link to choose your password. Then you can log in with this e-mail address, "
            "check your shop and add products."
        ),
        url=takeover_url(owner),
    )
    return shop
