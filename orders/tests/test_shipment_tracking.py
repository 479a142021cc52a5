"""Receipt numbers on the seller's ship form, tracking for the buyer, polling Biteship, and the
auto-completion clock that a delivery starts."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation
from werkzeug import Response

from orders import tasks, tracking, transitions
from orders.models import Order, OrderStatus
from orders.tests.factories import COURIER, buy
from shipping.models import TrackingEvent
from shipping.tests.test_tracking import SECRET, STATUS_EVENT, TRACKING_ANSWER
from shipping.tests.test_tracking import post as post_webhook

S = OrderStatus


@pytest.fixture(autouse=True)
def in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def processing(buyer, address, product_a, shop_a_owner):
    order = buy(buyer, (product_a, 2), payment="cod", shipping=COURIER).orders.get()
    return transitions.start_processing(order=order, actor=shop_a_owner)


def ship_url(order):
    return f"/dashboard/{order.shop.slug}/pesanan/{order.number}/ship/"


def shipped(order, shop_a_owner, *, courier="jnt", number="JP1234567890", days_ago=0):
    transitions.ship(order=order, actor=shop_a_owner, courier=courier, tracking_number=number)
    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - timedelta(days=days_ago))
    return Order.objects.get(pk=order.pk)


# --- The seller's ship form ------------------------------------------------------------------


def test_the_receipt_number_is_stored_as_the_courier_prints_it(client, shop_a_owner, processing):
    client.force_login(shop_a_owner)

    client.post(ship_url(processing), {"courier": "jnt", "tracking_number": " jp 1234 5678 90 "})

    order = Order.objects.get(pk=processing.pk)
    assert (order.status, order.courier, order.tracking_number) == (S.SHIPPED, "jnt", "JP1234567890")
    page = client.get(f"/dashboard/{order.shop.slug}/pesanan/{order.number}/").content.decode()
    assert "JP1234567890" in page and "https://cekresi.com/?noresi=JP1234567890" in page


@pytest.mark.parametrize(
    ("courier", "typed", "message"),
    [
        ("jnt", "JP12345", "J&amp;T Express receipt numbers look like JP1234567890"),
        ("sicepat", "JP1234567890", "SiCepat receipt numbers look like 004212345678"),
        ("jne", "resi: 123", "A receipt number has 6 to 40 letters and digits"),
        ("dhl", "JP1234567890", "Select a valid choice"),
    ],
)
def test_a_receipt_number_a_courier_never_prints_is_refused(
    client, shop_a_owner, processing, courier, typed, message
):
    client.force_login(shop_a_owner)

    response = client.post(ship_url(processing), {"courier": courier, "tracking_number": typed})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Order.objects.get(pk=processing.pk).status == S.PROCESSING


def test_another_courier_is_named_by_the_seller(client, shop_a_owner, processing):
    client.force_login(shop_a_owner)

    response = client.post(ship_url(processing), {"courier": "other", "tracking_number": "PXL-123456"})
    assert response.status_code == 400 and "Write the courier&#x27;s name." in response.content.decode()

    client.post(
        ship_url(processing), {"courier": "other", "other_courier": "Paxel", "tracking_number": "pxl 123456"}
    )
    order = Order.objects.get(pk=processing.pk)
    assert (order.courier, order.tracking_number) == ("Paxel", "PXL123456")


def test_another_shop_cannot_ship_the_order(client, shop_b_owner, processing):
    client.force_login(shop_b_owner)

    assert (
        client.post(ship_url(processing), {"courier": "jne", "tracking_number": "CGK1234567890"}).status_code
        == 404
    )
    assert Order.objects.get(pk=processing.pk).status == S.PROCESSING


# --- The buyer's order page ---------------------------------------------------------------------


def test_the_buyer_sees_the_receipt_number_and_a_tracking_link(buyer_client, shop_a_owner, processing):
    order = shipped(processing, shop_a_owner)

    page = buyer_client.get(f"/pesanan/{order.number}/").content.decode()

    assert "J&amp;T Express" in page and "JP1234567890" in page
    assert 'href="https://cekresi.com/?noresi=JP1234567890"' in page
    assert 'class="timeline tracking-history"' not in page  # no provider has reported anything


def test_the_buyer_sees_the_tracking_history_a_provider_reported(
    buyer_client, client, settings, shop_a_owner, processing
):
    settings.BITESHIP_WEBHOOK_SECRET = SECRET
    order = shipped(processing, shop_a_owner)
    post_webhook(client, {**STATUS_EVENT, "status": "picked", "updated_at": "2026-11-18T09:00:00+07:00"})
    post_webhook(client, STATUS_EVENT)

    page = buyer_client.get(f"/pesanan/{order.number}/").content.decode()

    assert page.index("Picked up by the courier") < page.index("Delivered")
    assert "20 Nov 2026, 10:15" in page  # Jakarta time


def test_another_buyer_sees_nothing_of_the_shipment(client, shop_a_owner, processing):
    order = shipped(processing, shop_a_owner)
    from conftest import make_user

    client.force_login(make_user("other@example.com"))
    assert client.get(f"/pesanan/{order.number}/").status_code == 404


# --- Polling Biteship's tracking API ------------------------------------------------------------


@pytest.fixture
def biteship(settings, httpserver):
    settings.BITESHIP_API_KEY = "biteship_test.key"
    settings.BITESHIP_BASE_URL = httpserver.url_for("/").rstrip("/")
    settings.SHIPPING_PROVIDER_TIMEOUT_SECONDS = 0.5
    return httpserver


@pytest.fixture
def three_shipped(buyer, address, product_a, shop_a_owner):
    """Three parcels on their way: J&T, SiCepat and JNE."""
    orders = []
    for courier, number in (("jnt", "JP1234567890"), ("sicepat", "004212345678"), ("jne", "CGK1234567890")):
        order = buy(buyer, (product_a, 1), payment="cod", shipping=COURIER).orders.get()
        transitions.start_processing(order=order, actor=shop_a_owner)
        orders.append(shipped(order, shop_a_owner, courier=courier, number=number))
    return orders


def answer_for(waybill, courier):
    return {**TRACKING_ANSWER, "waybill_id": waybill, "courier": {"company": courier}}


def test_polling_stores_each_parcels_history_once(biteship, three_shipped):
    for waybill, courier in (("JP1234567890", "jnt"), ("004212345678", "sicepat"), ("CGK1234567890", "jne")):
        biteship.expect_request(
            f"/v1/trackings/{waybill}/couriers/{courier}", headers={"Authorization": "biteship_test.key"}
        ).respond_with_json(answer_for(waybill, courier))

    assert tasks.poll_shipment_tracking.delay().get() == 9
    # Delivered parcels are not asked again; nothing is stored twice.
    assert tasks.poll_shipment_tracking.delay().get() == 0
    assert len(biteship.log) == 3
    assert TrackingEvent.objects.filter(status="delivered").count() == 3


def test_one_failing_parcel_does_not_stop_the_others(biteship, three_shipped):
    def slow(request):
        time.sleep(1.5)
        return Response(json.dumps(answer_for("CGK1234567890", "jne")), content_type="application/json")

    # The local server answers one request at a time: the slow answer comes last.
    biteship.expect_request("/v1/trackings/JP1234567890/couriers/jnt").respond_with_data("oops", status=500)
    biteship.expect_request("/v1/trackings/004212345678/couriers/sicepat").respond_with_json(
        answer_for("004212345678", "sicepat")
    )
    biteship.expect_request("/v1/trackings/CGK1234567890/couriers/jne").respond_with_handler(slow)

    started = time.monotonic()
    assert tracking.poll_shipped_orders() == 3
    assert time.monotonic() - started < 1.4  # the timeout, not the slow answer, ended the wait
    assert set(TrackingEvent.objects.values_list("waybill", flat=True)) == {"004212345678"}


@pytest.mark.parametrize(
    "answer",
    [
        "<html>Bad gateway</html>",
        {"success": True, "history": "none"},
        {"success": False, "error": "not found"},
    ],
)
def test_a_malformed_answer_stores_nothing_and_the_others_go_on(biteship, three_shipped, answer):
    bad = biteship.expect_request("/v1/trackings/JP1234567890/couriers/jnt")
    if isinstance(answer, str):
        bad.respond_with_data(answer, content_type="application/json")
    else:
        bad.respond_with_json(answer)
    for waybill, courier in (("004212345678", "sicepat"), ("CGK1234567890", "jne")):
        biteship.expect_request(f"/v1/trackings/{waybill}/couriers/{courier}").respond_with_json(
            answer_for(waybill, courier)
        )

    assert tracking.poll_shipped_orders() == 6
    assert not TrackingEvent.objects.filter(waybill="JP1234567890").exists()


def test_a_bug_in_one_parcel_is_logged_and_the_others_go_on(biteship, three_shipped, monkeypatch, caplog):
    real = tracking.tracking.refresh_tracking

    def broken_for_jnt(waybill, courier=None):
        if courier == "jnt":
            raise RuntimeError("a bug")
        return real(waybill, courier=courier)

    monkeypatch.setattr(tracking.tracking, "refresh_tracking", broken_for_jnt)
    for waybill, courier in (("004212345678", "sicepat"), ("CGK1234567890", "jne")):
        biteship.expect_request(f"/v1/trackings/{waybill}/couriers/{courier}").respond_with_json(
            answer_for(waybill, courier)
        )

    assert tracking.poll_shipped_orders() == 6
    assert "Tracking order" in caplog.text


def test_parcels_a_webhook_reported_lately_are_not_asked(biteship, client, settings, three_shipped):
    settings.BITESHIP_WEBHOOK_SECRET = SECRET
    post_webhook(client, {**STATUS_EVENT, "status": "dropping_off"})  # JP1234567890, just now

    asked = {row[1] for row in tracking.orders_to_poll()}

    assert asked == {"004212345678", "CGK1234567890"}


def test_without_a_key_nothing_is_asked(settings, biteship, three_shipped):
    settings.BITESHIP_API_KEY = ""

    assert tracking.poll_shipped_orders() == 0
    assert len(biteship.log) == 0


def test_the_poll_is_on_the_beat_schedule(settings):
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "orders.tasks.poll_shipment_tracking" in entries


# --- Auto-completion: N days after delivery when known, else after shipping ------------------


def delivered(waybill, when):
    TrackingEvent.objects.create(
        waybill=waybill, courier="jnt", status="delivered", happened_at=when, source="biteship-api",
        fingerprint=f"{waybill}-{when.isoformat()}",
    )  # fmt: skip


def test_a_delivery_starts_the_clock(settings, shop_a_owner, processing):
    settings.ORDER_AUTO_COMPLETE_DAYS = 7
    order = shipped(processing, shop_a_owner, days_ago=10)
    delivered("JP1234567890", timezone.now() - timedelta(days=2))

    # Shipped 10 days ago but delivered 2 days ago: the buyer still has 5 days.
    assert transitions.complete_shipped_orders() == 0
    assert not transitions.auto_complete_shipped(order_id=order.pk)
    assert Order.objects.get(pk=order.pk).status == S.SHIPPED

    TrackingEvent.objects.update(happened_at=timezone.now() - timedelta(days=8))
    assert transitions.complete_shipped_orders() == 1
    assert Order.objects.get(pk=order.pk).status == S.COMPLETED


def test_without_a_delivery_the_clock_starts_at_shipping(settings, shop_a_owner, processing):
    settings.ORDER_AUTO_COMPLETE_DAYS = 7
    order = shipped(processing, shop_a_owner, days_ago=8)

    assert transitions.complete_shipped_orders() == 1
    assert Order.objects.get(pk=order.pk).status == S.COMPLETED


def test_a_delivery_reported_before_shipping_belongs_to_another_parcel(settings, shop_a_owner, processing):
    """A receipt number typed from an old parcel must not complete the order before its time."""
    settings.ORDER_AUTO_COMPLETE_DAYS = 7
    order = shipped(processing, shop_a_owner, days_ago=1)
    delivered("JP1234567890", datetime(2026, 1, 5, tzinfo=UTC))

    assert transitions.complete_shipped_orders() == 0
    assert not transitions.auto_complete_shipped(order_id=order.pk)
    assert Order.objects.get(pk=order.pk).status == S.SHIPPED


def test_a_webhooks_delivery_starts_the_clock_too(client, settings, shop_a_owner, processing):
    settings.ORDER_AUTO_COMPLETE_DAYS = 7
    settings.BITESHIP_WEBHOOK_SECRET = SECRET
    order = shipped(processing, shop_a_owner, days_ago=9)
    yesterday = timezone.localtime() - timedelta(days=1)
    post_webhook(client, {**STATUS_EVENT, "updated_at": yesterday.isoformat()})

    assert transitions.complete_shipped_orders() == 0
    assert Order.objects.get(pk=order.pk).status == S.SHIPPED
