import pytest
from django.core.management import CommandError, call_command

from marketplace.models import Province
from marketplace.regions import load_regions
from shipping.demo import DEMO_REGENCIES, SERVICES
from shipping.models import Tariff
from shipping.parcels import ParcelLine, build_parcel
from shipping.rates import Place, quote


def test_demo_tariffs_link_the_demo_regions_and_reach_every_province_once(db):
    load_regions()
    call_command("seed_demo_tariffs")
    provinces = Province.objects.count()
    assert Tariff.objects.count() == len(DEMO_REGENCIES) * (len(DEMO_REGENCIES) + provinces) * len(SERVICES)
    for origin in DEMO_REGENCIES:
        reached = set(Tariff.objects.filter(origin=origin).values_list("destination_province", flat=True))
        assert len(reached - {None}) == provinces

    edited = Tariff.objects.get(origin="32.14", destination_regency="21.71", courier="jne", service="REG")
    edited.first_kg_fee = 99000
    edited.save()
    call_command("seed_demo_tariffs")
    assert Tariff.objects.count() == len(DEMO_REGENCIES) * (len(DEMO_REGENCIES) + provinces) * len(SERVICES)
    edited.refresh_from_db()
    assert edited.first_kg_fee == 99000  # a staff edit survives a second run

    from marketplace.models import District

    purwakarta = District.objects.get(code="32.14.01")
    pangkalpinang = District.objects.filter(regency="19.71").first()
    quotes = quote(
        origin=Place.of_district(purwakarta),
        destination=Place.of_district(pangkalpinang),
        parcel=build_parcel([ParcelLine(weight_grams=800)]),
        couriers=["jne", "jnt", "sicepat", "pos", "anteraja"],
    )
    assert {q.key for q in quotes} == {f"{c}:{s}" for c, s, *_ in SERVICES}
    assert all(q.price > 0 and q.min_days <= q.max_days for q in quotes)


def test_demo_tariffs_ask_for_the_regions_first(db):
    with pytest.raises(CommandError, match="load_regions"):
        call_command("seed_demo_tariffs")


def test_demo_shops_get_courier_services_and_own_delivery_once_and_real_shops_none(shop_a, shop_b):
    from shipping.demo import DEMO_SHOP_SERVICES, seed_demo_shop_shipping
    from shipping.models import OwnDeliveryArea, ShopCourierService
    from vendors.models import Shop

    Shop.objects.filter(pk=shop_a.pk).update(is_demo=True)

    assert seed_demo_shop_shipping() == 1
    assert seed_demo_shop_shipping() == 0  # a second run adds nothing

    services = ShopCourierService.objects.filter(shop=shop_a).values_list("service", flat=True)
    assert sorted(services) == sorted(DEMO_SHOP_SERVICES)
    area = OwnDeliveryArea.objects.get(shop=shop_a)
    assert area.regency_id == shop_a.district.regency_id
    assert not ShopCourierService.objects.filter(shop=shop_b).exists()  # a real shop is never touched


def test_a_demo_shop_of_services_only_gets_own_delivery_but_no_courier(shop_a, shop_b):
    from catalog.tests.factories import make_product
    from shipping.demo import seed_demo_shop_shipping
    from shipping.models import OwnDeliveryArea, ShopCourierService
    from vendors.models import Shop

    Shop.objects.filter(pk__in=[shop_a.pk, shop_b.pk]).update(is_demo=True)
    make_product(shop_a, name="Jasa Jahit Kebaya")  # a service: no weight
    make_product(shop_b, name="Kain Batik", weight_grams=400)

    assert seed_demo_shop_shipping() == 2
    assert seed_demo_shop_shipping() == 0

    assert not ShopCourierService.objects.filter(shop=shop_a).exists()
    assert OwnDeliveryArea.objects.filter(shop=shop_a).exists()
    assert ShopCourierService.objects.filter(shop=shop_b).exists()
