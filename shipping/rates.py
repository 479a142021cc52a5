"""Courier rates behind one interface: the offline tariff table or a rate provider.

`quote` asks the first configured provider (a key is set) and falls back to the table, with a
note, when that provider is slow, down or answers nonsense; without keys the table answers. The
caller gets Quotes in whole rupiah, cheapest first, and never waits much longer than the
provider timeout setting.
"""

import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext

from shipping import providers
from shipping.couriers import Courier
from shipping.models import OwnDeliveryArea, Tariff
from shipping.parcels import Parcel
from shipping.providers import Place, ProviderError, ProviderTimeout, Quote

__all__ = ["Place", "Quote", "quote", "table_quotes", "own_delivery_fee"]

log = logging.getLogger(__name__)

TABLE = "table"


def quote(
    *, origin: Place, destination: Place, parcel: Parcel, couriers: Iterable[str], shop=None
) -> list[Quote]:
    """Prices for `couriers` (codes like "jne", or single services like "jne:REG")."""
    wanted = normalise(couriers)
    if not wanted:
        return []
    for provider in providers.configured():
        try:
            if cache.get(pause_key(provider)):
                raise ProviderError("paused after a timeout")
            found = provider_quotes(
                provider, origin=origin, destination=destination, parcel=parcel, wanted=wanted
            )
        except ProviderError as error:
            log.warning("Rates from %s failed, using the tariff table: %s", provider, error)
            if isinstance(error, ProviderTimeout):
                # A multi-shop checkout asks once per shop: after one timeout the others take the
                # table at once, so the page waits one timeout, not one per shop.
                cache.set(pause_key(provider), True, settings.SHIPPING_PROVIDER_PAUSE_SECONDS)
            note = gettext("Live prices from %(provider)s are unavailable right now; table prices shown.") % {
                "provider": provider.title()
            }
            return [
                with_note(q, note)
                for q in table_quotes(
                    origin=origin, destination=destination, parcel=parcel, wanted=wanted, shop=shop
                )
            ]
        return found
    return table_quotes(origin=origin, destination=destination, parcel=parcel, wanted=wanted, shop=shop)


def pause_key(provider: str) -> str:
    return f"shipping:rates:paused:{provider}"


def normalise(couriers: Iterable[str]) -> set[str]:
    """Courier codes and `courier:SERVICE` pairs, in the forms the tables and providers use."""
    wanted = set()
    for item in couriers:
        courier, _, service = str(item).partition(":")
        courier = courier.strip().lower()
        if courier in Courier.values:
            wanted.add(f"{courier}:{service.strip().upper()}" if service else courier)
    return wanted


def matches(wanted: set[str], courier: str, service: str) -> bool:
    return courier in wanted or f"{courier}:{service}" in wanted


def provider_quotes(provider: str, *, origin, destination, parcel, wanted) -> list[Quote]:
    couriers = sorted({item.partition(":")[0] for item in wanted})
    key = cache_key(provider, origin, destination, parcel, couriers)
    found = cache.get(key)
    if found is None:
        found = providers.ADAPTERS[provider](
            origin=origin, destination=destination, parcel=parcel, couriers=couriers
        )
        cache.set(key, found, settings.SHIPPING_RATE_CACHE_SECONDS)
    return sorted((q for q in found if matches(wanted, q.courier, q.service)), key=order)


def cache_key(provider, origin, destination, parcel, couriers) -> str:
    parts = [provider, origin, destination, parcel.weight_grams, parcel.value, couriers]
    return "shipping:rates:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def table_quotes(
    *, origin: Place, destination: Place, parcel: Parcel, wanted: set[str], shop=None
) -> list[Quote]:
    """Prices from the tariff table: a shop's own row beats the deployment's, a regency row a province row."""
    couriers = {item.partition(":")[0] for item in wanted}
    rows = Tariff.objects.filter(origin_id=origin.regency_code, courier__in=couriers).filter(
        Q(destination_regency_id=destination.regency_code)
        | Q(destination_province_id=destination.province_code)
    )
    rows = rows.for_shop(shop) if shop is not None else rows.deployment_wide()
    best: dict[str, Tariff] = {}
    for row in rows:
        if not matches(wanted, row.courier, row.service):
            continue
        key = f"{row.courier}:{row.service}"
        if key not in best or precedence(row) > precedence(best[key]):
            best[key] = row
    kg = parcel.chargeable_kg()
    quotes = [
        Quote(
            courier=row.courier,
            service=row.service,
            price=row.fee_for(kg),
            min_days=row.min_days,
            max_days=row.max_days,
            source=TABLE,
            chargeable_kg=kg,
        )
        for row in best.values()
    ]
    return sorted(quotes, key=order)


def precedence(row: Tariff) -> tuple[bool, bool]:
    return (row.shop_id is not None, row.destination_regency_id is not None)


def order(q: Quote):
    return (q.price, q.max_days or 0, q.courier, q.service)


def with_note(q: Quote, note: str) -> Quote:
    return Quote(**{**q.__dict__, "note": note})


def own_delivery_fee(*, shop, destination: Place) -> int | None:
    """The shop's own delivery fee to the destination, or None when it does not deliver there."""
    areas = OwnDeliveryArea.objects.filter(shop=shop).filter(
        Q(district_id=destination.district_code or None) | Q(regency_id=destination.regency_code)
    )
    by_kind = {("district" if area.district_id else "regency"): area.fee for area in areas}
    return by_kind.get("district", by_kind.get("regency"))
