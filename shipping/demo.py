"""Demo courier tariffs between the demo regions and to every province, so couriers work offline.

Prices follow distance zones (same city, same province, same island group by the first digit of
the province code, neighbouring group, far) and each service's usual price and speed relative to
JNE REG. They look like published tariffs; they are not any courier's real price list.
"""

from django.db import transaction
from django.db.models import Q

from catalog.models import Product
from marketplace.models import Province, Regency
from shipping.models import OwnDeliveryArea, ShopCourierService, Tariff
from vendors.models import Shop

DEMO_REGENCIES = [
    "32.14",
    "21.71",
    "33.76",
    "33.28",
    "19.71",
]  # Purwakarta, Batam, Tegal, Kab. Tegal, Pangkalpinang

# (courier, service, price factor, extra days on top of the zone's, next-day service)
SERVICES = [
    ("jne", "REG", 1.00, 0, False),
    ("jne", "YES", 1.80, 0, True),
    ("jnt", "EZ", 0.95, 0, False),
    ("sicepat", "REG", 0.90, 0, False),
    ("pos", "KILAT", 1.05, 1, False),
    ("anteraja", "REG", 0.92, 0, False),
]
# What every demo shop switches on, so checkout offers couriers offline.
DEMO_SHOP_SERVICES = ["jne:REG", "jne:YES", "jnt:EZ", "sicepat:REG"]
# zone -> (first kg price for JNE REG, fastest days, slowest days)
ZONES = {0: (9_000, 1, 2), 1: (11_000, 1, 3), 2: (16_000, 2, 4), 3: (28_000, 3, 6), 4: (42_000, 4, 8)}


class RegionsMissing(Exception):
    pass


def zone(origin: str, destination: str) -> int:
    """0 same regency, 1 same province, 2 same island group, 3 neighbouring group, 4 far."""
    if origin == destination:
        return 0
    if origin[:2] == destination[:2]:
        return 1
    gap = abs(int(origin[0]) - int(destination[0]))
    return min(gap + 2, 4)


def price(amount: float) -> int:
    return int(round(amount / 500) * 500)


def demo_rows():
    """(origin, regency or None, province or None, courier, service, first, next, min_days, max_days)."""
    provinces = list(Province.objects.values_list("code", flat=True))
    for origin in DEMO_REGENCIES:
        destinations = [(code, code, None) for code in DEMO_REGENCIES] + [
            (code, None, code) for code in provinces
        ]
        for code, regency, province in destinations:
            base, low, high = ZONES[zone(origin, code)]
            for courier, service, factor, extra_days, next_day in SERVICES:
                first = price(base * factor)
                following = first if base >= ZONES[2][0] else price(first * 0.8)
                days = (1, 1) if next_day else (low + extra_days, high + extra_days)
                yield (origin, regency, province, courier, service, first, following, *days)


@transaction.atomic
def seed_demo_tariffs() -> int:
    """Create the demo tariffs that are missing; rows already there (perhaps edited by staff) stay."""
    known = set(Regency.objects.filter(code__in=DEMO_REGENCIES).values_list("code", flat=True))
    if len(known) < len(DEMO_REGENCIES) or not Province.objects.exists():
        raise RegionsMissing("Load the regions first: manage.py load_regions")
    existing = set(
        Tariff.objects.deployment_wide()
        .filter(origin_id__in=DEMO_REGENCIES)
        .values_list("origin_id", "destination_regency_id", "destination_province_id", "courier", "service")
    )
    missing = [
        Tariff(
            origin_id=origin,
            destination_regency_id=regency,
            destination_province_id=province,
            courier=courier,
            service=service,
            first_kg_fee=first,
            next_kg_fee=following,
            min_days=low,
            max_days=high,
        )
        for origin, regency, province, courier, service, first, following, low, high in demo_rows()
        if (origin, regency, province, courier, service) not in existing
    ]
    Tariff.objects.bulk_create(missing)
    return len(missing)


@transaction.atomic
def seed_demo_shop_shipping() -> int:
    """Courier services and own delivery in their regency for the demo shops that have neither yet;
    a shop of services only (nothing with a weight) gets own delivery alone."""
    changed = 0
    for number, shop in enumerate(Shop.objects.filter(is_demo=True, district__isnull=False).order_by("pk")):
        if (
            ShopCourierService.objects.filter(shop=shop).exists()
            or OwnDeliveryArea.objects.filter(shop=shop).exists()
        ):
            continue
        if not sells_only_weightless(shop):
            ShopCourierService.objects.bulk_create(
                ShopCourierService(shop=shop, service=service) for service in DEMO_SHOP_SERVICES
            )
        OwnDeliveryArea.objects.get_or_create(
            shop=shop, regency_id=shop.district.regency_id, defaults={"fee": 10_000 + (number % 3) * 5_000}
        )
        changed += 1
    return changed


def sells_only_weightless(shop) -> bool:
    """A shop of services (tailoring, knife sharpening): nothing a courier could take."""
    products = Product.objects.filter(shop=shop)
    weighed = Q(weight_grams__gt=0) | Q(variants__weight_grams__gt=0)
    return products.exists() and not products.filter(weighed).exists()
