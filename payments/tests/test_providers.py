"""Adapters against a local HTTP server answering like the providers' documentation."""

import base64
import hashlib
import json

import pytest
from django.test import RequestFactory
from werkzeug import Response

from payments.models import PaymentStatus
from payments.providers.base import NotificationRefused, ProviderError
from payments.providers.midtrans import Midtrans, signature
from payments.providers.xendit import Xendit

SERVER_KEY = "SB-Mid-server-TEST123"
XENDIT_KEY = "xnd_development_TEST"
CALLBACK_TOKEN = "callback-token-of-this-account"


class FakePayment:
    reference = "WO-12-ABCDEF"
    amount = 24_145


def basic(key):
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


@pytest.fixture
def midtrans(settings, httpserver):
    settings.MIDTRANS_SERVER_KEY = SERVER_KEY
    settings.MIDTRANS_API_URL = httpserver.url_for("").rstrip("/")
    return Midtrans()


@pytest.fixture
def xendit(settings, httpserver):
    settings.XENDIT_SECRET_KEY = XENDIT_KEY
    settings.XENDIT_CALLBACK_TOKEN = CALLBACK_TOKEN
    settings.XENDIT_API_URL = httpserver.url_for("").rstrip("/")
    return Xendit()


def midtrans_notification(
    order_id="WO-12-ABCDEF", status_code="200", gross_amount="24145.00", key=SERVER_KEY, **extra
):
    body = {
        "transaction_time": "2026-11-26 10:27:20",
        "transaction_status": "settlement",
        "transaction_id": "9aed5972-5b6a-401e-894b-a32c91ed1a3a",
        "status_message": "midtrans payment notification",
        "status_code": status_code,
        "signature_key": signature(order_id, status_code, gross_amount, key),
        "payment_type": "qris",
        "order_id": order_id,
        "gross_amount": gross_amount,
        "currency": "IDR",
        **extra,
    }
    return RequestFactory().post(
        "/pembayaran/notifikasi/midtrans/", json.dumps(body), content_type="application/json"
    )


def midtrans_status(transaction_status="settlement", gross_amount="24145.00", order_id="WO-12-ABCDEF"):
    return {
        "status_code": "200",
        "transaction_id": "9aed5972-5b6a-401e-894b-a32c91ed1a3a",
        "gross_amount": gross_amount,
        "currency": "IDR",
        "order_id": order_id,
        "payment_type": "qris",
        "transaction_status": transaction_status,
        "fraud_status": "accept",
        "status_message": "Success, transaction is found",
    }


def test_midtrans_signature_is_sha512_of_the_fields_as_sent():
    expected = hashlib.sha512(b"WO-12-ABCDEF20024145.00" + SERVER_KEY.encode()).hexdigest()
    assert signature("WO-12-ABCDEF", "200", "24145.00", SERVER_KEY) == expected
    assert signature("WO-12-ABCDEF", "200", "24145", SERVER_KEY) != expected


def test_midtrans_qris_charge(midtrans, httpserver):
    httpserver.expect_request(
        "/v2/charge",
        method="POST",
        headers={"Authorization": basic(SERVER_KEY)},
        json={
            "transaction_details": {"order_id": "WO-12-ABCDEF", "gross_amount": 24_145},
            "payment_type": "qris",
            "qris": {"acquirer": "gopay"},
        },
    ).respond_with_json(
        {
            "status_code": "201",
            "status_message": "QRIS transaction is created",
            "transaction_id": "0f8178e1-c5a0-4bd3-9b45-ea9e3c4d7c1b",
            "order_id": "WO-12-ABCDEF",
            "gross_amount": "24145.00",
            "payment_type": "qris",
            "transaction_status": "pending",
            "actions": [
                {
                    "name": "generate-qr-code",
                    "method": "GET",
                    "url": "https://api.midtrans.com/v2/qris/x/qr-code",
                }
            ],
            "qr_string": "00020101021226620014COM.GO-JEK.WWW",
            "acquirer": "gopay",
        }
    )
    intent = midtrans.create_payment(FakePayment(), method="qris")
    assert intent.qris_string.startswith("000201")
    assert intent.redirect_url.endswith("/qr-code")
    assert intent.provider_reference == "0f8178e1-c5a0-4bd3-9b45-ea9e3c4d7c1b"


def test_midtrans_bank_virtual_account_charge(midtrans, httpserver):
    httpserver.expect_request("/v2/charge", method="POST").respond_with_json(
        {
            "status_code": "201",
            "transaction_id": "b8a8b2b4",
            "order_id": "WO-12-ABCDEF",
            "gross_amount": "24145.00",
            "payment_type": "bank_transfer",
            "transaction_status": "pending",
            "va_numbers": [{"bank": "bca", "va_number": "812785002530231"}],
        }
    )
    intent = midtrans.create_payment(FakePayment(), method="va_bca")
    assert intent.va_number == "812785002530231"
    sent = json.loads(httpserver.log[0][0].data)
    assert sent["payment_type"] == "bank_transfer" and sent["bank_transfer"] == {"bank": "bca"}


def test_a_refused_midtrans_charge_is_a_provider_error(midtrans, httpserver):
    httpserver.expect_request("/v2/charge").respond_with_json(
        {"status_code": "406", "status_message": "duplicate"}
    )
    with pytest.raises(ProviderError):
        midtrans.create_payment(FakePayment())


def test_a_midtrans_notification_is_verified_then_its_status_fetched_again(midtrans, httpserver):
    httpserver.expect_request(
        "/v2/WO-12-ABCDEF/status", method="GET", headers={"Authorization": basic(SERVER_KEY)}
    ).respond_with_json(midtrans_status())
    note = midtrans.verify_notification(midtrans_notification())
    assert (note.reference, note.status, note.amount) == ("WO-12-ABCDEF", PaymentStatus.PAID, 24_145)


