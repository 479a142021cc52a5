from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from catalog.tests.factories import image_bytes
from marketplace.models import Notification
from orders import tasks, transitions
from orders.models import Order, OrderEvent, OrderStatus, Payment
from orders.tests.factories import buy
from orders.transitions import ALLOWED_MOVES, IllegalMove

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """Refusals read in English here; what is stored for people stays in the site's language."""
    with translation.override("en"):
        yield


S = OrderStatus


def proof():
    return SimpleUploadedFile("bukti.jpg", image_bytes(), content_type="image/jpeg")


@pytest.fixture
def transfer_order(buyer, address, product_a):
    return buy(buyer, (product_a, 2), payment="transfer", shipping="jne:REG").orders.get()


@pytest.fixture
def cod_order(buyer, address, product_a):
    return buy(buyer, (product_a, 2), payment="cod").orders.get()


def statuses(order):
    return list(order.events.values_list("from_status", "to_status"))


def test_a_transfer_order_walks_its_whole_life(transfer_order, buyer, shop_a_owner, product_a):
    order = transfer_order
    transitions.submit_payment_proof(order=order, buyer=buyer, upload=proof(), content_type="image/jpeg")
    transitions.confirm_payment(order=order, actor=shop_a_owner)
    transitions.start_processing(order=order, actor=shop_a_owner)
    transitions.ship(order=order, actor=shop_a_owner, courier="JNE", tracking_number="JNE123")
    done = transitions.confirm_receipt(order=order, buyer=buyer)

    assert done.status == S.COMPLETED and done.completed_at and done.shipped_at
    assert (done.courier, done.tracking_number) == ("JNE", "JNE123")
    assert statuses(order) == [
        ("", S.AWAITING_PAYMENT),
        (S.AWAITING_PAYMENT, S.PAYMENT_SUBMITTED),
        (S.PAYMENT_SUBMITTED, S.PAID),
        (S.PAID, S.PROCESSING),
        (S.PROCESSING, S.SHIPPED),
        (S.SHIPPED, S.COMPLETED),
    ]
    assert order.payments.get().status == Payment.Status.ACCEPTED
    product_a.refresh_from_db()
    assert product_a.sold_count == 2


def test_a_cod_order_goes_from_placed_to_completed(cod_order, buyer, shop_a_owner):
    transitions.start_processing(order=cod_order, actor=shop_a_owner)
    transitions.ship(order=cod_order, actor=shop_a_owner, courier="Kurir toko", tracking_number="-")
    transitions.confirm_receipt(order=cod_order, buyer=buyer)

    assert Order.objects.get(pk=cod_order.pk).status == S.COMPLETED


@pytest.mark.parametrize(
    "move",
    [
        lambda o, shop, buyer: transitions.ship(order=o, actor=shop, courier="JNE", tracking_number="1"),
        lambda o, shop, buyer: transitions.start_processing(order=o, actor=shop),
        lambda o, shop, buyer: transitions.confirm_payment(order=o, actor=shop),
        lambda o, shop, buyer: transitions.confirm_receipt(order=o, buyer=buyer),
    ],
    ids=["ship-unpaid", "process-unpaid", "confirm-without-proof", "receive-unshipped"],
)
def test_illegal_moves_are_refused_with_a_reason_and_change_nothing(
    transfer_order, shop_a_owner, buyer, move
):
    with pytest.raises(IllegalMove) as refused:
        move(transfer_order, shop_a_owner, buyer)

    assert "cannot become" in refused.value.messages[0]
    assert Order.objects.get(pk=transfer_order.pk).status == S.AWAITING_PAYMENT
    assert transfer_order.events.count() == 1


def test_a_shipped_order_cannot_be_cancelled(cod_order, shop_a_owner, buyer):
    transitions.start_processing(order=cod_order, actor=shop_a_owner)
    transitions.ship(order=cod_order, actor=shop_a_owner, courier="JNE", tracking_number="1")

    for actor in (buyer, shop_a_owner):
        with pytest.raises(IllegalMove):
            transitions.cancel(order=cod_order, actor=actor, reason="Berubah pikiran")
    assert Order.objects.get(pk=cod_order.pk).status == S.SHIPPED


def test_only_the_right_side_may_make_a_move(transfer_order, buyer, shop_a_owner, shop_b_owner):
    with pytest.raises(IllegalMove, match="may not"):
        transitions.submit_payment_proof(
            order=transfer_order, buyer=shop_a_owner, upload=proof(), content_type="image/jpeg"
        )
    transitions.submit_payment_proof(
        order=transfer_order, buyer=buyer, upload=proof(), content_type="image/jpeg"
    )
    with pytest.raises(IllegalMove, match="may not"):
        transitions.confirm_payment(order=transfer_order, actor=buyer)
    with pytest.raises(IllegalMove, match="may not"):
        transitions.confirm_payment(order=transfer_order, actor=shop_b_owner)
    assert Order.objects.get(pk=transfer_order.pk).status == S.PAYMENT_SUBMITTED


