import pytest

from catalog.models import Category
from orders.tests.factories import make_product
from payments.commission import commission_for, round_half_up
from payments.models import CommissionRate
from payments.tests.factories import make_checkout
from vendors.models import Community


def order_of(buyer, shop, *lines):
    return make_checkout(buyer, (shop, list(lines))).orders.get()


@pytest.mark.parametrize(
    ("numerator", "expected"), [(12_345_000, 1_235), (12_344_999, 1_234), (5_000, 1), (4_999, 0)]
)
def test_round_half_up(numerator, expected):
    assert round_half_up(numerator, 10_000) == expected


def test_the_deployment_rate_applies_to_the_goods_not_the_shipping(buyer, shop_a, product_a, settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    order = order_of(buyer, shop_a, (product_a, 15_000, 3))  # Rp45.000 goods, Rp10.000 shipping
    assert commission_for(order) == 1_125


def test_rounding_is_half_up_once_per_order(buyer, shop_a, product_a, settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    # Two lines of Rp1.020: 25.5 each; rounded per line that would be 52, once per order 51.
    other = make_product(shop_a, price=1_020)
    order = order_of(buyer, shop_a, (product_a, 1_020, 1), (other, 1_020, 1))
    assert commission_for(order) == 51


def test_a_category_rate_replaces_the_deployment_rate_and_sub_categories_inherit_it(buyer, shop_a, settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    crafts = Category.objects.create(name="Kerajinan Uji", slug="kerajinan-uji")
    batik = Category.objects.create(name="Batik Uji", slug="batik-uji", parent=crafts)
    CommissionRate.objects.create(category=crafts, basis_points=100)
    cloth, snack = make_product(shop_a, category=batik), make_product(shop_a)
    order = order_of(buyer, shop_a, (cloth, 100_000, 1), (snack, 10_000, 1))
    assert commission_for(order) == 1_000 + 250


def test_a_cooperatives_members_may_pay_nothing(buyer, shop_a, product_a, settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    koperasi = Community.objects.create(name="Koperasi Maju", slug="koperasi-maju")
    association = Community.objects.create(name="Asosiasi UMKM", slug="asosiasi-umkm")
    CommissionRate.objects.create(community=koperasi, basis_points=0)
    CommissionRate.objects.create(community=association, basis_points=300)
    shop_a.communities.add(koperasi, association)
    assert commission_for(order_of(buyer, shop_a, (product_a, 15_000, 2))) == 0


def test_a_shops_own_rate_wins_over_its_community_and_categories(buyer, shop_a, product_a):
    koperasi = Community.objects.create(name="Koperasi Maju", slug="koperasi-maju")
    CommissionRate.objects.create(community=koperasi, basis_points=0)
    CommissionRate.objects.create(category=product_a.category, basis_points=900)
    CommissionRate.objects.create(shop=shop_a, basis_points=500)
    shop_a.communities.add(koperasi)
    assert commission_for(order_of(buyer, shop_a, (product_a, 15_000, 2))) == 1_500
