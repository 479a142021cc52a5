"""Writes of a shop's courier settings: services offered, default weight, own-delivery areas, tariffs."""

from django.db import transaction
from django.utils.translation import gettext as _

from shipping.couriers import CourierService
from shipping.models import OwnDeliveryArea, ShopCourierService, ShopShippingProfile
from shipping.tariff_import import MAX_BYTES, ImportReport, import_tariffs


@transaction.atomic
def set_courier_services(*, shop, services) -> None:
    """Switch on exactly `services` (values like "jne:REG") for the shop, the others off."""
    wanted = {CourierService(value) for value in services}
    ShopCourierService.objects.filter(shop=shop).exclude(service__in=wanted).delete()
    present = set(ShopCourierService.objects.filter(shop=shop).values_list("service", flat=True))
    ShopCourierService.objects.bulk_create(
        ShopCourierService(shop=shop, service=service) for service in wanted if service not in present
    )


def set_default_weight(*, shop, grams: int | None) -> ShopShippingProfile:
    profile, _created = ShopShippingProfile.objects.update_or_create(
        shop=shop, defaults={"default_weight_grams": grams}
    )
    return profile


def add_own_delivery_area(*, shop, regency=None, district=None, fee: int) -> OwnDeliveryArea:
    """The form checked that the area is new; the unique constraints refuse a double submit (IntegrityError)."""
    with transaction.atomic():
        return OwnDeliveryArea.objects.create(shop=shop, regency=regency, district=district, fee=fee)


def remove_own_delivery_area(*, area: OwnDeliveryArea) -> None:
    area.delete()


def import_shop_tariffs(*, shop, upload) -> ImportReport:
    """Import an uploaded CSV as the shop's own tariffs; a file over the limit is refused unread."""
    if upload.size > MAX_BYTES:
        return ImportReport(
            problems=[(None, [_("The file is larger than 5 MB; split it into smaller files.")])]
        )
    return import_tariffs(raw=upload.read(), shop=shop)
