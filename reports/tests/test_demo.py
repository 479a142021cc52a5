"""The demo seeders (`make run`): only their own rows, any number of runs, a year of life."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models.functions import TruncMonth
from django.forms.models import model_to_dict
from django.utils import timezone

from catalog.management.commands.seed_demo_products import PRODUCTS_BY_KIND
from catalog.models import Expo, ExpoShop, Product, ProductImage, ProductReport, Review
from catalog.tests.factories import make_product, make_shop, region
from conftest import make_user, moderator_group
from marketplace.models import User
from marketplace.regions import load_regions
from orders.models import Order, OrderEvent, Payment
from reports.selectors import default_filters, onboarded_by_month, orders_by_month
from vendors.demo import KINDS, seed_shops
from vendors.models import CommunityManager, Shop, ShopStatusEvent

COUNTED = [Shop, Product, ProductImage, Order, OrderEvent, Payment, Review, ShopStatusEvent, ExpoShop, User]


def seed_everything():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    call_command("seed_demo_shops", "--force", stdout=out)
    call_command("seed_demo_products", total=40, stdout=out)
    call_command("seed_demo_orders", stdout=out)
    call_command("seed_demo_dinas", "--force", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def snapshot(shop):
    shop.refresh_from_db()
    products = Product.objects.filter(shop=shop).order_by("pk")
    return model_to_dict(shop), [model_to_dict(p) for p in products], Shop.objects.get(pk=shop.pk).updated_at


@pytest.fixture
def real_shops(db):
    """A tester's approved shop with products and a pending one, registered before `make run`."""
    load_regions()
    moderator_group()
    approved = make_shop(make_user("tester@gmail.com"), name="Keripik Bu Tester", district=region())
    make_product(approved, name="Keripik Tempe Tester")
    make_product(approved, name="Bika Ambon Tester")
    pending = make_shop(make_user("baru@gmail.com"), name="Toko Baru", status=Shop.Status.PENDING)
    return approved, pending


def test_the_seeders_leave_real_shops_alone_can_run_again_and_give_a_year_of_life(
    real_shops, django_capture_on_commit_callbacks
):
    approved, pending = real_shops
    before = snapshot(approved), snapshot(pending)

    with django_capture_on_commit_callbacks(execute=True):
        seed_everything()
    first = counts()
    with django_capture_on_commit_callbacks(execute=True):
        seed_everything()

    assert counts() == first
    assert Shop.objects.filter(is_demo=True).count() == 21 and first["Order"] > 40
    assert_untouched(approved, pending, before)
    assert_each_demo_shop_sells_what_its_kind_sells()
    assert_a_year_of_life_in_the_dinas_charts()


def assert_untouched(approved, pending, before):
    assert (snapshot(approved), snapshot(pending)) == before
    assert Product.objects.filter(shop=approved).count() == 2
    assert not Order.objects.filter(shop__in=[approved, pending]).exists()
    assert not ExpoShop.objects.filter(shop=approved).exists()
    assert not ProductReport.objects.filter(product__shop=approved).exists()
    assert not ShopStatusEvent.objects.filter(shop__in=[approved, pending]).exists()


def assert_each_demo_shop_sells_what_its_kind_sells():
    for product in Product.objects.filter(shop__is_demo=True).select_related("shop"):
        sold_by_kind = {row[1] for row in PRODUCTS_BY_KIND[KINDS[product.shop.slug]]}
        assert product.name in sold_by_kind, (product.shop.name, product.name)
    tailor = Shop.objects.get(slug="jasa-jahit-pangkal-balam")
    assert set(Product.objects.filter(shop=tailor).values_list("category__slug", flat=True)) == {"jahit"}


def assert_a_year_of_life_in_the_dinas_charts():
    filters = default_filters()
    orders = orders_by_month(filters)
    assert len(orders) == 12 and all(month["sales_orders"] > 0 for month in orders), orders
    onboarded = [month["shops"] for month in onboarded_by_month(filters)]
    assert sum(1 for n in onboarded if n) >= 10, onboarded
    reviewed = Review.objects.annotate(month=TruncMonth("created_at")).values("month").distinct().count()
    assert reviewed >= 6
    assert not Order.objects.filter(created_at__gt=timezone.now()).exists()


def test_a_real_shop_holding_a_demo_slug_is_not_taken_over(db):
    load_regions()
    real = make_shop(make_user("tester@gmail.com"), name="Kopi Jatiluhur", district=region())
    assert real.slug == "kopi-jatiluhur"

    seed_shops()

    real.refresh_from_db()
    assert not real.is_demo and real.members.get().user.email == "tester@gmail.com"
    assert Shop.objects.filter(is_demo=True).count() == 20


def test_the_dinas_demo_data_can_be_seeded_twice(db, django_capture_on_commit_callbacks):
    load_regions()
    moderator_group()
    make_user("pembeli@warung.test")
    seed_shops()

    call_command("seed_demo_dinas", "--force", stdout=StringIO())
    call_command("seed_demo_dinas", "--force", stdout=StringIO())

    assert Expo.objects.get().is_running(timezone.localdate())
    assert ExpoShop.objects.count() == 6
    assert CommunityManager.objects.count() == 1
