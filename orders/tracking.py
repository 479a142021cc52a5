"""Where an order's parcel is: the tracking link and history pages show, and the polling of
Biteship's tracking API for shipped orders that no webhook has told us about lately.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from orders.models import Order, OrderStatus
from shipping import tracking
from shipping.couriers import courier_code, courier_name
from shipping.models import TrackingEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shipment:
    courier: str  # the courier's name as buyers know it
    receipt_number: str
    url: str | None
    events: list


def shipment_of(order: Order) -> Shipment | None:
    """The parcel's courier, receipt number, public tracking page and the steps reported so far."""
    if not order.tracking_number:
        return None
    return Shipment(
        courier=courier_name(order.courier),
        receipt_number=order.tracking_number,
        url=tracking.tracking_url(courier_code(order.courier), order.tracking_number),
        events=list(tracking.events(order.tracking_number)),
    )


def orders_to_poll(limit=500):
    """Shipped orders with a receipt number, not yet delivered, and without a webhook update
    for SHIPPING_TRACKING_POLL_HOURS (a working webhook makes polling unnecessary)."""
    quiet_since = timezone.now() - timedelta(hours=settings.SHIPPING_TRACKING_POLL_HOURS)
    oldest = timezone.now() - timedelta(days=settings.SHIPPING_TRACKING_POLL_DAYS)
    waybill_events = TrackingEvent.objects.filter(waybill=OuterRef("tracking_number"))
    return list(
        Order.objects.filter(status=OrderStatus.SHIPPED, shipped_at__gte=oldest)
        .exclude(tracking_number="")
        .exclude(courier="")
        .exclude(Exists(waybill_events.filter(status=tracking.DELIVERED)))
        .exclude(Exists(waybill_events.filter(source=tracking.WEBHOOK, received_at__gte=quiet_since)))
        .order_by("pk")
        .values_list("pk", "tracking_number", "courier")[:limit]
    )


def poll_shipped_orders() -> int:
    """Ask Biteship for each quiet shipment's history; how many new steps were stored.

    Without a key nothing is asked. One order's failure (a timeout, a 500, a malformed answer or
    a bug) is logged and never stops the others; the next run asks again. Steps are stored once
    whatever the number of runs (shipping.tracking's fingerprints).
    """
    if not settings.BITESHIP_API_KEY:
        return 0
    added = 0
    for order_id, waybill, courier in orders_to_poll():
        code = courier_code(courier)
        if not code:
            continue
        try:
            result = tracking.refresh_tracking(waybill, courier=code)
        except Exception:
            logger.exception("Tracking order %s failed; asked again on the next run", order_id)
            continue
        if not result.ok:
            logger.warning("Tracking order %s: %s", order_id, result.error)
        added += result.added
    return added
