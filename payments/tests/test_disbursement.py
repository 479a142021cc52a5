"""Payouts sent through Midtrans Iris and Xendit, against a local HTTP server answering like their docs.

Whatever goes wrong (a timeout, a 500, an answer that makes no sense), nothing is recorded as paid,
and sending again uses the same idempotency key, so the provider never pays twice.
"""

import json
import time

import pytest
from werkzeug import Response

from payments import ledger, services
from payments.models import Payout
from payments.providers import disbursement
from payments.providers.base import ProviderError
from payments.providers.iris import Iris
from payments.providers.xendit_payouts import XenditPayouts
from payments.tests.factories import funded, verified_account

XENDIT_KEY = "xnd_development_TEST"


@pytest.fixture(autouse=True)
def rates(settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM = 50_000
    settings.PAYOUT_FEE = 2_500
    settings.PAYMENT_REFERENCE_PREFIX = "WO"
    settings.PAYMENT_PROVIDER_TIMEOUT_SECONDS = 1


@pytest.fixture
def payout(buyer, shop_b, product_b):
    funded(buyer, shop_b, product_b)
    return services.request_payout(
        shop=shop_b, amount=100_000, bank_account=verified_account(shop_b), key="form-1"
    )


@pytest.fixture
def iris(settings, httpserver):
    settings.IRIS_API_URL = httpserver.url_for("/iris").rstrip("/")
    settings.IRIS_CREATOR_KEY = "IRIS-creator"
    settings.IRIS_APPROVER_KEY = "IRIS-approver"
    return Iris()


@pytest.fixture
def xendit(settings, httpserver):
    settings.XENDIT_API_URL = httpserver.url_for("").rstrip("/")
    settings.XENDIT_SECRET_KEY = XENDIT_KEY
    return XenditPayouts()


def xendit_accepted(reference="disb-571f3644d2b4edf0745e9703"):
    return {
        "id": reference,
        "amount": 97_500,
        "channel_code": "ID_BRI",
        "currency": "IDR",
        "reference_id": "WO-payout-1",
        "status": "ACCEPTED",
    }


def sent(httpserver, index=0):
    request = httpserver.log[index][0]
    return request, json.loads(request.data)


def slow(seconds, answer):
    def handler(request):
        time.sleep(seconds)
        return Response(json.dumps(answer), content_type="application/json")

    return handler


def assert_not_paid(payout):
    payout.refresh_from_db()
    assert payout.status == Payout.Status.REQUESTED
    assert ledger.balance(ledger.payouts_in_transit()) == payout.net


# --- Xendit -------------------------------------------------------------------------------------------


def test_xendit_pays_the_net_amount_to_the_account_with_the_payouts_idempotency_key(
    xendit, httpserver, payout
):
    httpserver.expect_request("/v2/payouts", method="POST").respond_with_json(xendit_accepted())
    paid = services.send_payout(payout=payout, adapter=xendit)
    request, body = sent(httpserver)
    assert request.headers["Idempotency-key"] == f"WO-payout-{payout.pk}"
    assert request.headers["Authorization"].startswith("Basic ")
    assert body == {
        "reference_id": f"WO-payout-{payout.pk}",
        "channel_code": "ID_BRI",
        "channel_properties": {"account_number": "0123456789", "account_holder_name": "Bayu"},
        "amount": 97_500,
        "currency": "IDR",
        "description": body["description"],
    }
    assert paid.status == Payout.Status.PAID
    assert (paid.provider, paid.provider_reference) == ("xendit", "disb-571f3644d2b4edf0745e9703")
    assert ledger.balance(ledger.payouts_in_transit()) == 0


def test_a_paid_payout_sent_again_calls_nobody(xendit, httpserver, payout):
    httpserver.expect_oneshot_request("/v2/payouts").respond_with_json(xendit_accepted())
    services.send_payout(payout=payout, adapter=xendit)
    services.send_payout(payout=payout, adapter=xendit)
    assert len(httpserver.log) == 1


def test_a_xendit_timeout_records_nothing_and_the_retry_uses_the_same_key(xendit, httpserver, payout):
    httpserver.expect_ordered_request("/v2/payouts").respond_with_handler(slow(1.5, xendit_accepted()))
    httpserver.expect_ordered_request("/v2/payouts").respond_with_json(xendit_accepted())
    with pytest.raises(ProviderError):
        services.send_payout(payout=payout, adapter=xendit)
    assert_not_paid(payout)
    services.send_payout(payout=payout, adapter=xendit)
    keys = {entry[0].headers["Idempotency-key"] for entry in httpserver.log}
    assert keys == {f"WO-payout-{payout.pk}"}
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    assert ledger.balance(ledger.clearing()) == 260_000 - 97_500


@pytest.mark.parametrize(
    "response",
    [
        Response("Internal Server Error", status=500),
        Response("<html>gateway</html>", status=200, content_type="text/html"),
        Response(json.dumps({"status": "FAILED", "id": "disb-1"}), content_type="application/json"),
        Response(json.dumps({"status": "ACCEPTED"}), content_type="application/json"),
        Response(json.dumps(["ACCEPTED"]), content_type="application/json"),
        Response(
            json.dumps({"error_code": "INVALID_DESTINATION"}), status=400, content_type="application/json"
        ),
    ],
    ids=["500", "not-json", "failed", "no-id", "a-list", "400"],
)
def test_a_bad_xendit_answer_records_nothing(xendit, httpserver, payout, response):
    httpserver.expect_request("/v2/payouts").respond_with_response(response)
    with pytest.raises(ProviderError):
        services.send_payout(payout=payout, adapter=xendit)
    assert_not_paid(payout)
    assert payout.provider_reference == ""


# --- Midtrans Iris --------------------------------------------------------------------------------------


def test_iris_creates_then_approves_the_payout(iris, httpserver, payout):
    httpserver.expect_request("/iris/api/v1/payouts", method="POST").respond_with_json(
        {"payouts": [{"status": "queued", "reference_no": "1d4f8d3b2f1c7e"}]}, status=201
    )
    httpserver.expect_request("/iris/api/v1/payouts/approve", method="POST").respond_with_json(
        {"status": "ok"}
    )
    paid = services.send_payout(payout=payout, adapter=iris)
    create, body = sent(httpserver, 0)
    assert create.headers["X-Idempotency-Key"] == f"WO-payout-{payout.pk}"
    assert body == {
        "payouts": [
            {
                "beneficiary_name": "Bayu",
                "beneficiary_account": "0123456789",
                "beneficiary_bank": "bri",
                "amount": "97500.00",
                "notes": f"WO-payout-{payout.pk}",
            }
        ]
    }
    approve, approved = sent(httpserver, 1)
    assert approved == {"reference_nos": ["1d4f8d3b2f1c7e"]}
    assert create.headers["Authorization"] != approve.headers["Authorization"]  # creator, then approver
    assert (paid.status, paid.provider_reference) == (Payout.Status.PAID, "1d4f8d3b2f1c7e")


def test_when_iris_approval_fails_the_retry_approves_without_creating_again(iris, httpserver, payout):
    httpserver.expect_ordered_request("/iris/api/v1/payouts").respond_with_json(
        {"payouts": [{"status": "queued", "reference_no": "1d4f8d3b2f1c7e"}]}, status=201
    )
    httpserver.expect_ordered_request("/iris/api/v1/payouts/approve").respond_with_response(
        Response("down", status=503)
    )
    httpserver.expect_ordered_request("/iris/api/v1/payouts/approve").respond_with_json({"status": "ok"})
    with pytest.raises(ProviderError):
        services.send_payout(payout=payout, adapter=iris)
    assert_not_paid(payout)
    assert payout.provider_reference == "1d4f8d3b2f1c7e"
    services.send_payout(payout=payout, adapter=iris)
    creates = [entry for entry in httpserver.log if entry[0].path == "/iris/api/v1/payouts"]
    assert len(creates) == 1
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID


def test_an_iris_timeout_on_create_records_nothing(iris, httpserver, payout):
    httpserver.expect_request("/iris/api/v1/payouts").respond_with_handler(
        slow(1.5, {"payouts": [{"status": "queued", "reference_no": "x"}]})
    )
    with pytest.raises(ProviderError):
        services.send_payout(payout=payout, adapter=iris)
    assert_not_paid(payout)
    assert payout.provider_reference == ""


@pytest.mark.parametrize(
    "answer", [{"payouts": []}, {"payouts": [{"status": "rejected", "reference_no": "x"}]}, {"errors": ["x"]}]
)
def test_a_malformed_iris_answer_records_nothing(iris, httpserver, payout, answer):
    httpserver.expect_request("/iris/api/v1/payouts").respond_with_json(answer)
    with pytest.raises(ProviderError):
        services.send_payout(payout=payout, adapter=iris)
    assert_not_paid(payout)


def test_a_payout_sent_through_one_provider_is_not_sent_through_the_other(iris, xendit, httpserver, payout):
    Payout.objects.filter(pk=payout.pk).update(provider="iris", provider_reference="1d4f8d3b2f1c7e")
    with pytest.raises(services.PaymentRefused):
        services.send_payout(payout=payout, adapter=xendit)
    assert httpserver.log == []


# --- Bank codes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bank, codes",
    [
        ("BRI", ("bri", "ID_BRI")),
        ("Bank Mandiri", ("mandiri", "ID_MANDIRI")),
        ("bank central asia", ("bca", "ID_BCA")),
        ("BSI", ("bsm", "ID_BSI")),
        ("PT Bank BNI", ("bni", "ID_BNI")),
    ],
)
def test_bank_names_as_shops_type_them_map_to_provider_codes(bank, codes):
    assert disbursement.bank_codes(bank) == codes


def test_an_unknown_bank_is_refused_before_anything_is_sent(xendit, httpserver, payout):
    Payout.objects.filter(pk=payout.pk).update(bank="Bank Antah Berantah")
    payout.refresh_from_db()
    with pytest.raises(ProviderError):
        services.send_payout(payout=payout, adapter=xendit)
    assert httpserver.log == []
    assert_not_paid(payout)
