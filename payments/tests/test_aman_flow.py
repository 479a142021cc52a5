"""Transaksi aman end to end for the buyer: one payment for the checkout, orders moved by the
provider's verified notification, money held and released to the shops at completion.

The sandbox's notification goes through the real endpoint and the real signature check: only
its HTTP trip to this site is replaced by the test client.
"""

import json
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from catalog.models import ProductVariant
from conftest import make_user
from marketplace.models import Notification
from orders import transitions
from orders.models import Checkout, Order, OrderEvent, OrderStatus
from orders.tests.factories import cart_with
from payments import complaints, incoming, ledger, services, settlement
from payments.commission import commission_for
from payments.models import (
    ManualTransfer,
    Payment,
    PaymentStatus,
    ProviderRefund,
    ReceivedNotification,
    SandboxCharge,
)
from payments.providers import sandbox

S = OrderStatus


@pytest.fixture
def aman(settings):
    settings.PAYMENT_MODE = "aman"
    settings.PAYMENT_PROVIDER = "sandbox"


@pytest.fixture
def endpoint(monkeypatch):
    """The sandbox's notifications reach the real endpoint through a client of their own."""
    sent = []

    def send(body):
        sent.append(body)
        return notify(body).status_code

    monkeypatch.setattr(sandbox, "send", send)
    return sent


def notify(body):
    return Client().post("/pembayaran/notifikasi/sandbox/", json.dumps(body), content_type="application/json")


def stock_of(product):
    return ProductVariant.objects.get(product=product).stock


def check_out(client, choices=None):
    """Check the cart out as the page offers it (first shipping option), with `choices` of payment."""
    form = client.get("/checkout/").context["form"]
    data = {field.html_name: field.value() for field in form if field.value() is not None}
    data.update(choices or {})
    data["place"] = "1"
    return client.post("/checkout/", data)


@pytest.fixture
def placed(aman, buyer_client, buyer, address, product_a, product_b):
    """The buyer checked out 2 × Keripik (shop A) and 1 × Batik (shop B) in aman mode."""
    cart_with(buyer, (product_a, 2), (product_b, 1))
    response = check_out(buyer_client)
    checkout = Checkout.objects.get(buyer=buyer)
    assert response.status_code == 302
    assert response["Location"] == f"/bayar/{checkout.pk}/"
    return checkout


def pay_with_sandbox_qris(client, checkout):
    chosen = client.post(f"/bayar/{checkout.pk}/", {"method": "qris"})
    payment = Payment.objects.filter(checkout=checkout, method="qris").latest("pk")
    assert chosen["Location"] == f"/bayar/sandbox/{payment.reference}/"
    client.post(chosen["Location"], {"method": "qris"})
    return payment


def test_buyer_pays_once_and_each_shop_gets_its_order_less_commission_at_completion(
    database, placed, buyer_client, buyer, endpoint, shop_a, shop_b, django_capture_on_commit_callbacks
):
    orders = list(placed.orders.order_by("pk"))
    assert {order.payment_method for order in orders} == {"aman"}
    assert {order.status for order in orders} == {S.AWAITING_PAYMENT}
    page = buyer_client.get(f"/bayar/{placed.pk}/")
    assert page.status_code == 200
    assert page.context["amount"] == placed.total == sum(order.total for order in orders)

    payment = pay_with_sandbox_qris(buyer_client, placed)

    assert len(endpoint) == 1 and endpoint[0]["order_id"] == payment.reference
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    for order in Order.objects.filter(checkout=placed):
        assert order.status == S.PAID
        event = order.events.get(to_status=S.PAID)
        assert event.actor is None and payment.reference in event.reason
        assert services.held_amount(order) == order.total
    assert Notification.objects.filter(
        user=shop_a.members.get().user, title__contains=placed.orders.get(shop=shop_a).number
    ).exists()
    assert "pay-result" in buyer_client.get(f"/bayar/{placed.pk}/").text

    order_a = Order.objects.get(checkout=placed, shop=shop_a)
    seller = shop_a.members.get().user
    transitions.start_processing(order=order_a, actor=seller)
    transitions.ship(order=order_a, actor=seller, courier="JNE", tracking_number="JNE123")
    with django_capture_on_commit_callbacks(execute=True):
        buyer_client.post(f"/pesanan/{order_a.number}/terima/", {"confirmed": "yes"})

    assert Order.objects.get(pk=order_a.pk).status == S.COMPLETED
    assert services.available_balance(shop_a) == order_a.total - commission_for(order_a)
    assert services.held_amount(order_a) == 0
    order_b = Order.objects.get(checkout=placed, shop=shop_b)
    assert services.held_amount(order_b) == order_b.total  # not completed: still held
    assert services.available_balance(shop_b) == 0


