"""The sandbox pay page notifies the site over HTTP; manual transfers are confirmed by staff."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from orders.forms import clean_proof
from payments import incoming, ledger, services
from payments.models import ManualTransfer, Payment, ReceivedNotification


@pytest.fixture
def sandbox(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.SANDBOX_SERVER_KEY = "sandbox-test-key"


def test_pressing_pay_on_the_sandbox_page_sends_a_signed_notification_over_http(
    sandbox, settings, live_server, buyer_client, checkout
):
    settings.PAYMENT_NOTIFICATION_BASE_URL = live_server.url
    payment = incoming.start_payment(checkout=checkout)
    page = buyer_client.get(payment.redirect_url)
    assert page.status_code == 200
    assert payment.va_number in page.content.decode()
    response = buyer_client.post(payment.redirect_url, {"method": "va"}, follow=True)
    assert (
        "Pembayaran diterima" in response.content.decode() or "Payment received" in response.content.decode()
    )
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert ReceivedNotification.objects.get().outcome == "applied"
    assert ledger.balance(ledger.clearing()) == 300_000


def test_the_sandbox_page_is_the_buyers_only(sandbox, client, make_stranger, password, checkout):
    payment = incoming.start_payment(checkout=checkout)
    client.login(email=make_stranger.email, password=password)
    assert client.get(payment.redirect_url).status_code == 404
    assert client.post(payment.redirect_url, {"method": "qris"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_the_sandbox_page_does_not_exist_where_a_real_provider_is_used(
    sandbox, settings, buyer_client, checkout
):
    payment = incoming.start_payment(checkout=checkout)
    settings.PAYMENT_PROVIDER = "midtrans"
    assert buyer_client.get(payment.redirect_url).status_code == 404


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PNG")
    return SimpleUploadedFile("bukti.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def manual_payment(checkout):
    return incoming.start_payment(checkout=checkout, provider="manual", method="transfer")


def test_a_manual_transfer_confirmed_by_staff_holds_the_money_once(
    manual_payment, buyer, moderator, checkout
):
    upload, content_type = clean_proof(photo())
    transfer = incoming.submit_manual_transfer(
        payment=manual_payment, buyer=buyer, upload=upload, content_type=content_type
    )
    incoming.decide_manual_transfer(transfer=transfer, staff=moderator, accept=True)
    incoming.decide_manual_transfer(transfer=transfer, staff=moderator, accept=True)
    assert Payment.objects.get(pk=manual_payment.pk).status == "paid"
    assert [services.held_amount(o) for o in checkout.orders.order_by("pk")] == [40_000, 260_000]


def test_a_rejected_manual_transfer_needs_a_reason_and_holds_nothing(manual_payment, buyer, moderator):
    transfer = incoming.submit_manual_transfer(
        payment=manual_payment, buyer=buyer, upload=photo(), content_type="image/png"
    )
    with pytest.raises(services.PaymentRefused):
        incoming.decide_manual_transfer(transfer=transfer, staff=moderator, accept=False)
    decided = incoming.decide_manual_transfer(
        transfer=transfer, staff=moderator, accept=False, reason="Belum masuk"
    )
    assert decided.status == ManualTransfer.Status.REJECTED
    assert Payment.objects.get(pk=manual_payment.pk).status == "pending"
    assert not ledger.LedgerTransaction.objects.exists()


def test_only_the_buyer_sends_proof_and_only_staff_decide(manual_payment, make_stranger, buyer, shop_a_owner):
    with pytest.raises(services.PaymentRefused):
        incoming.submit_manual_transfer(
            payment=manual_payment, buyer=make_stranger, upload=photo(), content_type="image/png"
        )
    transfer = incoming.submit_manual_transfer(
        payment=manual_payment, buyer=buyer, upload=photo(), content_type="image/png"
    )
    with pytest.raises(services.PaymentRefused):
        incoming.decide_manual_transfer(transfer=transfer, staff=shop_a_owner, accept=True)
    assert Payment.objects.get(pk=manual_payment.pk).status == "pending"
