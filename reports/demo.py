"""Demo data for the dinas desk: a moderator, a community manager, a running expo, a reported product."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from catalog.models import Expo, ExpoShop, Product, ProductReport
from vendors.demo import COMMUNITIES, demo_shops
from vendors.models import Community, CommunityManager

MODERATOR_GROUP = "Dinas moderator"
ACCOUNTS = [
    # e-mail, password, first name, staff
    ("moderator@warung.test", "moderator-demo-2026", "Rina Moderator", True),
    ("pengurus@warung.test", "pengurus-demo-2026", "Pak Dadang", False),
]


def ensure_account(email, password, first_name, staff):
    user, _ = get_user_model().objects.get_or_create(email=email)
    user.first_name, user.is_staff = first_name, staff
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed_dinas():
    moderator, manager = (ensure_account(*row) for row in ACCOUNTS)
    moderator.groups.add(Group.objects.get(name=MODERATOR_GROUP))
    community = Community.objects.filter(slug__in=[row[0] for row in COMMUNITIES]).order_by("name").first()
    if community:
        CommunityManager.objects.get_or_create(community=community, user=manager)
    today = timezone.localdate()
    expo, _ = Expo.objects.get_or_create(
        slug="expo-virtual-ikm",
        defaults={
            "name": "Expo Virtual IKM",
            "starts_on": today - timedelta(days=2),
            "ends_on": today + timedelta(days=12),
            "description": "Pameran daring industri kecil dan menengah: kuliner, kerajinan dan batik daerah.",
        },
    )
    for shop in demo_shops().visible().order_by("name")[:6]:
        ExpoShop.objects.get_or_create(expo=expo, shop=shop, defaults={"status": ExpoShop.Status.ACCEPTED})
    product = Product.objects.visible().filter(shop__in=demo_shops()).order_by("id").first()
    buyer = get_user_model().objects.filter(email="pembeli@warung.test").first()
    if product and buyer:
        ProductReport.objects.get_or_create(
            product=product,
            reporter=buyer,
            defaults={
                "status": ProductReport.Status.OPEN,
                "reason": ProductReport.Reason.MISLEADING,
                "text": "Foto tidak sesuai dengan barang.",
            },
        )
    return ACCOUNTS
