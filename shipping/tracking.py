"""Where a parcel is: public tracking pages, Biteship's webhook and its tracking API.

Every step a provider reports is stored once as a TrackingEvent (keyed by a fingerprint of the
waybill, status, time and note), so a webhook delivered twice or a history polled again adds
nothing. `delivered_at(waybill)` is what orders read to start their auto-completion clock.
"""

import hashlib
import json
import logging
import urllib.parse
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shipping import providers
from shipping.couriers import Courier
from shipping.models import Provider, TrackingEvent

log = logging.getLogger(__name__)

# The one table of public tracking pages. Couriers' own pages change their addresses often, so a
# neutral "cek resi" aggregator that knows every courier serves them all; a courier's own page
# can replace its row here.
AGGREGATOR = "https://cekresi.com/?noresi={receipt}"
TRACKING_PAGES = {
    Courier.JNE: AGGREGATOR,
    Courier.JNT: AGGREGATOR,
    Courier.SICEPAT: AGGREGATOR,
    Courier.POS: AGGREGATOR,
    Courier.ANTERAJA: AGGREGATOR,
    Courier.TIKI: AGGREGATOR,
    Courier.NINJA: AGGREGATOR,
    Courier.LION: AGGREGATOR,
}

DELIVERED = "delivered"
WEBHOOK = "biteship-webhook"
POLL = "biteship-api"


class TrackingError(Exception):
    pass


def waybill_key(waybill: str) -> str:
    """Receipt numbers are stored as couriers print them: upper case, no spaces."""
    return "".join((waybill or "").split()).upper()


def tracking_url(courier: str, receipt_number: str) -> str | None:
    """A page where anyone can follow the parcel, or None for a courier we do not know."""
    template = TRACKING_PAGES.get((courier or "").strip().lower())
    if template is None or not receipt_number:
        return None
    return template.format(receipt=urllib.parse.quote(receipt_number, safe=""))


def fingerprint(waybill: str, status: str, happened: str, note: str) -> str:
    return hashlib.sha256("\x1f".join([waybill, status, happened, note]).encode()).hexdigest()


def record(*, waybill, courier, status, note, happened_at: datetime, happened_text: str, source) -> bool:
    """Store one event unless it is already stored; True when it is new."""
    key = fingerprint(waybill, status, happened_text, note)
    if TrackingEvent.objects.filter(fingerprint=key).exists():
        return False
    try:
        with transaction.atomic():
            TrackingEvent.objects.create(
                waybill=waybill,
                courier=courier[:20],
                status=status[:40],
                note=note[:500],
                happened_at=happened_at,
                source=source,
                fingerprint=key,
            )
    except IntegrityError:  # the same event arriving twice at the same moment
        return False
    return True


def when(text) -> datetime | None:
    """Biteship's ISO 8601 times; a time without a zone is Jakarta's (Biteship's own)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_fixed_timezone(7 * 60))
    return moment


def record_biteship_webhook(body: bytes) -> bool:
    """An `order.status` or `order.waybill_id` notification; other events are acknowledged and ignored."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise TrackingError("malformed JSON") from error
    if not isinstance(payload, dict):
        raise TrackingError("not an object")
    if payload.get("event") not in ("order.status", "order.waybill_id"):
        return False
    waybill = payload.get("courier_waybill_id")
    status = payload.get("status")
    if not isinstance(waybill, str) or not waybill.strip() or not isinstance(status, str) or not status:
        raise TrackingError("no waybill or status")
    happened_text = payload.get("updated_at") or ""
    return record(
        waybill=waybill_key(waybill),
        courier=str(payload.get("courier_company") or "").lower(),
        status=status.lower(),
        note=str(payload.get("note") or ""),
        happened_at=when(happened_text) or timezone.now(),
        happened_text=str(happened_text),
        source=WEBHOOK,
    )


@dataclass(frozen=True)
class Refresh:
    ok: bool
    added: int = 0
    error: str = ""


def refresh_tracking(waybill: str, courier: str | None = None) -> Refresh:
    """Ask Biteship's public tracking API for the waybill's history and store the new steps.

    The courier is the one given, else the one of the waybill's stored events. A slow, failing
    or nonsensical answer stores nothing and says why; the next run tries again.
    """
    waybill = waybill_key(waybill)
    courier = (courier or last_courier(waybill) or "").lower()
    if not settings.BITESHIP_API_KEY:
        return Refresh(ok=False, error="Biteship is not configured")
    if not courier:
        return Refresh(ok=False, error="courier unknown")
    url = (
        f"{settings.BITESHIP_BASE_URL}/v1/trackings/"
        f"{urllib.parse.quote(waybill, safe='')}/couriers/{urllib.parse.quote(courier, safe='')}"
    )
    try:
        answer = providers.get(
            url,
            headers={"Authorization": settings.BITESHIP_API_KEY},
            timeout=settings.SHIPPING_PROVIDER_TIMEOUT_SECONDS,
        )
        steps = history(answer)
    except providers.ProviderError as error:
        log.warning("Tracking %s from %s failed: %s", waybill, Provider.BITESHIP, error)
        return Refresh(ok=False, error=str(error))
    added = sum(record(waybill=waybill, courier=courier, source=POLL, **step) for step in steps)
    return Refresh(ok=True, added=added)


def history(answer) -> list[dict]:
    try:
        if not answer.get("success"):
            raise providers.ProviderError(f"refused: {answer.get('error') or answer.get('message')}")
        steps = []
        for row in answer["history"]:
            happened_text = row["updated_at"]
            happened_at = when(happened_text)
            if happened_at is None or not isinstance(row["status"], str):
                raise ValueError(f"bad step {row!r}")
            steps.append(
                {
                    "status": row["status"].lower(),
                    "note": str(row.get("note") or ""),
                    "happened_at": happened_at,
                    "happened_text": happened_text,
                }
            )
        return steps
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise providers.ProviderError(f"malformed answer: {error!r}") from error


def last_courier(waybill: str) -> str | None:
    return (
        TrackingEvent.objects.filter(waybill=waybill)
        .exclude(courier="")
        .order_by("-happened_at", "-id")
        .values_list("courier", flat=True)
        .first()
    )


def events(waybill: str):
    return TrackingEvent.objects.filter(waybill=waybill_key(waybill)).order_by("happened_at", "id")


def delivered_at(waybill: str, since: datetime | None = None) -> datetime | None:
    """When the parcel was first reported delivered (not before `since`), or None.

    Orders pass their shipping time as `since`: a delivery reported before the parcel was
    shipped belongs to another parcel (a receipt number typed by mistake, or reused) and must
    not start an order's auto-completion clock early.
    """
    if not waybill:
        return None
    events = TrackingEvent.objects.filter(waybill=waybill_key(waybill), status=DELIVERED)
    if since is not None:
        events = events.filter(happened_at__gte=since)
    return events.order_by("happened_at").values_list("happened_at", flat=True).first()


def delivered_at_expression(*, waybill, since):
    """`delivered_at` as a subquery, for selecting many orders at once (OuterRef arguments)."""
    events = TrackingEvent.objects.filter(waybill=waybill, status=DELIVERED, happened_at__gte=since)
    return Subquery(events.order_by("happened_at").values("happened_at")[:1])