def test_the_buyer_cannot_cancel_after_sending_a_proof(transfer_order, buyer):
    transitions.submit_payment_proof(
        order=transfer_order, buyer=buyer, upload=proof(), content_type="image/jpeg"
    )

    with pytest.raises(IllegalMove):
        transitions.cancel(order=transfer_order, actor=buyer)


def test_the_shop_must_give_a_reason_to_reject_or_cancel(transfer_order, buyer, shop_a_owner):
    transitions.submit_payment_proof(
        order=transfer_order, buyer=buyer, upload=proof(), content_type="image/jpeg"
    )

    with pytest.raises(IllegalMove, match="why"):
        transitions.reject_payment(order=transfer_order, actor=shop_a_owner, reason="  ")
    rejected = transitions.reject_payment(order=transfer_order, actor=shop_a_owner, reason="Nominal kurang")

    assert rejected.status == S.AWAITING_PAYMENT
    payment = transfer_order.payments.get()
    assert (payment.status, payment.reason) == (Payment.Status.REJECTED, "Nominal kurang")
    assert Notification.objects.filter(user=buyer, body="Nominal kurang").exists()
    with pytest.raises(IllegalMove, match="why"):
        transitions.cancel(order=transfer_order, actor=shop_a_owner)


def test_cancelling_returns_the_stock_and_records_who_and_why(transfer_order, buyer, product_a, shop_a_owner):
    transitions.cancel(order=transfer_order, actor=buyer)

    product_a.refresh_from_db()
    assert product_a.stock == 10
    event = transfer_order.events.last()
    assert (event.actor, event.from_status, event.to_status) == (buyer, S.AWAITING_PAYMENT, S.CANCELLED)
    assert Notification.objects.filter(user=shop_a_owner, title__contains="dibatalkan").exists()


def test_each_move_tells_the_other_side_only(transfer_order, buyer, shop_a_owner):
    Notification.objects.all().delete()
    transitions.submit_payment_proof(
        order=transfer_order, buyer=buyer, upload=proof(), content_type="image/jpeg"
    )
    assert list(Notification.objects.values_list("user", flat=True)) == [shop_a_owner.pk]

    Notification.objects.all().delete()
    transitions.confirm_payment(order=transfer_order, actor=shop_a_owner)
    assert list(Notification.objects.values_list("user", flat=True)) == [buyer.pk]


def test_unpaid_transfer_orders_are_cancelled_after_the_deadline_once(transfer_order, cod_order, product_a):
    Order.objects.filter(pk=transfer_order.pk).update(payment_deadline=timezone.now() - timedelta(minutes=1))

    assert tasks.cancel_unpaid_orders.apply().get() == 1
    assert tasks.cancel_unpaid_orders.apply().get() == 0  # running twice = running once

    assert Order.objects.get(pk=transfer_order.pk).status == S.CANCELLED
    assert Order.objects.get(pk=cod_order.pk).status == S.PLACED
    product_a.refresh_from_db()
    assert product_a.stock == 8  # the COD order's two units stay taken
    assert OrderEvent.objects.filter(order=transfer_order, to_status=S.CANCELLED, actor=None).count() == 1


def test_orders_inside_the_deadline_are_left_alone(transfer_order):
    assert tasks.cancel_unpaid_orders.apply().get() == 0
    assert transitions.auto_cancel_unpaid(order_id=transfer_order.pk) is False


def test_shipped_orders_complete_after_the_configured_days(cod_order, shop_a_owner, settings):
    settings.ORDER_AUTO_COMPLETE_DAYS = 7
    transitions.start_processing(order=cod_order, actor=shop_a_owner)
    transitions.ship(order=cod_order, actor=shop_a_owner, courier="JNE", tracking_number="1")
    Order.objects.filter(pk=cod_order.pk).update(shipped_at=timezone.now() - timedelta(days=6))
    assert tasks.complete_shipped_orders.apply().get() == 0

    Order.objects.filter(pk=cod_order.pk).update(shipped_at=timezone.now() - timedelta(days=8))
    assert tasks.complete_shipped_orders.apply().get() == 1
    assert tasks.complete_shipped_orders.apply().get() == 0

    assert Order.objects.get(pk=cod_order.pk).status == S.COMPLETED


def test_a_courier_shipment_needs_courier_and_tracking_number(transfer_order, buyer, shop_a_owner):
    transitions.submit_payment_proof(
        order=transfer_order, buyer=buyer, upload=proof(), content_type="image/jpeg"
    )
    transitions.confirm_payment(order=transfer_order, actor=shop_a_owner)
    transitions.start_processing(order=transfer_order, actor=shop_a_owner)

    with pytest.raises(IllegalMove, match="tracking"):
        transitions.ship(order=transfer_order, actor=shop_a_owner, courier="JNE", tracking_number=" ")
    assert Order.objects.get(pk=transfer_order.pk).status == S.PROCESSING


