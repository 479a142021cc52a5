"""Copy the shops' old shipping settings into the shipping app, which checkout now reads.

- `vendors.CourierRate` (a shop's price to a province, by kilogram, with no courier, service or
  delivery days) becomes the shop's own tariff for JNE REG from its regency to that province,
  2-5 days, and JNE REG is switched on for the shop: checkout keeps offering a courier at the
  price the seller set, who can then change the service or import real tariffs.
- `Shop.own_delivery_fee` ("inside the regency") becomes an own-delivery area for the shop's regency.

Shops without an address have no origin and are skipped (their settings page asks for one);
a rate of Rp0 is skipped too (a tariff's first kilogram is never free: pick-up is). Rows already
there are kept, so running it twice adds nothing. The old columns stay until the next release,
so rolling back this one loses nothing.
"""

from django.db import migrations

SERVICE = ("jne", "REG")
DAYS = (2, 5)


def copy_settings(apps, schema_editor):
    CourierRate = apps.get_model("vendors", "CourierRate")
    Shop = apps.get_model("vendors", "Shop")
    Tariff = apps.get_model("shipping", "Tariff")
    ShopCourierService = apps.get_model("shipping", "ShopCourierService")
    OwnDeliveryArea = apps.get_model("shipping", "OwnDeliveryArea")
    rates = CourierRate.objects.filter(shop__district__isnull=False, first_kg_fee__gte=1).select_related(
        "shop__district"
    )
    for rate in rates:
        Tariff.objects.get_or_create(
            shop_id=rate.shop_id,
            origin_id=rate.shop.district.regency_id,
            destination_province_id=rate.province_id,
            destination_regency=None,
            courier=SERVICE[0],
            service=SERVICE[1],
            defaults={
                "first_kg_fee": rate.first_kg_fee,
                "next_kg_fee": rate.next_kg_fee,
                "min_days": DAYS[0],
                "max_days": DAYS[1],
            },
        )
        ShopCourierService.objects.get_or_create(shop_id=rate.shop_id, service=":".join(SERVICE))
    shops = Shop.objects.filter(own_delivery_fee__isnull=False, district__isnull=False).select_related("district")
    for shop in shops:
        OwnDeliveryArea.objects.get_or_create(
            shop_id=shop.pk, regency_id=shop.district.regency_id, defaults={"fee": shop.own_delivery_fee}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("shipping", "0003_shop_courier_services_tracking_events"),
        ("vendors", "0006_invitation_cancelled_at"),
    ]

    operations = [migrations.RunPython(copy_settings, migrations.RunPython.noop)]
