"""The demo transaksi aman checkouts: paid, held and released once, whatever the number of runs."""

import pytest
from django.core.management import call_command

from conftest import make_user
from orders.models import Checkout, Order, OrderStatus
from orders.tests.factories import make_address, make_product, make_shop
from payments import ledger, services
from vendors.models import Shop

pytestmark = pytest.mark.django_db
S = OrderStatus


def test_without_a_demo_buyer_it_says_so_and_does_nothing(capsys, db):
    call_command("seed_demo_payments")

    assert "Nothing done" in capsys.readouterr().out
    assert not Checkout.objects.exists()


def test_demo_aman_checkouts_are_paid_held_and_released_once(db):
    buyer = make_user("pembeli@warung.test", first_name="Siti")
    make_address(buyer)
    shops = []
    for n in range(3):
        shop = make_shop(make_user(f"toko{n}@warung.test"), name=f"Toko Demo {n}")
        Shop.objects.filter(pk=shop.pk).update(is_demo=True)
        make_product(shop, stock=50, price=40_000)
        shops.append(shop)

    call_command("seed_demo_payments")
    counts = (Checkout.objects.count(), Order.objects.count(), ledger.clearing().balance)
    call_command("seed_demo_payments")

    assert (Checkout.objects.count(), Order.objects.count(), ledger.clearing().balance) == counts
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == {S.AWAITING_PAYMENT, S.PAID, S.SHIPPED, S.COMPLETED}
    assert set(Order.objects.values_list("payment_method", flat=True)) == {"aman"}
    for order in Order.objects.filter(status__in=[S.PAID, S.SHIPPED]):
        assert services.held_amount(order) == order.total
    assert all(services.available_balance(shop) > 0 for shop in shops)
