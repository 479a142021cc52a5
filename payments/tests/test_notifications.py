"""The notification endpoint with the sandbox provider: real Midtrans-style signatures."""

import json
import random
import threading

import pytest
from django.db import connection
from django.test import Client

from orders.models import OrderStatus
from payments import incoming, ledger, services
from payments.models import Payment, ReceivedNotification, SandboxCharge
from payments.providers.midtrans import signature
from payments.providers.sandbox import notification_body

URL = "/pembayaran/notifikasi/sandbox/"


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYMENT_REFERENCE_PREFIX = "WO"
    settings.SANDBOX_SERVER_KEY = "sandbox-test-key"


@pytest.fixture
def started(checkout):
    return incoming.start_payment(checkout=checkout, method="qris")


def provider_says(payment, status="settlement", amount=None):
    """What the sandbox provider's side now records for the payment."""
    SandboxCharge.objects.filter(reference=payment.reference).update(
        status=status, amount=amount if amount is not None else payment.amount, method="qris"
    )
    return SandboxCharge.objects.get(reference=payment.reference)


def notify(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def signed(**fields):
    body = dict(fields)
    body["signature_key"] = signature(
        body["order_id"], body["status_code"], body["gross_amount"], "sandbox-test-key"
    )
    return body


def test_a_started_payment_has_a_prefixed_reference_and_ways_to_pay(started, checkout):
    assert started.reference.startswith(f"WO-{checkout.pk}-")
    assert started.amount == 300_000
    assert started.va_number.startswith("8808") and started.qris_string.startswith("000201")
    assert started.redirect_url == f"/bayar/sandbox/{started.reference}/"


def test_the_same_notification_ten_times_pays_once(client, started, checkout):
    body = notification_body(provider_says(started))
    answers = [notify(client, body).json()["status"] for _ in range(10)]
    assert answers == ["applied"] + ["unchanged"] * 9
    started.refresh_from_db()
    assert started.status == "paid"
    assert ledger.balance(ledger.clearing()) == 300_000
    assert [services.held_amount(o) for o in checkout.orders.order_by("pk")] == [40_000, 260_000]
    assert ReceivedNotification.objects.count() == 10


def test_notifications_in_any_order_act_on_what_the_provider_says_now(client, started):
    charge = provider_says(started, "pending")
    pending, expired = notification_body(charge, "pending"), notification_body(charge, "expire")
    charge = provider_says(started, "settlement")
    settled = notification_body(charge, "settlement")
    bodies = [pending, expired, settled] * 3
    random.Random(12).shuffle(bodies)
    statuses = [notify(client, body).json()["status"] for body in bodies]
    assert statuses.count("applied") == 1
    started.refresh_from_db()
    assert started.status == "paid"
    assert ledger.balance(ledger.clearing()) == 300_000


def test_a_bad_signature_is_refused_logged_and_changes_nothing(client, started):
    body = notification_body(provider_says(started))
    body["signature_key"] = signature(body["order_id"], "200", body["gross_amount"], "guessed-key")
    response = notify(client, body)
    assert response.status_code == 403
    started.refresh_from_db()
    assert started.status == "pending"
    assert not ledger.LedgerTransaction.objects.exists()
    log = ReceivedNotification.objects.get()
    assert (log.outcome, log.reason, log.reference) == ("refused", "bad signature", started.reference)


def test_an_amount_that_does_not_match_is_refused(client, started):
    body = notification_body(provider_says(started, amount=3_000))
    assert notify(client, body).status_code == 400
    started.refresh_from_db()
    assert started.status == "pending"
    assert "does not match" in ReceivedNotification.objects.get().reason


def test_an_unknown_payment_is_refused(client, db):
    SandboxCharge.objects.create(reference="WO-999-AAAAAA", amount=5_000, status="settlement")
    body = signed(
        order_id="WO-999-AAAAAA", status_code="200", gross_amount="5000.00", transaction_status="settlement"
    )
    assert notify(client, body).status_code == 404
    assert ReceivedNotification.objects.get().reason == "unknown payment"


def test_another_deployments_payment_is_refused(client, db):
    SandboxCharge.objects.create(reference="KOPMAJU-5-AAAAAA", amount=5_000, status="settlement")
    body = signed(order_id="KOPMAJU-5-AAAAAA", status_code="200", gross_amount="5000.00")
    assert notify(client, body).status_code == 400
    assert "another deployment" in ReceivedNotification.objects.get().reason


def test_a_provider_this_deployment_does_not_use_is_refused(client, db):
    response = client.post("/pembayaran/notifikasi/xendit/", "{}", content_type="application/json")
    assert response.status_code == 404
    assert ReceivedNotification.objects.get().outcome == "refused"


@pytest.mark.parametrize("body", ["not json", "[]", json.dumps({"order_id": "WO-1"})])
def test_a_malformed_notification_is_refused(client, db, body):
    assert client.post(URL, body, content_type="application/json").status_code == 400


def test_only_post_is_accepted(client, db):
    assert client.get(URL).status_code == 405


def test_an_expired_payment_cancels_the_checkouts_unpaid_orders(client, started, checkout):
    charge = provider_says(started, "expire")
    assert notify(client, notification_body(charge, "expire")).json()["status"] == "applied"
    started.refresh_from_db()
    assert started.status == "expired"
    assert set(checkout.orders.values_list("status", flat=True)) == {OrderStatus.CANCELLED}
    assert not ledger.LedgerTransaction.objects.exists()


def test_money_arriving_after_expiry_is_owed_back_to_the_buyer(client, started):
    notify(client, notification_body(provider_says(started, "expire"), "expire"))
    assert (
        notify(client, notification_body(provider_says(started, "settlement"))).json()["status"] == "applied"
    )
    assert (
        notify(client, notification_body(provider_says(started, "settlement"))).json()["status"] == "applied"
    )
    assert ledger.balance(ledger.refunds_payable()) == 300_000
    assert ledger.balance(ledger.clearing()) == 300_000


def test_a_paid_payment_never_becomes_failed(client, started):
    notify(client, notification_body(provider_says(started)))
    response = notify(client, notification_body(provider_says(started, "deny"), "deny"))
    assert response.status_code == 409
    started.refresh_from_db()
    assert started.status == "paid"


@pytest.mark.postgres
def test_the_same_notification_delivered_ten_times_at_once_credits_once(postgres, transactional_db, checkout):
    payment = incoming.start_payment(checkout=checkout)
    body = notification_body(provider_says(payment))
    barrier, answers = threading.Barrier(10), []

    def deliver():
        try:
            barrier.wait()
            answers.append(notify(Client(), body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 10
    assert ReceivedNotification.objects.filter(outcome="applied").count() == 1
    assert ledger.balance(ledger.clearing()) == 300_000
    assert ledger.LedgerTransaction.objects.count() == 2
    assert Payment.objects.get().status == "paid"
    for order in checkout.orders.all():
        assert (order.status, order.events.filter(to_status="paid").count()) == ("paid", 1)
