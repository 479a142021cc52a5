"""shipping.selectors.options_for: what checkout will offer for one shop's parcel."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shipping.models import OwnDeliveryArea, ShopCourierService
from shipping.parcels import ParcelLine, build_parcel
from shipping.selectors import options_for
from shipping.tests.factories import tariff
from vendors.models import Shop


def parcel(grams=1200):
    return build_parcel([ParcelLine(weight_grams=grams, unit_value=50000)])


def enable(shop, *services):
    for service in services:
        ShopCourierService.objects.create(shop=shop, service=service)


def summary(choices):
    return [(c.key, c.price, c.available, c.source) for c in choices]


@pytest.fixture
def table(purwakarta, batam):
    tariff(purwakarta.regency, to=batam.regency, courier="jne", service="REG", first=38000, following=30000)
    tariff(
        purwakarta.regency,
        to=batam.regency.province,
        courier="jnt",
        service="EZ",
        first=25000,
        following=20000,
    )
    tariff(
        purwakarta.regency,
        to=batam.regency,
        courier="jne",
        service="YES",
        first=70000,
        following=60000,
        days=(1, 1),
    )


def test_a_shop_with_nothing_enabled_offers_nothing(shop_a, batam):
    Shop.objects.filter(pk=shop_a.pk).update(pickup_enabled=False)
    shop_a.refresh_from_db()
    assert options_for(shop=shop_a, destination_district=batam, parcel=parcel()) == []


def test_pickup_own_delivery_and_enabled_couriers_cheapest_first(shop_a, purwakarta, batam, table):
    OwnDeliveryArea.objects.create(shop=shop_a, regency=batam.regency, fee=15000)
    enable(shop_a, "jne:REG", "jnt:EZ")  # jne:YES has a tariff but is not enabled
    choices = options_for(shop=shop_a, destination_district=batam, parcel=parcel(2500))
    assert summary(choices) == [
        ("pickup", 0, True, "shop"),
        ("own_delivery", 15000, True, "shop"),
        ("jnt:EZ", 25000 + 2 * 20000, True, "table"),
        ("jne:REG", 38000 + 2 * 30000, True, "table"),
    ]
    jne = choices[-1]
    assert (jne.min_days, jne.max_days, jne.label, jne.note) == (3, 5, "JNE Regular (REG)", "")


def test_own_delivery_fee_by_district_before_regency(shop_a, purwakarta):
    OwnDeliveryArea.objects.create(shop=shop_a, regency=purwakarta.regency, fee=12000)
    OwnDeliveryArea.objects.create(shop=shop_a, district=purwakarta, fee=6000)
    choices = options_for(shop=shop_a, destination_district=purwakarta, parcel=parcel())
    assert [(c.key, c.price) for c in choices] == [("pickup", 0), ("own_delivery", 6000)]


def test_a_destination_without_tariff_keeps_the_service_listed_unavailable(shop_a, tegal, table):
    OwnDeliveryArea.objects.create(shop=shop_a, regency=tegal.regency, fee=30000)
    enable(shop_a, "jne:REG")
    choices = options_for(shop=shop_a, destination_district=tegal, parcel=parcel())
    assert summary(choices) == [
        ("pickup", 0, True, "shop"),
        ("own_delivery", 30000, True, "shop"),
        ("jne:REG", None, False, ""),
    ]
    assert choices[-1].note == "No rate for this destination."


def test_only_some_services_priced(shop_a, batam, table):
    enable(shop_a, "jne:REG", "sicepat:REG")
    choices = options_for(shop=shop_a, destination_district=batam, parcel=parcel())
    assert summary(choices)[1:] == [("jne:REG", 38000, True, "table"), ("sicepat:REG", None, False, "")]


def test_a_shop_row_beats_the_deployment_row(shop_a, purwakarta, batam, table):
    tariff(
        purwakarta.regency,
        to=batam.regency,
        courier="jne",
        service="REG",
        first=33000,
        following=1000,
        shop=shop_a,
    )
    enable(shop_a, "jne:REG")
    assert summary(options_for(shop=shop_a, destination_district=batam, parcel=parcel()))[-1] == (
        "jne:REG",
        33000,
        True,
        "table",
    )


def test_unknown_weight_lists_couriers_unavailable(shop_a, batam, table):
    enable(shop_a, "jne:REG")
    choices = options_for(shop=shop_a, destination_district=batam, parcel=None)
    assert summary(choices)[-1] == ("jne:REG", None, False, "")
    assert "weight is unknown" in choices[-1].note


def test_a_shop_without_address_cannot_be_quoted(shop_a, batam, table):
    Shop.objects.filter(pk=shop_a.pk).update(district=None)
    shop_a.refresh_from_db()
    enable(shop_a, "jne:REG")
    assert "no address" in options_for(shop=shop_a, destination_district=batam, parcel=parcel())[-1].note


def test_a_fixed_number_of_queries(shop_a, batam, table):
    enable(shop_a, "jne:REG", "jnt:EZ", "sicepat:REG", "pos:KILAT")
    with CaptureQueriesContext(connection) as queries:
        options_for(shop=shop_a, destination_district=batam, parcel=parcel())
    assert len(queries) <= 6


@pytest.fixture
def biteship(settings, httpserver):
    settings.BITESHIP_API_KEY = "biteship_test.key"
    settings.BITESHIP_BASE_URL = httpserver.url_for("/").rstrip("/")
    settings.KOMERCE_API_KEY = ""
    settings.SHIPPING_PROVIDER_TIMEOUT_SECONDS = 0.5
    return httpserver


def test_provider_prices_when_it_answers(shop_a, batam, table, biteship):
    from shipping.tests.test_providers import BITESHIP_ANSWER

    Shop.objects.filter(pk=shop_a.pk).update(postal_code="41111")
    shop_a.refresh_from_db()
    enable(shop_a, "jne:REG", "jnt:EZ")
    biteship.expect_request("/v1/rates/couriers", method="POST").respond_with_json(BITESHIP_ANSWER)
    choices = options_for(
        shop=shop_a, destination_district=batam, parcel=parcel(), destination_postal_code="29432"
    )
    # Biteship priced JNE REG; J&T EZ was not in its answer, so it is listed unavailable.
    assert summary(choices)[1:] == [("jne:REG", 41000, True, "biteship"), ("jnt:EZ", None, False, "")]


def test_a_provider_down_falls_back_to_the_table_with_a_note(shop_a, batam, table, biteship):
    Shop.objects.filter(pk=shop_a.pk).update(postal_code="41111")
    shop_a.refresh_from_db()
    enable(shop_a, "jne:REG")
    biteship.expect_request("/v1/rates/couriers").respond_with_data("Bad gateway", status=502)
    choices = options_for(
        shop=shop_a, destination_district=batam, parcel=parcel(), destination_postal_code="29432"
    )
    assert [c.key for c in choices] == ["pickup", "jne:REG"]
    assert (choices[-1].price, choices[-1].source, choices[-1].available) == (38000, "table", True)
    assert "Biteship" in choices[-1].note
