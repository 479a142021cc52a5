"""The orders cast: two shops in two regions, their products, a buyer with an address."""

import pytest

from conftest import make_user
from orders.tests.factories import BATAM, make_address, make_product, make_shop


@pytest.fixture
def shop_a_owner(db):
    return make_user("ani@example.com", first_name="Ani")


@pytest.fixture
def shop_b_owner(db):
    return make_user("bayu@example.com", first_name="Bayu")


@pytest.fixture
def shop_a(shop_a_owner):
    """In Purwakarta, like the buyer: pick-up, own delivery, courier, COD."""
    return make_shop(shop_a_owner, name="Dapur Bu Ani")


@pytest.fixture
def shop_b(shop_b_owner):
    """In Batam, without COD."""
    return make_shop(shop_b_owner, name="Batik Pak Bayu", where=BATAM, cod=False)


@pytest.fixture
def product_a(shop_a):
    return make_product(shop_a, name="Keripik Pedas", price=15_000, stock=10, weight_grams=250)


@pytest.fixture
def product_b(shop_b):
    return make_product(shop_b, name="Kain Batik Gonggong", price=250_000, stock=3, weight_grams=400)


@pytest.fixture
def address(buyer):
    return make_address(buyer)


@pytest.fixture
def buyer_client(client, buyer, password):
    client.login(email=buyer.email, password=password)
    return client


@pytest.fixture
def vendor_client(client, shop_a_owner, password):
    client.login(email=shop_a_owner.email, password=password)
    return client


@pytest.fixture
def make_stranger(db):
    return make_user("stranger@example.com", first_name="Sari")