def test_the_same_notification_ten_times_moves_the_orders_once(placed, buyer_client, endpoint):
    pay_with_sandbox_qris(buyer_client, placed)

    answers = [notify(endpoint[0]).status_code for _ in range(9)]

    assert answers == [200] * 9
    for order in placed.orders.all():
        assert order.events.filter(to_status=S.PAID).count() == 1
        assert services.held_amount(order) == order.total
    outcomes = list(ReceivedNotification.objects.values_list("outcome", flat=True))
    assert sorted(outcomes) == ["applied"] + ["unchanged"] * 9
    assert ledger.clearing().balance == placed.total


def test_an_expired_payment_cancels_the_orders_and_gives_the_stock_back(
    placed, buyer_client, endpoint, product_a, product_b
):
    buyer_client.post(f"/bayar/{placed.pk}/", {"method": "va_bri"})
    payment = Payment.objects.get(checkout=placed)
    assert (stock_of(product_a), stock_of(product_b)) == (8, 2)

    assert sandbox.settle(reference=payment.reference, method="va", transaction_status="expire") == 200

    assert set(placed.orders.values_list("status", flat=True)) == {S.CANCELLED}
    assert (stock_of(product_a), stock_of(product_b)) == (10, 3)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.EXPIRED
    assert "pay-result" in buyer_client.get(f"/bayar/{placed.pk}/").text  # no longer payable


def test_orders_unpaid_after_the_deadline_are_cancelled_and_money_arriving_later_is_owed_back(
    placed, buyer_client, endpoint, product_b
):
    chosen = buyer_client.post(f"/bayar/{placed.pk}/", {"method": "qris"})
    payment = Payment.objects.get(checkout=placed)
    Order.objects.filter(checkout=placed).update(payment_deadline=timezone.now() - timedelta(minutes=1))

    assert transitions.cancel_unpaid_orders() == 2
    assert stock_of(product_b) == 3
    buyer_client.post(chosen["Location"], {"method": "qris"})  # the buyer pays anyway

    assert set(placed.orders.values_list("status", flat=True)) == {S.CANCELLED}
    assert ledger.refunds_payable().balance == payment.amount
    assert all(services.held_amount(order) == 0 for order in placed.orders.all())


def test_a_second_payment_of_a_paid_checkout_is_owed_back_not_held_twice(placed, buyer_client, endpoint):
    buyer_client.post(f"/bayar/{placed.pk}/", {"method": "va_bni"})
    first = Payment.objects.get(checkout=placed)
    pay_with_sandbox_qris(buyer_client, placed)

    sandbox.settle(reference=first.reference, method="va")

    assert ledger.clearing().balance == 2 * placed.total
    assert ledger.refunds_payable().balance == placed.total
    assert all(o.events.filter(to_status=S.PAID).count() == 1 for o in placed.orders.all())


def test_another_buyer_cannot_see_or_pay_the_checkout(placed, make_stranger, password):
    client = Client()
    assert client.get(f"/bayar/{placed.pk}/")["Location"].startswith("/accounts/login/")
    client.login(email=make_stranger.email, password=password)

    assert client.get(f"/bayar/{placed.pk}/").status_code == 404
    assert client.post(f"/bayar/{placed.pk}/", {"method": "qris"}).status_code == 404
    assert client.post(f"/bayar/{placed.pk}/bukti/").status_code == 404
    assert not Payment.objects.exists()