def test_midtrans_acts_on_the_fetched_status_not_on_the_notification(midtrans, httpserver):
    httpserver.expect_request("/v2/WO-12-ABCDEF/status").respond_with_json(midtrans_status("pending"))
    assert midtrans.verify_notification(midtrans_notification()).status == PaymentStatus.PENDING


def resigned(request, **fields):
    """The same notification with some fields changed after Midtrans signed it."""
    body = {**json.loads(request.body), **fields}
    return RequestFactory().post("/", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "forged",
    [
        midtrans_notification(key="another-key"),
        resigned(midtrans_notification(), gross_amount="24145"),  # signed as "24145.00"
        resigned(midtrans_notification(), gross_amount="1.00"),
        resigned(midtrans_notification(), order_id="WO-13-ABCDEF"),
    ],
    ids=["other-key", "amount-reformatted", "amount-changed", "order-changed"],
)
def test_a_midtrans_notification_with_a_bad_signature_is_refused_before_asking(midtrans, httpserver, forged):
    with pytest.raises(NotificationRefused) as refused:
        midtrans.verify_notification(forged)
    assert refused.value.status == 403
    assert httpserver.log == []


def test_a_midtrans_notification_without_a_configured_key_is_refused(midtrans, settings):
    settings.MIDTRANS_SERVER_KEY = ""
    with pytest.raises(NotificationRefused):
        midtrans.verify_notification(midtrans_notification(key=""))


def test_a_fractional_amount_is_refused(midtrans, httpserver):
    httpserver.expect_request("/v2/WO-12-ABCDEF/status").respond_with_json(
        midtrans_status(gross_amount="24145.50")
    )
    with pytest.raises(NotificationRefused, match="whole rupiah"):
        midtrans.verify_notification(midtrans_notification())


def test_a_midtrans_status_that_cannot_be_fetched_is_a_provider_error(midtrans, httpserver):
    httpserver.expect_request("/v2/WO-12-ABCDEF/status").respond_with_response(Response("down", status=503))
    with pytest.raises(ProviderError):
        midtrans.verify_notification(midtrans_notification())


def test_an_unknown_midtrans_order_is_refused(midtrans, httpserver):
    httpserver.expect_request("/v2/WO-12-ABCDEF/status").respond_with_json(
        {"status_code": "404", "status_message": "Transaction doesn't exist."}
    )
    with pytest.raises(NotificationRefused) as refused:
        midtrans.verify_notification(midtrans_notification())
    assert refused.value.status == 404


# --- Xendit ---------------------------------------------------------------------------------------


def xendit_invoice(status="PAID", external_id="WO-12-ABCDEF", amount=24145):
    return {
        "id": "579c8d61f23fa4ca35e52da4",
        "external_id": external_id,
        "user_id": "5781d19b2e2385880609791c",
        "status": status,
        "merchant_name": "Warung Online",
        "amount": amount,
        "paid_amount": amount,
        "currency": "IDR",
        "invoice_url": "https://checkout-staging.xendit.co/web/579c8d61f23fa4ca35e52da4",
    }


def xendit_callback(token=CALLBACK_TOKEN, **fields):
    body = {**xendit_invoice(), **fields}
    return RequestFactory().post(
        "/pembayaran/notifikasi/xendit/",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_CALLBACK_TOKEN=token,
    )


def test_xendit_invoice_is_created_with_our_reference_and_amount(xendit, httpserver):
    httpserver.expect_request(
        "/v2/invoices",
        method="POST",
        headers={"Authorization": basic(XENDIT_KEY)},
    ).respond_with_json(xendit_invoice("PENDING"))
    intent = xendit.create_payment(FakePayment())
    sent = json.loads(httpserver.log[0][0].data)
    assert (sent["external_id"], sent["amount"]) == ("WO-12-ABCDEF", 24_145)
    assert intent.redirect_url.startswith("https://checkout-staging.xendit.co/")
    assert intent.provider_reference == "579c8d61f23fa4ca35e52da4"


def test_a_xendit_callback_with_the_token_is_checked_against_the_invoice(xendit, httpserver):
    httpserver.expect_request("/v2/invoices/579c8d61f23fa4ca35e52da4", method="GET").respond_with_json(
        xendit_invoice()
    )
    note = xendit.verify_notification(xendit_callback())
    assert (note.reference, note.status, note.amount) == ("WO-12-ABCDEF", PaymentStatus.PAID, 24_145)


@pytest.mark.parametrize("token", ["wrong", "", CALLBACK_TOKEN + "x"])
def test_a_xendit_callback_with_a_wrong_token_is_refused_before_asking(xendit, httpserver, token):
    with pytest.raises(NotificationRefused) as refused:
        xendit.verify_notification(xendit_callback(token=token))
    assert refused.value.status == 403
    assert httpserver.log == []


def test_a_xendit_callback_naming_another_payment_than_its_invoice_is_refused(xendit, httpserver):
    httpserver.expect_request("/v2/invoices/579c8d61f23fa4ca35e52da4").respond_with_json(xendit_invoice())
    with pytest.raises(NotificationRefused, match="another payment"):
        xendit.verify_notification(xendit_callback(external_id="WO-99-ZZZZZZ"))


def test_an_expired_xendit_invoice(xendit, httpserver):
    httpserver.expect_request("/v2/invoices/579c8d61f23fa4ca35e52da4").respond_with_json(
        xendit_invoice("EXPIRED")
    )
    assert xendit.verify_notification(xendit_callback(status="EXPIRED")).status == PaymentStatus.EXPIRED
