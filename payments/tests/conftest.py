"""The payments cast: the orders cast (two shops, a buyer) and a checkout across both shops."""

import pytest

from orders.tests.conftest import (  # noqa: F401 - fixtures shared with the orders tests
    address,
    buyer_client,
    make_stranger,
    product_a,
    product_b,
    shop_a,
    shop_a_owner,
    shop_b,
    shop_b_owner,
)
from payments.models import Payment
from payments.tests.factories import make_checkout


@pytest.fixture
def checkout(buyer, shop_a, shop_b, product_a, product_b):  # noqa: F811 - the fixtures above
    """Shop A: 2 × Rp15.000 + Rp10.000 shipping; shop B: 1 × Rp250.000 + Rp10.000: Rp300.000."""
    return make_checkout(buyer, (shop_a, [(product_a, 15_000, 2)]), (shop_b, [(product_b, 250_000, 1)]))


@pytest.fixture
def payment(checkout, settings):
    return Payment.objects.create(
        checkout=checkout,
        provider="sandbox",
        reference=f"{settings.PAYMENT_REFERENCE_PREFIX}-{checkout.pk}-TEST",
        amount=checkout.total,
    )
