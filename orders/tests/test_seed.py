import pytest
from django.core.management import call_command

from conftest import make_user
from orders.management.commands.seed_demo_orders import PLAN
from orders.models import Order, OrderStatus
from orders.tests.factories import make_product, make_shop
from shipping.couriers import courier_code, courier_name
from vendors.models import Shop

STATE_TOKENS = [f"demo-{state}" for state, _ in PLAN]

pytestmark = pytest.mark.django_db


def test_without_demo_products_it_says_so_and_does_nothing(capsys, db):
    make_user("pembeli@warung.test")

    call_command("seed_demo_orders")

    assert "Nothing done" in capsys.readouterr().out
    assert not Order.objects.exists()


def test_demo_orders_cover_every_state_once(db):
    buyer = make_user("pembeli@warung.test", first_name="Siti")
    for n, cod in enumerate((True, False)):
        shop = make_shop(make_user(f"toko{n}@warung.test"), name=f"Toko Demo {n}", cod=cod)
        Shop.objects.filter(pk=shop.pk).update(is_demo=True)
        make_product(shop, stock=50)
    real = make_shop(make_user("tester@gmail.com"), name="Toko Sungguhan")
    make_product(real, stock=50)

    call_command("seed_demo_orders")
    call_command("seed_demo_orders")

    states = sorted(
        Order.objects.filter(buyer=buyer, checkout__token__in=STATE_TOKENS).values_list("status", flat=True)
    )
    # Complaints exist only in transaksi aman: payments' seed_demo_complaints makes those states.
    complaint_states = {OrderStatus.IN_COMPLAINT, OrderStatus.REFUNDED}
    assert states == sorted(set(OrderStatus.values) - complaint_states)
    assert not Order.objects.filter(shop=real).exists()
    assert Order.objects.values("shop").distinct().count() == 2


def test_demo_parcels_ship_with_the_courier_the_buyer_chose_and_a_receipt_it_accepts(db):
    from shipping.receipts import normalise_receipt_number

    make_user("pembeli@warung.test", first_name="Siti")
    shop = make_shop(make_user("toko@warung.test"), name="Toko Demo")
    Shop.objects.filter(pk=shop.pk).update(is_demo=True)
    make_product(shop, stock=50)

    call_command("seed_demo_orders")

    shipped = Order.objects.exclude(shipped_at=None)
    assert "courier" in {order.shipping_method for order in shipped}
    for order in shipped:
        if order.shipping_method == "courier":
            assert courier_name(order.courier) == courier_name(order.shipping_option.split(":")[0])
            assert normalise_receipt_number(order.tracking_number, courier_code(order.courier))
        else:
            assert (order.courier, order.tracking_number) == ("", "")
