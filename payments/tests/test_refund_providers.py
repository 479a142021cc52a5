"""Refunds through the providers' APIs, answered by a local HTTP server: the request each adapter
sends, and what happens when the provider is slow or broken (the decision stands, the refund is
retried with the same key, and is never sent twice)."""

import json
import time

import pytest
from django.utils import timezone
from werkzeug import Response

from orders.models import Order, OrderStatus
from payments import complaints, ledger, services, tasks
from payments.models import LedgerTransaction, Payment, ProviderRefund
from payments.providers.base import ProviderError
from payments.providers.midtrans import Midtrans
from payments.providers.xendit import Xendit
from payments.tests.test_providers import SERVER_KEY, XENDIT_KEY, basic

REFUND_KEY = "WO-RF-7"


class FakePayment:
    reference = "WO-12-ABCDEF"
    provider_reference = "inv-5f27a14a9ca1d35a"
    amount = 300_000


@pytest.fixture
def midtrans_url(settings, httpserver):
    settings.MIDTRANS_SERVER_KEY = SERVER_KEY
    settings.MIDTRANS_API_URL = httpserver.url_for("").rstrip("/")
    settings.PAYMENT_PROVIDER_TIMEOUT_SECONDS = 1
    return httpserver


def midtrans_refund_answer(amount=40_000):
    return {
        "status_code": "200",
        "status_message": "Success, refund request is approved",
        "transaction_id": "9aed5972-5b6a-401e-894b-a32c91ed1a3a",
        "order_id": "WO-12-ABCDEF",
        "gross_amount": "300000.00",
        "currency": "IDR",
        "payment_type": "qris",
        "transaction_status": "partial_refund",
        "refund_chargeback_id": 1234,
        "refund_amount": f"{amount}.00",
        "refund_key": REFUND_KEY,
    }


def test_midtrans_refund_posts_the_amount_and_our_key(midtrans_url):
    midtrans_url.expect_request(
        "/v2/WO-12-ABCDEF/refund",
        method="POST",
        headers={"Authorization": basic(SERVER_KEY)},
        json={"refund_key": REFUND_KEY, "amount": 40_000, "reason": "Komplain"},
    ).respond_with_json(midtrans_refund_answer())
    assert Midtrans().refund(FakePayment(), amount=40_000, key=REFUND_KEY, reason="Komplain") == "1234"


def test_midtrans_refusing_a_refund_is_an_error(midtrans_url):
    midtrans_url.expect_request("/v2/WO-12-ABCDEF/refund", method="POST").respond_with_json(
        {"status_code": "412", "status_message": "Merchant cannot modify the status of the transaction"}
    )
    with pytest.raises(ProviderError, match="412"):
        Midtrans().refund(FakePayment(), amount=40_000, key=REFUND_KEY)


def test_xendit_refund_sends_an_idempotency_key(settings, httpserver):
    settings.XENDIT_SECRET_KEY = XENDIT_KEY
    settings.XENDIT_API_URL = httpserver.url_for("").rstrip("/")
    httpserver.expect_request(
        "/refunds",
        method="POST",
        headers={"Authorization": basic(XENDIT_KEY), "Idempotency-key": REFUND_KEY},
        json={
            "invoice_id": "inv-5f27a14a9ca1d35a",
            "reference_id": REFUND_KEY,
            "amount": 40_000,
            "currency": "IDR",
            "reason": "REQUESTED_BY_CUSTOMER",
            "metadata": {"reason": "Komplain"},
        },
    ).respond_with_json({"id": "rfd-6f4a377d", "status": "PENDING", "amount": 40_000, "currency": "IDR"})
    assert Xendit().refund(FakePayment(), amount=40_000, key=REFUND_KEY, reason="Komplain") == "rfd-6f4a377d"


def test_xendit_failed_refund_is_an_error(settings, httpserver):
    settings.XENDIT_SECRET_KEY = XENDIT_KEY
    settings.XENDIT_API_URL = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/refunds", method="POST").respond_with_json(
        {"id": "rfd-1", "status": "FAILED", "failure_code": "INSUFFICIENT_BALANCE"}
    )
    with pytest.raises(ProviderError, match="INSUFFICIENT_BALANCE"):
        Xendit().refund(FakePayment(), amount=40_000, key=REFUND_KEY)


# --- Failure modes, through a decided complaint --------------------------------------------------


@pytest.fixture
def decided(payment, checkout, buyer, shop_a_owner, settings, django_capture_on_commit_callbacks):
    """A Midtrans-paid order whose shop accepted a full refund; returns (complaint, run the queue)."""
    settings.PAYMENT_MODE = "aman"
    Payment.objects.filter(pk=payment.pk).update(provider="midtrans")
    payment.refresh_from_db()
    services.mark_paid(payment=payment)
    order = checkout.orders.order_by("pk").first()
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED, shipped_at=timezone.now())

    def decide():
        complaint = complaints.open_complaint(
            order=order, buyer=buyer, reason="not_received", description="Belum sampai.", request="refund_all"
        )
        with django_capture_on_commit_callbacks(execute=True):
            complaints.seller_accept(complaint=complaint, actor=shop_a_owner)
        return complaint

    return decide


