"""Reads about a shop's shipping that dashboards and checkout share."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from catalog.models import Product, ProductVariant
from shipping.couriers import CourierService
from shipping.models import OwnDeliveryArea, ShopCourierService, ShopShippingProfile, Tariff
from shipping.parcels import Parcel, ParcelError, build_parcel, line_for
from shipping.rates import Place, own_delivery_fee, quote
from vendors.models import CourierRate


def default_weight_grams(shop) -> int | None:
    """The shop's stand-in weight for products without one, if the shop set it."""
    return (
        ShopShippingProfile.objects.filter(shop=shop).values_list("default_weight_grams", flat=True).first()
    )


def parcel_for(*, shop, items) -> tuple[Parcel | None, str]:
    """One shop's parcel from (product, variant, quantity) items, or None and why couriers cannot take it.

    The shop's default weight stands in for items without one (read only when one lacks it).
    """
    lines = [
        line_for(product=product, variant=variant, quantity=quantity) for product, variant, quantity in items
    ]
    default = default_weight_grams(shop) if any(not line.weight_grams for line in lines) else None
    try:
        return build_parcel(lines, default_weight_grams=default), ""
    except ParcelError as error:
        return None, str(error.message)


def products_without_weight(shop):
    """The shop's live products a courier cannot price unless the shop has a default weight:
    no weight of their own, and a variant without one either."""
    weightless_variant = ProductVariant.objects.filter(product=OuterRef("pk")).filter(
        Q(weight_grams__isnull=True) | Q(weight_grams=0)
    )
    return (
        Product.objects.filter(shop=shop, weight_grams=0)
        .filter(Exists(weightless_variant))
        .exclude(status=Product.Status.ARCHIVED)
        .order_by("name")
    )


def ships_by_courier(shop) -> bool:
    """A courier service switched on, or the older per-province courier rates."""
    return (
        ShopCourierService.objects.filter(shop=shop).exists()
        or CourierRate.objects.filter(shop=shop).exists()
    )


def weight_required(shop) -> bool:
    """Products must carry a weight: couriers price by it and the shop has no stand-in weight.

    Registered with catalog.weights, which the product form and the CSV import ask.
    """
    return ships_by_courier(shop) and not default_weight_grams(shop)


def enabled_services(shop) -> list[str]:
    """The shop's courier services switched on, as "courier:SERVICE" values."""
    return sorted(ShopCourierService.objects.filter(shop=shop).values_list("service", flat=True))


def own_delivery_areas(shop):
    return OwnDeliveryArea.objects.filter(shop=shop).select_related("regency", "district__regency")


def own_tariff_count(shop) -> int:
    return Tariff.objects.filter(shop=shop).count()


@dataclass(frozen=True)
class ShippingChoice:
    """One way a buyer may receive a shop's parcel, as checkout lists it.

    `available` False keeps an enabled courier service on the list with its `note` saying why it
    cannot be chosen for this address; the other choices stay selectable.
    """

    key: str  # "pickup", "own_delivery" or "courier:SERVICE"
    kind: str
    label: str
    price: int | None
    min_days: int | None = None
    max_days: int | None = None
    source: str = ""
    note: str = ""
    available: bool = True


PICKUP = "pickup"
OWN_DELIVERY = "own_delivery"
COURIER = "courier"
SHOP = "shop"


def options_for(
    *, shop, destination_district, parcel: Parcel | None, destination_postal_code="", no_parcel_reason=""
) -> list:
    """Pick-up, the shop's own delivery and its enabled courier services for one parcel.

    `parcel` None means couriers cannot take it: its services are listed, unavailable, with
    `no_parcel_reason` (or "weight unknown") as the note.
    """
    destination = Place.of_district(destination_district, destination_postal_code)
    choices = []
    if shop.pickup_enabled:
        choices.append(
            ShippingChoice(key=PICKUP, kind=PICKUP, label=_("Pick up at the shop"), price=0, source=SHOP)
        )
    fee = own_delivery_fee(shop=shop, destination=destination)
    if fee is not None:
        choices.append(
            ShippingChoice(
                key=OWN_DELIVERY, kind=OWN_DELIVERY, label=_("Delivered by the shop"), price=fee, source=SHOP
            )
        )
    return choices + courier_choices(
        shop=shop, destination=destination, parcel=parcel, no_parcel_reason=no_parcel_reason
    )


def courier_choices(*, shop, destination: Place, parcel: Parcel | None, no_parcel_reason="") -> list:
    enabled = enabled_services(shop)
    if not enabled:
        return []
    if parcel is None:
        reason = no_parcel_reason or _("The parcel's weight is unknown.")
        return [unavailable(service, reason) for service in enabled]
    if shop.district_id is None:
        return [unavailable(service, _("The shop has no address to send from yet.")) for service in enabled]
    origin = Place.of_district(shop.district, shop.postal_code)
    quotes = {
        q.key: q
        for q in quote(origin=origin, destination=destination, parcel=parcel, couriers=enabled, shop=shop)
    }
    priced = [
        ShippingChoice(
            key=q.key,
            kind=COURIER,
            label=CourierService(q.key).label,
            price=q.price,
            min_days=q.min_days,
            max_days=q.max_days,
            source=q.source,
            note=q.note,
        )
        for q in sorted(quotes.values(), key=lambda q: (q.price, q.max_days or 0, q.key))
        if q.key in enabled
    ]
    missing = [
        unavailable(service, _("No rate for this destination."))
        for service in enabled
        if service not in quotes
    ]
    return priced + missing


def unavailable(service: str, note) -> ShippingChoice:
    return ShippingChoice(
        key=service,
        kind=COURIER,
        label=CourierService(service).label,
        price=None,
        note=str(note),
        available=False,
    )
