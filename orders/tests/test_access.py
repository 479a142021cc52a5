"""Who is what in a shop (vendors.permissions), and what each role reaches: one matrix.

Lives with orders because it reads the three querysets built on the role (shops, products,
orders) and pages of every app that serves /dashboard/<shop>/.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from conftest import make_user
from orders.models import Order
from orders.tests.factories import buy
from vendors.models import Community, CommunityManager, Shop, ShopMember
from vendors.permissions import MANAGE, WORK, ShopRole, role_in_shop

R = ShopRole
CAST = ["owner", "staff", "community_manager", "moderator", "stranger", "anonymous"]
EXPECTED_ROLE = {
    "owner": R.OWNER,
    "staff": R.STAFF,
    "community_manager": R.COMMUNITY_MANAGER,
    "moderator": R.MODERATOR,
    "stranger": R.NONE,
    "anonymous": R.NONE,
}


@pytest.fixture
def world(shop_a, shop_a_owner, product_a, buyer, moderator, shop_b):
    """Shop A with one person in every role, and one order."""
    staff = make_user("dewi@example.com", first_name="Dewi")
    ShopMember.objects.create(shop=shop_a, user=staff, role=ShopMember.Role.STAFF)
    community = Community.objects.create(name="Koperasi UMKM Purwakarta", slug="koperasi-purwakarta")
    shop_a.communities.add(community)
    manager = make_user("manajer@example.com", first_name="Made")
    CommunityManager.objects.create(community=community, user=manager)
    order = buy(buyer, (product_a, 1)).orders.get()
    users = {
        "owner": shop_a_owner,
        "staff": staff,
        "community_manager": manager,
        "moderator": moderator,
        "stranger": make_user("orang-lain@example.com"),
        "anonymous": AnonymousUser(),
    }
    return {"shop": shop_a, "product": product_a, "order": order, "users": users}


def client_for(user, password):
    client = Client()
    if user.is_authenticated:
        assert client.login(email=user.email, password=password)
    return client


@pytest.mark.parametrize("who", CAST)
def test_role_in_shop_names_each_persons_role(world, who):
    assert role_in_shop(world["users"][who], world["shop"]) == EXPECTED_ROLE[who]


@pytest.mark.parametrize("who", CAST)
def test_the_querysets_agree_with_the_role(world, who):
    user, works = world["users"][who], EXPECTED_ROLE[who] in WORK

    assert Shop.objects.for_member(user).filter(pk=world["shop"].pk).exists() is works
    assert Product.objects.editable_by(user).filter(pk=world["product"].pk).exists() is works
    assert Order.objects.for_shop_member(user).filter(pk=world["order"].pk).exists() is works


def test_a_members_own_role_wins_over_community_and_dinas_roles(world, moderator):
    ShopMember.objects.create(shop=world["shop"], user=moderator, role=ShopMember.Role.STAFF)
    CommunityManager.objects.create(community=Community.objects.get(), user=world["users"]["owner"])

    assert role_in_shop(moderator, world["shop"]) == R.STAFF
    assert role_in_shop(world["users"]["owner"], world["shop"]) == R.OWNER


def test_a_deactivated_owner_has_no_role(world):
    owner = world["users"]["owner"]
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    assert role_in_shop(owner, world["shop"]) == R.NONE
    assert not Shop.objects.for_member(owner).exists()


def test_a_member_of_the_other_shop_has_no_role_here(world, shop_b_owner):
    assert role_in_shop(shop_b_owner, world["shop"]) == R.NONE
    assert not Product.objects.editable_by(shop_b_owner).filter(pk=world["product"].pk).exists()


PAGES = {
    # name -> (url builder, status for a worker, for staff on owner-only pages)
    "overview": lambda w: reverse("orders:dashboard", args=[w["shop"].slug]),
    "product edit": lambda w: reverse("catalog:dashboard_edit", args=[w["shop"].slug, w["product"].pk]),
    "order detail": lambda w: reverse("orders:shop_order", args=[w["shop"].slug, w["order"].number]),
    "shop settings": lambda w: reverse("vendors:settings", args=[w["shop"].slug]),
    "bank accounts": lambda w: reverse("vendors:bank_accounts", args=[w["shop"].slug]),
}
OWNER_ONLY_PAGES = {"bank accounts"}


def expected_status(who, page):
    role = EXPECTED_ROLE[who]
    if who == "anonymous":
        return 302  # to the log-in page
    if role not in WORK:
        return 404  # the page of a shop one does not work for does not exist
    if page in OWNER_ONLY_PAGES and role not in MANAGE:
        return 403
    return 200


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("who", CAST)
def test_each_role_reaches_exactly_its_pages(world, who, page, password):
    response = client_for(world["users"][who], password).get(PAGES[page](world))

    assert response.status_code == expected_status(who, page)
