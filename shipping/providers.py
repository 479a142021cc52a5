"""Thin clients for the rate providers: Biteship and Komerce (RajaOngkir).

Each turns our request into the provider's documented call and its answer into Quotes; anything
unexpected (slow, down, refused, malformed) raises ProviderError so rates.quote can fall back to
the table. No SDKs exist for either; the standard library's HTTP client is enough.
"""

import http.client
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from shipping.models import Provider, ProviderArea
from shipping.parcels import Parcel

log = logging.getLogger(__name__)


class ProviderError(Exception):
    pass


class ProviderTimeout(ProviderError):
    """The provider did not answer in time: asking it again at once would only wait again."""


@dataclass(frozen=True)
class Place:
    """Where a parcel leaves or arrives: our region codes plus the postal code if known."""

    regency_code: str
    province_code: str
    district_code: str = ""
    postal_code: str = ""

    @classmethod
    def of_district(cls, district, postal_code: str = "") -> "Place":
        regency = district.regency
        return cls(
            regency_code=regency.code,
            province_code=regency.province_id,
            district_code=district.code,
            postal_code=postal_code,
        )

    @classmethod
    def of_regency(cls, regency, postal_code: str = "") -> "Place":
        return cls(regency_code=regency.code, province_code=regency.province_id, postal_code=postal_code)


@dataclass(frozen=True)
class Quote:
    courier: str
    service: str
    price: int
    min_days: int | None
    max_days: int | None
    source: str
    note: str = ""
    chargeable_kg: int | None = None

    @property
    def key(self) -> str:
        return f"{self.courier}:{self.service}"


def area_id(provider: str, place: Place) -> str | None:
    """The provider's id for the place: its district's if stored, else its regency's."""
    codes = [code for code in (place.district_code, place.regency_code) if code]
    found = dict(
        ProviderArea.objects.filter(provider=provider, region_code__in=codes).values_list(
            "region_code", "area_id"
        )
    )
    return next((found[code] for code in codes if code in found), None)


def days_range(text) -> tuple[int | None, int | None]:
    """ "1 - 2", "2-3 day", "1 day", "" → (min, max) in days."""
    numbers = [int(n) for n in re.findall(r"\d+", str(text or ""))]
    if not numbers:
        return None, None
    return min(numbers), max(numbers)


def post(url: str, *, headers: dict, body: bytes, timeout: float) -> object:
    return call(urllib.request.Request(url, data=body, headers=headers, method="POST"), timeout)


def get(url: str, *, headers: dict, timeout: float) -> object:
    return call(urllib.request.Request(url, headers=headers, method="GET"), timeout)


def call(request: urllib.request.Request, timeout: float) -> object:
    """The provider's JSON answer, or ProviderError when it is slow, down, refusing or malformed."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise ProviderError(f"HTTP {error.code}") from error
    except TimeoutError as error:
        raise ProviderTimeout("timed out") from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise ProviderTimeout("timed out connecting") from error
        raise ProviderError(f"unreachable: {error}") from error
    except (http.client.HTTPException, ConnectionError) as error:
        raise ProviderError(f"unreachable: {error}") from error
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ProviderError("malformed JSON") from error


def biteship_rates(*, origin: Place, destination: Place, parcel: Parcel, couriers: list[str]) -> list[Quote]:
    """POST /v1/rates/couriers: area ids when mapped, else postal codes; weights in grams."""
    body = {"couriers": ",".join(couriers), "items": [biteship_item(parcel)]}
    for side, place in (("origin", origin), ("destination", destination)):
        area = area_id(Provider.BITESHIP, place)
        if area:
            body[f"{side}_area_id"] = area
        elif place.postal_code.isdigit():
            body[f"{side}_postal_code"] = int(place.postal_code)
        else:
            raise ProviderError(f"no Biteship area or postal code for {side} {place.regency_code}")
    answer = post(
        f"{settings.BITESHIP_BASE_URL}/v1/rates/couriers",
        headers={"Authorization": settings.BITESHIP_API_KEY, "Content-Type": "application/json"},
        body=json.dumps(body).encode(),
        timeout=settings.SHIPPING_PROVIDER_TIMEOUT_SECONDS,
    )
    try:
        if not answer.get("success"):
            raise ProviderError(f"refused: {answer.get('error') or answer.get('message')}")
        return [biteship_quote(row) for row in answer["pricing"]]
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise ProviderError(f"malformed answer: {error!r}") from error


def biteship_item(parcel: Parcel) -> dict:
    # One item of the parcel's billable weight: the provider applies its couriers' own rounding.
    return {"name": "Paket", "value": parcel.value, "weight": parcel.weight_grams, "quantity": 1}


def biteship_quote(row: dict) -> Quote:
    low, high = days_range(row.get("shipment_duration_range") or row.get("duration"))
    if row.get("shipment_duration_unit") == "hours" and low is not None:
        low = high = 1
    return Quote(
        courier=str(row["courier_code"]).lower(),
        service=str(row["courier_service_code"]).upper(),
        price=whole_rupiah(row["price"]),
        min_days=low,
        max_days=high,
        source=Provider.BITESHIP,
    )


def komerce_rates(*, origin: Place, destination: Place, parcel: Parcel, couriers: list[str]) -> list[Quote]:
    """POST calculate/domestic-cost: Komerce's destination ids, weight in grams, couriers by colons."""
    ids = {
        side: area_id(Provider.KOMERCE, place)
        for side, place in (("origin", origin), ("destination", destination))
    }
    missing = [side for side, value in ids.items() if not value]
    if missing:
        raise ProviderError(f"no Komerce id for {', '.join(missing)}")
    form = {
        "origin": ids["origin"],
        "destination": ids["destination"],
        "weight": parcel.weight_grams,
        "courier": ":".join(couriers),
        "price": "lowest",
    }
    answer = post(
        f"{settings.KOMERCE_BASE_URL}/calculate/domestic-cost",
        headers={"key": settings.KOMERCE_API_KEY, "Content-Type": "application/x-www-form-urlencoded"},
        body=urllib.parse.urlencode(form).encode(),
        timeout=settings.SHIPPING_PROVIDER_TIMEOUT_SECONDS,
    )
    try:
        if answer["meta"]["code"] != 200:
            raise ProviderError(f"refused: {answer['meta'].get('message')}")
        return [komerce_quote(row) for row in answer["data"] or []]
    except (KeyError, TypeError, ValueError) as error:
        raise ProviderError(f"malformed answer: {error!r}") from error


def komerce_quote(row: dict) -> Quote:
    low, high = days_range(row.get("etd"))
    return Quote(
        courier=str(row["code"]).lower(),
        service=str(row["service"]).upper(),
        price=whole_rupiah(row["cost"]),
        min_days=low,
        max_days=high,
        source=Provider.KOMERCE,
    )


def whole_rupiah(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"not a price: {value!r}")
    return int(round(value))


ADAPTERS = {Provider.BITESHIP: biteship_rates, Provider.KOMERCE: komerce_rates}


def configured() -> list[str]:
    """Providers with a key set, in the order they are asked."""
    keys = {Provider.BITESHIP: settings.BITESHIP_API_KEY, Provider.KOMERCE: settings.KOMERCE_API_KEY}
    return [provider for provider, key in keys.items() if key]
