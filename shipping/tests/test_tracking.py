"""Tracking: public pages per courier, Biteship's webhook and its tracking API."""

import json
import time
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from werkzeug import Response

from shipping import tracking
from shipping.models import TrackingEvent

WEBHOOK = "/pengiriman/webhook/biteship/"
SECRET = "s3cret-from-the-biteship-dashboard"

# Shaped like Biteship's documented order.status webhook.
STATUS_EVENT = {
    "event": "order.status",
    "courier_tracking_id": "6051861741a37414e6637fab",
    "courier_waybill_id": "jp1234567890",
    "courier_company": "jnt",
    "courier_type": "ez",
    "order_id": "5dd599ebdefcd4158eb8470b",
    "order_price": 20000,
    "status": "delivered",
    "updated_at": "2026-11-20T10:15:00+07:00",
}

# Shaped like Biteship's documented answer to GET /v1/trackings/:waybill_id/couriers/:courier_code.
TRACKING_ANSWER = {
    "success": True,
    "messsage": "Successfully get tracking info",
    "object": "tracking",
    "id": "6051861741a37414e6637fab",
    "waybill_id": "JP1234567890",
    "courier": {"company": "jnt", "driver_name": None, "driver_phone": None},
    "origin": {"contact_name": "Dapur Bu Ani", "address": "Purwakarta"},
    "destination": {"contact_name": "Budi", "address": "Batam"},
    "history": [
        {
            "note": "Paket diterima di gerai Purwakarta",
            "updated_at": "2026-11-18T09:00:00+07:00",
            "status": "picked",
        },
        {
            "note": "Paket dalam perjalanan ke Batam",
            "updated_at": "2026-11-19T08:30:00+07:00",
            "status": "dropping_off",
        },
        {"note": "Diterima oleh Budi", "updated_at": "2026-11-20T10:15:00+07:00", "status": "delivered"},
    ],
    "link": "https://jet.co.id/track",
    "order_id": None,
    "status": "delivered",
}


def test_a_tracking_page_for_every_courier():
    for courier in ("jne", "jnt", "sicepat", "pos", "anteraja", "tiki", "ninja", "lion"):
        assert tracking.tracking_url(courier, "JP1234567890").endswith("JP1234567890")
    assert tracking.tracking_url("JNE ", "CGK 12/3").endswith("CGK%2012%2F3")
    assert tracking.tracking_url("dhl", "JP1234567890") is None
    assert tracking.tracking_url("jne", "") is None


@pytest.fixture
def secret(settings):
    settings.BITESHIP_WEBHOOK_SECRET = SECRET
    settings.BITESHIP_WEBHOOK_HEADER = "X-Biteship-Secret"


def post(client, payload, header=SECRET):
    body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    extra = {"HTTP_X_BITESHIP_SECRET": header} if header is not None else {}
    return client.post(WEBHOOK, body, content_type="application/json", **extra)


def test_the_webhook_url_is_stable():
    assert reverse("shipping:biteship_webhook") == WEBHOOK


def test_a_verified_status_event_is_stored_once(client, db, secret):
    assert post(client, STATUS_EVENT).status_code == 200
    assert post(client, STATUS_EVENT).status_code == 200  # Biteship retries: stored once
    event = TrackingEvent.objects.get()
    assert (event.waybill, event.courier, event.status, event.source) == (
        "JP1234567890",
        "jnt",
        "delivered",
        "biteship-webhook",
    )
    assert tracking.delivered_at("jp 1234 5678 90") == datetime(2026, 11, 20, 3, 15, tzinfo=UTC)


def test_the_webhook_needs_csrf_exemption_and_post_only(db, secret):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, STATUS_EVENT).status_code == 200
    assert strict.get(WEBHOOK).status_code == 405


@pytest.mark.parametrize("header", [None, "", "wrong", SECRET + "x"])
def test_an_unverified_request_is_refused(client, db, secret, header):
    assert post(client, STATUS_EVENT, header=header).status_code == 403
    assert not TrackingEvent.objects.exists()


def test_without_a_configured_secret_everything_is_refused(client, db, settings):
    settings.BITESHIP_WEBHOOK_SECRET = ""
    assert post(client, STATUS_EVENT, header="").status_code == 403


def test_the_installation_check_gets_ok_and_stores_nothing(client, db, secret):
    assert post(client, b"").status_code == 200
    assert post(client, b"", header=None).status_code == 200
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        json.dumps({**STATUS_EVENT, "courier_waybill_id": None}).encode(),
        json.dumps({**STATUS_EVENT, "status": 7}).encode(),
    ],
)
def test_a_malformed_event_is_a_bad_request(client, db, secret, body):
    assert post(client, body).status_code == 400
    assert not TrackingEvent.objects.exists()