def test_the_table_matches_the_life_cycle_in_the_design():
    forward = {(a, b) for (a, b) in ALLOWED_MOVES if b != S.CANCELLED}
    assert forward == {
        (S.AWAITING_PAYMENT, S.PAYMENT_SUBMITTED),
        (S.PAYMENT_SUBMITTED, S.PAID),
        (S.AWAITING_PAYMENT, S.PAID),  # transaksi aman: the marketplace's verified payment
        (S.PAYMENT_SUBMITTED, S.AWAITING_PAYMENT),
        (S.PAID, S.PROCESSING),
        (S.PLACED, S.PROCESSING),
        (S.PROCESSING, S.SHIPPED),
        (S.SHIPPED, S.COMPLETED),
        (S.SHIPPED, S.IN_COMPLAINT),
        (S.IN_COMPLAINT, S.REFUNDED),
        (S.IN_COMPLAINT, S.COMPLETED),
    }
    cancellable = {a for (a, b) in ALLOWED_MOVES if b == S.CANCELLED}
    assert cancellable == {S.AWAITING_PAYMENT, S.PAYMENT_SUBMITTED, S.PAID, S.PLACED, S.PROCESSING}


def test_nothing_but_transitions_assigns_the_status():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and path.name != "transitions.py"
        and re.search(r"\border\.status\s*=[^=]|locked\.status\s*=[^=]", path.read_text())
    ]
    assert offenders == []


# --- Periodic work isolates failures ---------------------------------------------------------


def fail_for(order, real):
    """`real`, except that it raises for `order`: an order whose move breaks half-way."""

    def maybe_fail(locked, *args, **kwargs):
        if locked.pk == order.pk:
            raise RuntimeError("broken order data")
        return real(locked, *args, **kwargs)

    return maybe_fail


@pytest.fixture
def three_unpaid(buyer, address, product_a):
    orders = [buy(buyer, (product_a, 1), payment="transfer").orders.get() for _ in range(3)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        payment_deadline=timezone.now() - timedelta(minutes=1)
    )
    return orders


def test_one_failing_order_does_not_stop_the_cancellation_of_the_others(
    three_unpaid, product_a, monkeypatch, caplog
):
    first, bad, last = three_unpaid
    monkeypatch.setattr(transitions, "return_stock", fail_for(bad, transitions.return_stock))

    assert tasks.cancel_unpaid_orders.apply().get() == 2

    status = dict(Order.objects.values_list("pk", "status"))
    assert (status[first.pk], status[bad.pk], status[last.pk]) == (
        S.CANCELLED,
        S.AWAITING_PAYMENT,
        S.CANCELLED,
    )
    # The bad order's half-made move was rolled back: no event, no stock given back for it.
    assert not bad.events.filter(to_status=S.CANCELLED).exists()
    product_a.refresh_from_db()
    assert product_a.stock == 10 - 1
    assert f"auto_cancel_unpaid failed for order {bad.pk}" in caplog.text
    assert "broken order data" in caplog.text  # with its traceback

    monkeypatch.undo()  # fixed (or the cause went away): the next run cancels it
    assert tasks.cancel_unpaid_orders.apply().get() == 1
    assert Order.objects.get(pk=bad.pk).status == S.CANCELLED


def test_one_failing_order_does_not_stop_the_completion_of_the_others(
    buyer, address, product_a, shop_a_owner, monkeypatch, caplog, settings
):
    orders = [buy(buyer, (product_a, 1), payment="cod").orders.get() for _ in range(3)]
    for order in orders:
        transitions.start_processing(order=order, actor=shop_a_owner)
        transitions.ship(order=order, actor=shop_a_owner, courier="", tracking_number="")
    Order.objects.update(shipped_at=timezone.now() - timedelta(days=settings.ORDER_AUTO_COMPLETE_DAYS + 1))
    broken, second, third = orders
    monkeypatch.setattr(transitions, "count_as_sold", fail_for(broken, transitions.count_as_sold))

    assert tasks.complete_shipped_orders.apply().get() == 2

    status = dict(Order.objects.values_list("pk", "status"))
    assert (status[broken.pk], status[second.pk], status[third.pk]) == (S.SHIPPED, S.COMPLETED, S.COMPLETED)
    product_a.refresh_from_db()
    assert product_a.sold_count == 2
    assert f"auto_complete_shipped failed for order {broken.pk}" in caplog.text

    monkeypatch.undo()
    assert tasks.complete_shipped_orders.apply().get() == 1
    assert Order.objects.get(pk=broken.pk).status == S.COMPLETED
