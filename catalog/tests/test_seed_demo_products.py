from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Product, ProductImage
from catalog.tests.factories import make_shop
from vendors.models import Shop

pytestmark = pytest.mark.django_db


def run(**options):
    out = StringIO()
    call_command("seed_demo_products", stdout=out, **options)
    return out.getvalue()


def test_without_approved_shops_it_explains_and_adds_nothing(shop_a_owner):
    make_shop(shop_a_owner, status=Shop.Status.PENDING)

    assert "No approved shops" in run()
    assert not Product.objects.exists()


def test_adds_products_with_drawn_photos_once(shop_a, shop_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run(total=20)

    assert (
        Product.objects.filter(shop=shop_a).count() == 10
        and Product.objects.filter(shop=shop_b).count() == 10
    )
    assert Product.objects.visible().count() == 20
    assert ProductImage.objects.filter(status="ready").count() == ProductImage.objects.count() >= 20
    assert Product.objects.exclude(variants=None).exists()

    run(total=20)
    assert Product.objects.count() == 20