def test_other_events_are_acknowledged_and_ignored(client, db, secret):
    assert post(client, {"event": "order.price", "order_id": "x", "price": 1}).status_code == 200
    assert not TrackingEvent.objects.exists()


def test_not_delivered_yet(db, client, secret):
    post(client, {**STATUS_EVENT, "status": "dropping_off"})
    assert tracking.delivered_at("JP1234567890") is None
    assert tracking.delivered_at("UNKNOWN123") is None


@pytest.fixture
def biteship(settings, httpserver):
    settings.BITESHIP_API_KEY = "biteship_test.key"
    settings.BITESHIP_BASE_URL = httpserver.url_for("/").rstrip("/")
    settings.SHIPPING_PROVIDER_TIMEOUT_SECONDS = 0.5
    return httpserver


TRACKING_PATH = "/v1/trackings/JP1234567890/couriers/jnt"


def test_refresh_stores_the_history_once(db, biteship):
    biteship.expect_request(
        TRACKING_PATH, method="GET", headers={"Authorization": "biteship_test.key"}
    ).respond_with_json(TRACKING_ANSWER)
    assert tracking.refresh_tracking("jp1234567890", courier="jnt") == tracking.Refresh(ok=True, added=3)
    # The courier is remembered from the stored history; polling again adds nothing.
    assert tracking.refresh_tracking("JP1234567890") == tracking.Refresh(ok=True, added=0)
    assert [e.status for e in tracking.events("JP1234567890")] == ["picked", "dropping_off", "delivered"]
    assert tracking.delivered_at("JP1234567890") == datetime(2026, 11, 20, 3, 15, tzinfo=UTC)


def test_refresh_without_a_courier_or_key_does_not_call(db, biteship, settings):
    assert tracking.refresh_tracking("JP1234567890").error == "courier unknown"
    settings.BITESHIP_API_KEY = ""
    assert not tracking.refresh_tracking("JP1234567890", courier="jnt").ok
    assert len(biteship.log) == 0


def test_refresh_survives_a_server_error(db, biteship):
    biteship.expect_request(TRACKING_PATH).respond_with_data("oops", status=500)
    result = tracking.refresh_tracking("JP1234567890", courier="jnt")
    assert (result.ok, result.added) == (False, 0)
    assert "500" in result.error
    assert not TrackingEvent.objects.exists()


def test_refresh_survives_a_timeout(db, biteship):
    def slow(request):
        time.sleep(1.5)
        return Response(json.dumps(TRACKING_ANSWER), content_type="application/json")

    biteship.expect_request(TRACKING_PATH).respond_with_handler(slow)
    started = time.monotonic()
    result = tracking.refresh_tracking("JP1234567890", courier="jnt")
    assert time.monotonic() - started < 1.4
    assert not result.ok
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    "answer",
    [
        "not json at all",
        {"success": False, "error": "Waybill not found"},
        {"success": True, "history": [{"note": "x", "status": "picked"}]},  # no time
        {"success": True, "history": [{"note": "x", "status": "picked", "updated_at": "yesterday"}]},
        {"success": True},
    ],
)
def test_refresh_survives_a_malformed_answer(db, biteship, answer):
    if isinstance(answer, str):
        biteship.expect_request(TRACKING_PATH).respond_with_data(answer, content_type="application/json")
    else:
        biteship.expect_request(TRACKING_PATH).respond_with_json(answer)
    assert not tracking.refresh_tracking("JP1234567890", courier="jnt").ok
    assert not TrackingEvent.objects.exists()


def test_the_webhook_and_polling_agree_on_delivery(client, db, secret, biteship):
    post(client, {**STATUS_EVENT, "updated_at": "2026-11-20T10:20:00+07:00"})
    biteship.expect_request(TRACKING_PATH).respond_with_json(TRACKING_ANSWER)
    tracking.refresh_tracking("JP1234567890")
    # The earliest report of delivery wins, whichever way it came.
    assert tracking.delivered_at("JP1234567890") == datetime(2026, 11, 20, 3, 15, tzinfo=UTC)


def test_an_event_without_a_time_is_stored_once_at_its_arrival(client, db, secret):
    event = {key: value for key, value in STATUS_EVENT.items() if key != "updated_at"}
    before = datetime.now(UTC)
    post(client, {**event, "courier_waybill_id": "JP 1234 5678 90"})
    post(client, event)
    stored = TrackingEvent.objects.get()
    assert stored.waybill == "JP1234567890"
    assert tracking.delivered_at("JP1234567890") >= before
