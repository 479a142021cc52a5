"""The public shop page (vendors) lists the shop's visible products (catalog)."""

import pytest

from catalog.models import Product
from catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_shop_page_lists_only_its_visible_products(client, shop_a, shop_b):
    make_product(shop_a, name="Keripik Tempe Sagu")
    make_product(shop_a, name="Rahasia Draf", status=Product.Status.DRAFT)
    make_product(shop_b, name="Dodol Toko Lain")

    response = client.get(f"/toko/{shop_a.slug}/")

    assert response.status_code == 200
    assert "Keripik Tempe Sagu" in response.text
    assert "Rahasia Draf" not in response.text
    assert "Dodol Toko Lain" not in response.text


@pytest.mark.parametrize("count", [6, 48])
def test_shop_page_runs_the_same_queries_for_few_or_many_products(
    client, shop_a, count, django_assert_max_num_queries
):
    for n in range(count):
        make_product(shop_a, name=f"Produk {n}")

    with django_assert_max_num_queries(10):
        response = client.get(f"/toko/{shop_a.slug}/")

    assert response.status_code == 200