def test_a_click_twice_on_pay_starts_one_payment(placed, buyer_client):
    first = buyer_client.post(f"/bayar/{placed.pk}/", {"method": "qris"})
    second = buyer_client.post(f"/bayar/{placed.pk}/", {"method": "qris"})

    assert first["Location"] == second["Location"]
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("method", ["bitcoin", "", "va"])
def test_an_unknown_way_to_pay_is_refused_with_a_message(placed, buyer_client, method):
    response = buyer_client.post(f"/bayar/{placed.pk}/", {"method": method}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Pilih salah satu cara membayar."]
    assert not Payment.objects.exists()


def test_a_virtual_account_is_shown_on_the_pay_page(placed, buyer_client):
    buyer_client.post(f"/bayar/{placed.pk}/", {"method": "va_bca"})
    payment = Payment.objects.get()

    assert payment.method == "va_bca"
    page = buyer_client.get(f"/bayar/{placed.pk}/")
    assert payment.va_number in page.text


def test_manual_transfer_to_the_operator_is_paid_when_staff_confirm(placed, buyer_client, settings):
    buyer_client.post(f"/bayar/{placed.pk}/", {"method": "manual"})
    page = buyer_client.get(f"/bayar/{placed.pk}/")
    assert settings.MANUAL_TRANSFER_ACCOUNT_NUMBER in page.text

    png = SimpleUploadedFile("bukti.png", png_bytes(), content_type="image/png")
    buyer_client.post(f"/bayar/{placed.pk}/bukti/", {"proof": png})
    transfer = ManualTransfer.objects.get()
    incoming.decide_manual_transfer(
        transfer=transfer, staff=make_user("staf@example.com", is_staff=True), accept=True
    )

    assert set(placed.orders.values_list("status", flat=True)) == {S.PAID}


def test_a_proof_that_is_not_a_receipt_is_refused_and_nothing_is_stored(placed, buyer_client):
    buyer_client.post(f"/bayar/{placed.pk}/", {"method": "manual"})
    text = SimpleUploadedFile("bukti.png", b"not a picture", content_type="image/png")

    response = buyer_client.post(f"/bayar/{placed.pk}/bukti/", {"proof": text})

    assert response.status_code == 400, response.get("Location")
    assert not ManualTransfer.objects.exists()


def test_a_proof_before_choosing_the_transfer_is_refused(placed, buyer_client):
    png = SimpleUploadedFile("bukti.png", png_bytes(), content_type="image/png")
    response = buyer_client.post(f"/bayar/{placed.pk}/bukti/", {"proof": png}, follow=True)

    assert response.status_code == 200
    assert not ManualTransfer.objects.exists()


def test_an_aman_order_takes_no_proof_for_the_shop(placed, buyer_client):
    order = placed.orders.first()
    png = SimpleUploadedFile("bukti.png", png_bytes(), content_type="image/png")

    buyer_client.post(f"/pesanan/{order.number}/bayar/", {"proof": png})

    assert Order.objects.get(pk=order.pk).status == S.AWAITING_PAYMENT


def test_the_buyers_orders_lead_to_the_pay_page_while_unpaid(placed, buyer_client, endpoint):
    order = placed.orders.first()
    link = f'href="/bayar/{placed.pk}/"'
    assert link in buyer_client.get("/pesanan/").text
    assert link in buyer_client.get(f"/pesanan/{order.number}/").text

    pay_with_sandbox_qris(buyer_client, placed)

    assert link not in buyer_client.get("/pesanan/").text
    assert link not in buyer_client.get(f"/pesanan/{order.number}/").text


def test_cod_stays_possible_per_shop_and_the_payment_covers_the_rest(
    aman, buyer_client, buyer, address, product_a, product_b, endpoint
):
    cart_with(buyer, (product_a, 1), (product_b, 1))
    check_out(buyer_client, {f"payment_{product_a.shop_id}": "cod"})
    checkout = Checkout.objects.get()
    cod = checkout.orders.get(shop=product_a.shop)
    aman_order = checkout.orders.get(shop=product_b.shop)
    assert (cod.payment_method, cod.status) == ("cod", S.PLACED)

    payment = pay_with_sandbox_qris(buyer_client, checkout)

    assert payment.amount == aman_order.total
    assert Order.objects.get(pk=aman_order.pk).status == S.PAID
    assert Order.objects.get(pk=cod.pk).status == S.PLACED


def test_direct_mode_is_unchanged(buyer_client, buyer, address, product_a, product_b, settings):
    settings.PAYMENT_MODE = "direct"
    cart_with(buyer, (product_a, 1), (product_b, 1))
    form = buyer_client.get("/checkout/").context["form"]
    assert [c[0] for c in form.fields[f"payment_{product_a.shop_id}"].choices] == ["transfer", "cod"]

    response = check_out(buyer_client)

    checkout = Checkout.objects.get()
    assert response["Location"] == f"/checkout/{checkout.pk}/"
    assert set(checkout.orders.values_list("payment_method", flat=True)) == {"transfer"}
    assert buyer_client.get(f"/bayar/{checkout.pk}/").status_code == 404
    assert "/bayar/" not in buyer_client.get("/pesanan/").text


def test_aman_mode_offers_the_marketplace_payment_and_cod_where_the_shop_allows_it(
    aman, buyer_client, buyer, address, product_a, product_b
):
    cart_with(buyer, (product_a, 1), (product_b, 1))
    form = buyer_client.get("/checkout/").context["form"]

    assert [c[0] for c in form.fields[f"payment_{product_a.shop_id}"].choices] == ["aman", "cod"]
    assert [c[0] for c in form.fields[f"payment_{product_b.shop_id}"].choices] == ["aman"]
    response = check_out(buyer_client, {f"payment_{product_b.shop_id}": "transfer"})
    assert response.status_code == 200  # a transfer to the shop is not offered here
    assert not Checkout.objects.exists()


# --- Settlement: hooks after the move, and the sweep that makes up for lost ones -----------------


def paid_checkout(client, checkout):
    pay_with_sandbox_qris(client, checkout)
    return list(checkout.orders.select_related("shop").order_by("pk"))


def complete(order):
    seller = order.shop.members.get().user
    transitions.start_processing(order=order, actor=seller)
    transitions.ship(order=order, actor=seller, courier="JNE", tracking_number="JNE1")
    return transitions.confirm_receipt(order=order, buyer=order.buyer)


def test_a_lost_hook_is_made_up_by_the_sweep_once(placed, buyer_client, endpoint, settings, shop_a):
    order = next(o for o in paid_checkout(buyer_client, placed) if o.shop == shop_a)
    settings.ORDER_MOVE_HOOKS = []  # as if the task never ran
    complete(order)
    assert services.available_balance(shop_a) == 0

    assert settlement.settle_finished_orders() == 1
    assert settlement.settle_finished_orders() == 0

    assert services.available_balance(shop_a) == order.total - commission_for(order)
    assert ledger.posted(f"release:{order.pk}")


def test_a_completed_cod_order_is_charged_commission_by_its_hook(
    aman, buyer_client, buyer, address, product_a, shop_a, django_capture_on_commit_callbacks
):
    cart_with(buyer, (product_a, 2))
    check_out(buyer_client, {f"payment_{product_a.shop_id}": "cod"})
    order = Order.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        complete(order)

    assert services.owed_by_shop(shop_a) == commission_for(order) > 0
    assert settlement.settle_finished_orders() == 0


def test_a_paid_order_the_shop_cancels_is_owed_back_to_the_buyer(
    placed, buyer_client, endpoint, django_capture_on_commit_callbacks
):
    order = paid_checkout(buyer_client, placed)[1]

    with django_capture_on_commit_callbacks(execute=True):
        transitions.cancel(order=order, actor=order.shop.members.get().user, reason="Stok habis")

    assert services.held_amount(order) == 0
    # Sent back through the sandbox, which took the payment: nothing is left owed.
    refund = ProviderRefund.objects.get(refund__order=order)
    assert (refund.refund.amount, refund.status, refund.provider) == (order.total, "sent", "sandbox")
    assert ledger.refunds_payable().balance == 0
    assert settlement.settle_finished_orders() == 0
    assert ProviderRefund.objects.count() == 1


def test_a_cancelled_orders_refund_the_provider_cannot_make_is_kept_owed_and_retried(
    placed, buyer_client, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    order = paid_checkout(buyer_client, placed)[1]

    def down(self, payment, **kwargs):
        raise sandbox.ProviderError("sandbox down")

    monkeypatch.setattr(sandbox.Sandbox, "refund", down)
    with django_capture_on_commit_callbacks(execute=True):
        transitions.cancel(order=order, actor=order.shop.members.get().user, reason="Stok habis")

    refund = ProviderRefund.objects.get(refund__order=order)
    assert (refund.status, refund.attempts) == ("pending", 1)
    assert ledger.refunds_payable().balance == order.total
    monkeypatch.undo()
    assert complaints.retry_provider_refunds() == 1
    refund.refresh_from_db()
    assert refund.status == "sent"
    assert ledger.refunds_payable().balance == 0


def test_a_failing_hook_is_logged_and_never_breaks_the_move(placed, settings, caplog):
    settings.ORDER_MOVE_HOOKS = ["payments.tests.test_aman_flow.broken_hook"]
    order = placed.orders.first()

    assert transitions.run_move_hooks(order_id=order.pk, from_status="a", to_status="b") == 0
    assert "broken_hook failed" in caplog.text


def broken_hook(**kwargs):
    raise RuntimeError("down")


def test_people_cannot_make_the_systems_paid_move(placed, buyer, shop_a):
    order = placed.orders.get(shop=shop_a)
    for person in (buyer, shop_a.members.get().user):
        with pytest.raises(transitions.IllegalMove):
            transitions.transition(order=order, to=S.PAID, actor=person)
    assert not OrderEvent.objects.filter(to_status=S.PAID).exists()
    assert SandboxCharge.objects.count() == 0


def png_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), (200, 200, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.postgres
def test_a_buyers_cancel_racing_the_payment_never_leaves_money_held_for_a_cancelled_order(
    postgres, transactional_db, settings, buyer, address, product_a, product_b
):
    settings.PAYMENT_MODE, settings.PAYMENT_PROVIDER = "aman", "sandbox"
    client = Client()
    client.force_login(buyer)
    cart_with(buyer, (product_a, 1), (product_b, 1))
    check_out(client)
    checkout = Checkout.objects.get()
    client.post(f"/bayar/{checkout.pk}/", {"method": "qris"})
    payment = Payment.objects.get()
    charge = SandboxCharge.objects.get(reference=payment.reference)
    charge.status, charge.method = "settlement", "qris"
    charge.save()
    body = sandbox.notification_body(charge)
    order = checkout.orders.order_by("pk").first()
    barrier = threading.Barrier(2)

    def pay():
        try:
            barrier.wait()
            assert notify(body).status_code == 200
        finally:
            connection.close()

    def cancel():
        try:
            barrier.wait()
            transitions.cancel(order=order, actor=buyer)
        except transitions.IllegalMove:
            pass  # paid first: a paid order is not the buyer's to cancel
        finally:
            connection.close()

    threads = [threading.Thread(target=pay), threading.Thread(target=cancel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = set(checkout.orders.values_list("status", flat=True))
    held = sum(services.held_amount(o) for o in checkout.orders.all())
    assert ledger.clearing().balance == checkout.total
    if statuses == {S.PAID}:
        assert held == checkout.total and ledger.refunds_payable().balance == 0
    else:
        assert S.CANCELLED in statuses and held == 0
        assert ledger.refunds_payable().balance == checkout.total


def test_with_midtrans_the_chosen_banks_virtual_account_is_shown_on_the_pay_page(
    placed, buyer_client, settings, httpserver
):
    settings.PAYMENT_PROVIDER = "midtrans"
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-test"
    settings.MIDTRANS_API_URL = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/v2/charge", method="POST").respond_with_json(
        {
            "status_code": "201",
            "transaction_id": "t-1",
            "va_numbers": [{"bank": "bni", "va_number": "9881234567"}],
        }
    )

    response = buyer_client.post(f"/bayar/{placed.pk}/", {"method": "va_bni"})

    sent = json.loads(httpserver.log[0][0].data)
    assert sent["bank_transfer"] == {"bank": "bni"}
    assert sent["transaction_details"]["gross_amount"] == placed.total
    assert response["Location"] == f"/bayar/{placed.pk}/"
    assert "9881234567" in buyer_client.get(response["Location"]).text


def test_a_provider_that_cannot_be_reached_gets_a_message_not_an_error_page(placed, buyer_client, settings):
    settings.PAYMENT_PROVIDER = "midtrans"
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-test"
    settings.MIDTRANS_API_URL = "http://127.0.0.1:9"  # nothing listens there

    response = buyer_client.post(f"/bayar/{placed.pk}/", {"method": "qris"}, follow=True)

    assert response.status_code == 200
    assert len(response.context["messages"]) == 1
    assert set(placed.orders.values_list("status", flat=True)) == {S.AWAITING_PAYMENT}


def test_the_hook_is_configured_and_the_beat_task_settles_what_a_lost_hook_left(
    settings, placed, buyer_client, endpoint
):
    from payments.tasks import settle_finished_orders

    assert settings.ORDER_MOVE_HOOKS == ["payments.settlement.order_moved"]
    entry = settings.CELERY_BEAT_SCHEDULE["settle-finished-orders"]
    assert entry["task"] == settle_finished_orders.name
    settings.ORDER_MOVE_HOOKS = []
    complete(paid_checkout(buyer_client, placed)[0])
    assert settle_finished_orders.delay().get() == 1