def refund_path(payment_reference):
    return f"/v2/{payment_reference}/refund"


def sent_keys(httpserver):
    return [json.loads(request.data)["refund_key"] for request, _ in httpserver.log]


def left_the_provider():
    return LedgerTransaction.objects.filter(key__endswith=":sent").count()


def test_a_provider_error_keeps_the_decision_and_the_refund_is_retried_once(decided, midtrans_url, payment):
    midtrans_url.expect_ordered_request(refund_path(payment.reference), method="POST").respond_with_response(
        Response("upstream error", status=500)
    )
    midtrans_url.expect_ordered_request(refund_path(payment.reference), method="POST").respond_with_json(
        midtrans_refund_answer()
    )
    complaint = decided()
    complaint.refresh_from_db()
    assert complaint.status == "resolved"  # the decision stands
    row = ProviderRefund.objects.get()
    assert (row.status, row.attempts) == (ProviderRefund.Status.PENDING, 1)
    assert "500" in row.last_error
    assert ledger.balance(ledger.refunds_payable()) == 40_000  # still owed to the buyer
    assert left_the_provider() == 0

    assert tasks.retry_provider_refunds() == 1
    row.refresh_from_db()
    assert row.status == ProviderRefund.Status.SENT
    assert ledger.balance(ledger.refunds_payable()) == 0
    assert left_the_provider() == 1

    # Another run, or the task delivered twice: nothing is sent again.
    assert tasks.retry_provider_refunds() == 0
    assert tasks.send_provider_refund(row.pk) is False
    assert len(midtrans_url.log) == 2
    assert len(set(sent_keys(midtrans_url))) == 1  # the retry carried the same key
    assert left_the_provider() == 1


def test_a_timeout_is_retried_with_the_same_key(decided, midtrans_url, payment):
    def slow(request):
        time.sleep(1.5)
        return Response(json.dumps(midtrans_refund_answer()), content_type="application/json")

    # The provider may have acted on the call we gave up on: the retry's key makes it answer
    # with that refund instead of paying a second time.
    midtrans_url.expect_ordered_request(refund_path(payment.reference), method="POST").respond_with_handler(
        slow
    )
    midtrans_url.expect_ordered_request(refund_path(payment.reference), method="POST").respond_with_json(
        midtrans_refund_answer()
    )
    decided()
    row = ProviderRefund.objects.get()
    assert row.status == ProviderRefund.Status.PENDING
    assert complaints.send_refund(provider_refund_id=row.pk) is True
    keys = sent_keys(midtrans_url)
    assert len(keys) == 2 and keys[0] == keys[1]
    assert left_the_provider() == 1


def test_a_refund_that_keeps_failing_waits_for_staff(decided, midtrans_url, payment, monkeypatch, moderator):
    monkeypatch.setattr(complaints, "MAX_REFUND_ATTEMPTS", 2)
    midtrans_url.expect_request(refund_path(payment.reference), method="POST").respond_with_response(
        Response("down", status=503)
    )
    decided()
    row = ProviderRefund.objects.get()
    tasks.retry_provider_refunds()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (ProviderRefund.Status.FAILED, 2)
    assert tasks.retry_provider_refunds() == 0
    assert len(midtrans_url.log) == 2
    complaints.mark_refunded_by_hand(provider_refund=row, staff=moderator, reference="BRI 77")
    complaints.mark_refunded_by_hand(provider_refund=row, staff=moderator, reference="BRI 77")
    assert left_the_provider() == 1
    assert ledger.balance(ledger.refunds_payable()) == 0


def test_manual_transfers_are_refunded_by_hand(payment, checkout, buyer, shop_a_owner, moderator, settings):
    settings.PAYMENT_MODE = "aman"
    Payment.objects.filter(pk=payment.pk).update(provider="manual")
    services.mark_paid(payment=payment)
    order = checkout.orders.order_by("pk").first()
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED)
    complaint = complaints.open_complaint(
        order=order, buyer=buyer, reason="wrong_item", description="Salah kirim.", request="refund_all"
    )
    complaints.seller_accept(complaint=complaint, actor=shop_a_owner)
    row = ProviderRefund.objects.get()
    assert row.status == ProviderRefund.Status.MANUAL
    complaints.mark_refunded_by_hand(provider_refund=row, staff=moderator, reference="BRI 123")
    row.refresh_from_db()
    assert row.status == ProviderRefund.Status.DONE
    assert ledger.balance(ledger.refunds_payable()) == 0
