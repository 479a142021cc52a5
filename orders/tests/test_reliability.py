"""Races, outages and retries, on PostgreSQL with real transactions (and the real broker)."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from conftest import make_user, wait_for
from marketplace.models import Notification
from marketplace.tasks import resend_undelivered_notifications
from orders import services, tasks, transitions
from orders.models import Checkout, Order, OrderItem, OrderStatus
from orders.services import CheckoutError, ShopChoice
from orders.tests.factories import cart_with, make_address, make_product, make_shop

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(jobs):
    """Start every job at the same moment, each in its own thread with its own connection."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the test inspects what each buyer got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def shop(postgres):
    return make_shop(make_user("ani@example.com", first_name="Ani"), name="Dapur Bu Ani")


def test_twenty_buyers_racing_for_the_last_five_units_buy_exactly_five(shop):
    last_five = make_product(shop, name="Dodol Garut", stock=5)
    buyers = [make_user(f"pembeli{n}@example.com") for n in range(20)]
    carts = {b.pk: cart_with(b, (last_five, 1)) for b in buyers}
    addresses = {b.pk: make_address(b) for b in buyers}

    def buy(buyer):
        def job():
            with translation.override("en"):
                return services.place_order(
                    buyer=buyer,
                    cart=carts[buyer.pk],
                    address=addresses[buyer.pk],
                    choices={shop.pk: ShopChoice("pickup", "transfer")},
                    token=f"race-{buyer.pk}",
                )

        return job

    results = run_together([buy(b) for b in buyers])

    placed = [r for r in results if isinstance(r, Checkout)]
    refused = [r for r in results if isinstance(r, CheckoutError)]
    assert (len(placed), len(refused)) == (5, 15), results
    assert {r.messages[0] for r in refused} == {"“Dodol Garut” has just sold out; remove it from your cart."}
    last_five.refresh_from_db()
    assert last_five.stock == 0
    assert sum(OrderItem.objects.values_list("quantity", flat=True)) == 5
    assert Order.objects.count() == 5


def test_the_same_checkout_posted_twice_at_once_creates_one(shop, password):
    product = make_product(shop, stock=10)
    buyer = make_user("budi@example.com")
    make_address(buyer)
    cart_with(buyer, (product, 2))
    form = {"token": "same-form", "address": buyer.addresses.get().pk, f"shipping_{shop.pk}": "pickup"}
    form[f"payment_{shop.pk}"] = "transfer"

    def post():
        client = Client()
        client.force_login(buyer)
        return client.post("/checkout/", form)["Location"]

    locations = run_together([post, post])

    checkout = Checkout.objects.get()
    assert locations == [f"/checkout/{checkout.pk}/"] * 2
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 8


def test_an_order_is_placed_while_the_broker_is_down_and_its_notice_is_sent_once_later(
    shop, broker_down, monkeypatch
):
    product = make_product(shop, stock=3)
    buyer = make_user("budi@example.com")
    address = make_address(buyer)
    cart = cart_with(buyer, (product, 1))

    started = time.monotonic()
    checkout = services.place_order(
        buyer=buyer,
        cart=cart,
        address=address,
        choices={shop.pk: ShopChoice("pickup", "cod")},
        token="outage",
    )
    assert time.monotonic() - started < 3

    notice = Notification.objects.exclude(user=buyer).get()  # the shop's; the buyer has the payment one
    assert checkout.orders.get().number in notice.title and notice.emailed_at is None
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2
    assert mail.outbox == []

    monkeypatch.undo()  # the broker is back
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=1))
    resend_undelivered_notifications.apply()
    resend_undelivered_notifications.apply()

    titles = sorted(Notification.objects.values_list("title", flat=True))
    assert sorted(m.subject for m in mail.outbox) == titles


@pytest.mark.redis
def test_a_failing_task_is_retried_with_backoff_by_a_real_worker(shop, celery_worker, monkeypatch):
    product = make_product(shop, stock=3)
    buyer = make_user("budi@example.com")
    cart = cart_with(buyer, (product, 1))
    order = services.place_order(
        buyer=buyer,
        cart=cart,
        address=make_address(buyer),
        choices={shop.pk: ShopChoice("pickup", "transfer")},
        token="t",
    ).orders.get()
    Order.objects.filter(pk=order.pk).update(payment_deadline=timezone.now() - timedelta(minutes=1))

    real, calls, countdowns = transitions.unpaid_order_ids, [], []

    def flaky(**kwargs):
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise ConnectionError("database restarting")
        return real(**kwargs)

    real_retry = tasks.cancel_unpaid_orders.retry

    def spy_retry(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        return real_retry(*args, **kwargs)

    monkeypatch.setattr(transitions, "unpaid_order_ids", flaky)
    monkeypatch.setattr(tasks.cancel_unpaid_orders, "retry", spy_retry)
    tasks.cancel_unpaid_orders.delay()

    assert wait_for(lambda: Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED, timeout=15)
    assert len(calls) == 2
    assert len(countdowns) == 1 and 0 <= countdowns[0] <= tasks.cancel_unpaid_orders.retry_backoff
    product.refresh_from_db()
    assert product.stock == 3


def test_running_the_periodic_tasks_twice_has_the_effect_of_once(shop):
    product = make_product(shop, stock=5)
    buyer = make_user("budi@example.com")
    address = make_address(buyer)
    seller = shop.members.get().user

    def place(token, payment):
        cart = cart_with(buyer, (product, 1))
        choices = {shop.pk: ShopChoice("pickup", payment)}
        return services.place_order(buyer=buyer, cart=cart, address=address, choices=choices, token=token)

    unpaid = place("a", "transfer").orders.get()
    shipped = place("b", "cod").orders.get()
    transitions.start_processing(order=shipped, actor=seller)
    transitions.ship(order=shipped, actor=seller, courier="", tracking_number="")
    Order.objects.filter(pk=unpaid.pk).update(payment_deadline=timezone.now() - timedelta(hours=1))
    Order.objects.filter(pk=shipped.pk).update(shipped_at=timezone.now() - timedelta(days=30))

    run_together([tasks.cancel_unpaid_orders.apply, tasks.cancel_unpaid_orders.apply])
    run_together([tasks.complete_shipped_orders.apply, tasks.complete_shipped_orders.apply])

    product.refresh_from_db()
    assert product.stock == 4  # one unit back from the cancelled order, returned once
    assert unpaid.events.filter(to_status=OrderStatus.CANCELLED).count() == 1
    assert shipped.events.filter(to_status=OrderStatus.COMPLETED).count() == 1
    assert product.sold_count == 1
