import pytest

from shipping.models import OwnDeliveryArea
from shipping.parcels import ParcelLine, build_parcel
from shipping.rates import Place, own_delivery_fee, quote
from shipping.tests.factories import tariff


def parcel(grams, **dims):
    return build_parcel([ParcelLine(weight_grams=grams, **dims)])


@pytest.fixture
def table(purwakarta, batam, tanjungpinang, tegal):
    """Purwakarta ships to Batam (its own rows), to the rest of Riau Islands and to Central Java by province."""
    origin = purwakarta.regency
    riau, central_java = batam.regency.province, tegal.regency.province
    tariff(origin, to=batam.regency, courier="jne", service="REG", first=38000, following=30000, days=(3, 5))
    tariff(origin, to=batam.regency, courier="jne", service="YES", first=70000, following=65000, days=(1, 1))
    tariff(origin, to=riau, courier="jne", service="REG", first=50000, following=45000, days=(4, 7))
    tariff(origin, to=riau, courier="sicepat", service="REG", first=34000, following=34000, days=(3, 6))
    tariff(origin, to=central_java, courier="jnt", service="EZ", first=16000, following=9000, days=(2, 4))
    return origin


def place(district):
    return Place.of_district(district)


def test_the_first_kilogram_has_its_own_price_and_each_further_one_the_next_price(table, purwakarta, batam):
    one = quote(origin=place(purwakarta), destination=place(batam), parcel=parcel(1200), couriers=["jne:REG"])
    three = quote(
        origin=place(purwakarta), destination=place(batam), parcel=parcel(2500), couriers=["jne:REG"]
    )
    assert [(q.price, q.chargeable_kg) for q in one] == [(38000, 1)]
    assert [(q.price, q.chargeable_kg) for q in three] == [(38000 + 2 * 30000, 3)]


def test_the_chargeable_weight_is_the_volumetric_one_for_a_bulky_parcel(table, purwakarta, batam):
    bulky = parcel(500, length_cm=40, width_cm=40, height_cm=30)  # 8 kg by volume
    [q] = quote(origin=place(purwakarta), destination=place(batam), parcel=bulky, couriers=["jne:REG"])
    assert q.price == 38000 + 7 * 30000


def test_every_service_of_a_courier_is_quoted_cheapest_first_with_its_days(table, purwakarta, batam):
    quotes = quote(
        origin=place(purwakarta), destination=place(batam), parcel=parcel(1000), couriers=["jne", "sicepat"]
    )
    assert [(q.courier, q.service, q.price, q.min_days, q.max_days) for q in quotes] == [
        ("sicepat", "REG", 34000, 3, 6),
        ("jne", "REG", 38000, 3, 5),
        ("jne", "YES", 70000, 1, 1),
    ]
    assert {q.source for q in quotes} == {"table"}


def test_a_regency_row_beats_the_province_row(table, purwakarta, batam, tanjungpinang):
    to_batam = quote(
        origin=place(purwakarta), destination=place(batam), parcel=parcel(1000), couriers=["jne:REG"]
    )
    to_tanjungpinang = quote(
        origin=place(purwakarta), destination=place(tanjungpinang), parcel=parcel(1000), couriers=["jne:REG"]
    )
    assert [q.price for q in to_batam] == [38000]
    assert [(q.price, q.max_days) for q in to_tanjungpinang] == [(50000, 7)]


def test_only_the_services_the_shop_turned_on_are_quoted(table, purwakarta, batam):
    quotes = quote(
        origin=place(purwakarta), destination=place(batam), parcel=parcel(1000), couriers=["jne:YES"]
    )
    assert [q.service for q in quotes] == ["YES"]
    assert (
        quote(origin=place(purwakarta), destination=place(batam), parcel=parcel(1000), couriers=["dhl", ""])
        == []
    )


def test_a_destination_without_a_rate_gets_no_quote_and_the_other_couriers_stay(table, purwakarta, tegal):
    quotes = quote(
        origin=place(purwakarta), destination=place(tegal), parcel=parcel(1000), couriers=["jne", "jnt"]
    )
    assert [(q.courier, q.price) for q in quotes] == [("jnt", 16000)]


def test_a_shops_own_tariff_beats_the_deployments_and_stays_its_own(table, purwakarta, batam, shop_a, shop_b):
    tariff(table, to=batam.regency, courier="jne", service="REG", first=35000, following=28000, shop=shop_a)
    args = {
        "origin": place(purwakarta),
        "destination": place(batam),
        "parcel": parcel(2000),
        "couriers": ["jne:REG"],
    }
    assert [q.price for q in quote(**args, shop=shop_a)] == [35000 + 28000]
    assert [q.price for q in quote(**args, shop=shop_b)] == [38000 + 30000]
    assert [q.price for q in quote(**args)] == [38000 + 30000]


def test_a_multi_shop_cart_prices_each_shops_parcel_from_its_own_origin(
    table, purwakarta, batam, tegal, shop_a, shop_b
):
    tariff(tegal.regency, to=batam.regency, courier="jne", service="REG", first=42000, following=36000)
    buyer_in_batam = place(batam)
    from_a = quote(
        origin=place(shop_a.district),
        destination=buyer_in_batam,
        parcel=parcel(1500),
        couriers=["jne:REG"],
        shop=shop_a,
    )
    from_b = quote(
        origin=place(shop_b.district),
        destination=buyer_in_batam,
        parcel=parcel(300),
        couriers=["jne:REG"],
        shop=shop_b,
    )
    assert [q.price for q in from_a] == [38000 + 30000]
    assert [q.price for q in from_b] == [42000]
    assert from_a[0].price + from_b[0].price == 110000


def test_own_delivery_charges_the_districts_fee_before_the_regencys(shop_a, purwakarta, batam):
    from catalog.tests.factories import region

    other_district = region("32.14.02", "Babakancikao", "Kabupaten Purwakarta", "Jawa Barat")
    OwnDeliveryArea.objects.create(shop=shop_a, regency=purwakarta.regency, fee=15000)
    OwnDeliveryArea.objects.create(shop=shop_a, district=purwakarta, fee=5000)
    assert own_delivery_fee(shop=shop_a, destination=place(purwakarta)) == 5000
    assert own_delivery_fee(shop=shop_a, destination=place(other_district)) == 15000
    assert own_delivery_fee(shop=shop_a, destination=place(batam)) is None


def test_own_delivery_of_another_shop_does_not_count(shop_a, shop_b, purwakarta):
    OwnDeliveryArea.objects.create(shop=shop_b, regency=purwakarta.regency, fee=10000)
    assert own_delivery_fee(shop=shop_a, destination=place(purwakarta)) is None
