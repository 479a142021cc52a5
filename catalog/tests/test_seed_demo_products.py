from io import StringIO

import pytest
from django.core.management import call_command

from catalog.management.commands.seed_demo_products import PRODUCTS_BY_KIND
from catalog.models import Product, ProductImage
from catalog.tests.factories import make_shop
from vendors.models import Shop

pytestmark = pytest.mark.django_db


def run(**options):
    out = StringIO()
    call_command("seed_demo_products", stdout=out, **options)
    return out.getvalue()


def as_demo(shop, slug):
    """The shop as the demo seeder makes it: flagged, under a slug of the demo registry."""
    Shop.objects.filter(pk=shop.pk).update(is_demo=True, slug=slug)
    shop.refresh_from_db()
    return shop


def test_without_approved_demo_shops_it_explains_and_adds_nothing(shop_a_owner, shop_a):
    as_demo(make_shop(shop_a_owner, status=Shop.Status.PENDING), "kopi-jatiluhur")

    assert "No approved demo shops" in run()
    assert not Product.objects.exists()


def test_adds_products_of_the_shops_kind_with_drawn_photos_once(
    shop_a, shop_b, django_capture_on_commit_callbacks
):
    coffee, batik = as_demo(shop_a, "kopi-jatiluhur"), as_demo(shop_b, "batik-tegalan-ayu")
    with django_capture_on_commit_callbacks(execute=True):
        run(total=8)

    assert set(Product.objects.filter(shop=coffee).values_list("name", flat=True)) == {
        name for _, name, *_ in PRODUCTS_BY_KIND["kopi"][:4]
    }
    assert set(Product.objects.filter(shop=batik).values_list("name", flat=True)) == {
        name for _, name, *_ in PRODUCTS_BY_KIND["batik"][:4]
    }
    assert Product.objects.visible().count() == 8
    assert ProductImage.objects.filter(status="ready").count() == ProductImage.objects.count() >= 8
    assert Product.objects.exclude(variants=None).exists()

    run(total=8)
    assert Product.objects.count() == 8


def test_a_real_shop_gets_no_demo_products(shop_a, shop_b, django_capture_on_commit_callbacks):
    as_demo(shop_b, "batik-tegalan-ayu")

    with django_capture_on_commit_callbacks(execute=True):
        run(total=4)

    assert not Product.objects.filter(shop=shop_a).exists()
    assert Product.objects.filter(shop=shop_b).count() == 4
