"""The rate providers' adapters against a local server answering like their documented API."""

import json
import time
import urllib.parse

import pytest
from werkzeug import Response

from shipping.models import Provider, ProviderArea
from shipping.parcels import ParcelLine, build_parcel
from shipping.rates import Place, quote
from shipping.tests.factories import tariff

# Shaped like Biteship's documented answer to POST /v1/rates/couriers (trimmed to the fields we read and a few more).
BITESHIP_ANSWER = {
    "success": True,
    "object": "courier_pricing",
    "message": "Success to retrieve courier pricing",
    "code": 20001003,
    "origin": {"location_id": None, "postal_code": 41111, "country_name": "Indonesia"},
    "destination": {"location_id": None, "postal_code": 29432, "country_name": "Indonesia"},
    "pricing": [
        {
            "available_for_cash_on_delivery": True,
            "company": "jne",
            "courier_name": "JNE",
            "courier_code": "jne",
            "courier_service_name": "Reguler",
            "courier_service_code": "reg",
            "description": "Layanan reguler",
            "duration": "2 - 3 days",
            "shipment_duration_range": "2 - 3",
            "shipment_duration_unit": "days",
            "service_type": "standard",
            "shipping_type": "parcel",
            "price": 41000,
            "type": "reg",
        },
        {
            "available_for_cash_on_delivery": False,
            "company": "jne",
            "courier_name": "JNE",
            "courier_code": "jne",
            "courier_service_name": "Yakin Esok Sampai",
            "courier_service_code": "yes",
            "description": "Next day",
            "duration": "1 days",
            "shipment_duration_range": "1",
            "shipment_duration_unit": "days",
            "service_type": "overnight",
            "shipping_type": "parcel",
            "price": 76000,
            "type": "yes",
        },
        {
            "company": "sicepat",
            "courier_name": "SiCepat",
            "courier_code": "sicepat",
            "courier_service_name": "Reguler",
            "courier_service_code": "reg",
            "duration": "2 - 4 days",
            "shipment_duration_range": "2 - 4",
            "shipment_duration_unit": "days",
            "price": 36500,
            "type": "reg",
        },
    ],
}

# Shaped like Komerce's documented answer to POST calculate/domestic-cost.
KOMERCE_ANSWER = {
    "meta": {"message": "Success Calculate Domestic Shipping cost", "code": 200, "status": "success"},
    "data": [
        {
            "name": "Jalur Nugraha Ekakurir (JNE)",
            "code": "jne",
            "service": "REG",
            "description": "Layanan Reguler",
            "cost": 40000,
            "etd": "2-3 day",
        },
        {
            "name": "J&T Express",
            "code": "jnt",
            "service": "EZ",
            "description": "Regular Service",
            "cost": 39000,
            "etd": "",
        },
    ],
}


@pytest.fixture
def routes(purwakarta, batam):
    # The offline table the fallback uses.
    tariff(purwakarta.regency, to=batam.regency, courier="jne", service="REG", first=38000, following=30000)
    return Place.of_district(purwakarta, "41111"), Place.of_district(batam, "29432")


@pytest.fixture
def biteship(settings, httpserver):
    settings.BITESHIP_API_KEY = "biteship_test.key"
    settings.BITESHIP_BASE_URL = httpserver.url_for("/").rstrip("/")
    settings.KOMERCE_API_KEY = ""
    settings.SHIPPING_PROVIDER_TIMEOUT_SECONDS = 0.5
    return httpserver


@pytest.fixture
def komerce(settings, httpserver):
    settings.BITESHIP_API_KEY = ""
    settings.KOMERCE_API_KEY = "komerce-test-key"
    settings.KOMERCE_BASE_URL = httpserver.url_for("/api/v1").rstrip("/")
    settings.SHIPPING_PROVIDER_TIMEOUT_SECONDS = 0.5
    return httpserver


def ask(routes, grams=1200, couriers=("jne", "sicepat")):
    origin, destination = routes
    return quote(
        origin=origin,
        destination=destination,
        parcel=build_parcel([ParcelLine(weight_grams=grams, unit_value=50000)]),
        couriers=list(couriers),
    )


def test_biteship_sends_postal_codes_weight_in_grams_and_the_key(biteship, routes):
    biteship.expect_oneshot_request(
        "/v1/rates/couriers",
        method="POST",
        headers={"Authorization": "biteship_test.key"},
        json={
            "couriers": "jne,sicepat",
            "items": [{"name": "Paket", "value": 50000, "weight": 1200, "quantity": 1}],
            "origin_postal_code": 41111,
            "destination_postal_code": 29432,
        },
    ).respond_with_json(BITESHIP_ANSWER)
    quotes = ask(routes)
    biteship.check_assertions()
    assert [(q.courier, q.service, q.price, q.min_days, q.max_days, q.source) for q in quotes] == [
        ("sicepat", "REG", 36500, 2, 4, "biteship"),
        ("jne", "REG", 41000, 2, 3, "biteship"),
        ("jne", "YES", 76000, 1, 1, "biteship"),
    ]
    assert all(q.note == "" for q in quotes)


def test_biteship_uses_the_stored_area_ids_when_the_region_is_mapped(biteship, routes, purwakarta, batam):
    ProviderArea.objects.create(
        provider=Provider.BITESHIP, region_code=purwakarta.code, area_id="IDNP9IDNC22IDND267"
    )
    ProviderArea.objects.create(
        provider=Provider.BITESHIP, region_code=batam.regency.code, area_id="IDNP17IDNC196"
    )
    biteship.expect_oneshot_request("/v1/rates/couriers", method="POST").respond_with_json(BITESHIP_ANSWER)
    ask(routes)
    sent = json.loads(biteship.log[0][0].data)
    assert sent["origin_area_id"] == "IDNP9IDNC22IDND267"
    assert sent["destination_area_id"] == "IDNP17IDNC196"
    assert "origin_postal_code" not in sent


def test_only_the_services_asked_for_come_back_from_the_provider(biteship, routes):
    biteship.expect_request("/v1/rates/couriers", method="POST").respond_with_json(BITESHIP_ANSWER)
    assert [q.key for q in ask(routes, couriers=["jne:YES"])] == ["jne:YES"]


def test_a_provider_answer_is_cached_briefly(biteship, routes):
    biteship.expect_request("/v1/rates/couriers", method="POST").respond_with_json(BITESHIP_ANSWER)
    first = ask(routes)
    second = ask(routes)
    assert first == second
    assert len(biteship.log) == 1
    ask(routes, grams=3000)  # another parcel is another question
    assert len(biteship.log) == 2


def assert_table_fallback(quotes, provider="Biteship"):
    assert [(q.courier, q.service, q.price, q.source) for q in quotes] == [("jne", "REG", 38000, "table")]
    assert provider in quotes[0].note


def test_a_slow_provider_falls_back_to_the_table_within_the_timeout(biteship, routes):
    def slow(request):
        time.sleep(1.5)
        return Response(json.dumps(BITESHIP_ANSWER), content_type="application/json")

    biteship.expect_request("/v1/rates/couriers", method="POST").respond_with_handler(slow)
    started = time.monotonic()
    quotes = ask(routes)
    assert time.monotonic() - started < 1.4
    assert_table_fallback(quotes)


def test_a_provider_that_is_down_falls_back_to_the_table(biteship, routes):
    biteship.expect_request("/v1/rates/couriers").respond_with_data("Bad gateway", status=502)
    assert_table_fallback(ask(routes))


def test_a_provider_error_500_falls_back_and_is_not_cached(biteship, routes):
    biteship.expect_oneshot_request("/v1/rates/couriers").respond_with_data("oops", status=500)
    assert_table_fallback(ask(routes))
    biteship.expect_oneshot_request("/v1/rates/couriers").respond_with_json(BITESHIP_ANSWER)
    assert {q.source for q in ask(routes)} == {"biteship"}


def test_malformed_json_falls_back_to_the_table(biteship, routes):
    biteship.expect_request("/v1/rates/couriers").respond_with_data(
        '{"success": true, "pricing": [', content_type="application/json"
    )
    assert_table_fallback(ask(routes))


@pytest.mark.parametrize(
    "answer",
    [
        {"success": False, "error": "Invalid API key", "code": 40101001},
        {
            "success": True,
            "pricing": [{"courier_code": "jne", "courier_service_code": "reg", "price": "gratis"}],
        },
        {"success": True},
        ["not", "an", "object"],
    ],
)
def test_a_refusal_or_an_answer_of_the_wrong_shape_falls_back_to_the_table(biteship, routes, answer):
    biteship.expect_request("/v1/rates/couriers").respond_with_json(answer)
    assert_table_fallback(ask(routes))


def test_without_any_key_the_table_answers_and_no_provider_is_called(settings, httpserver, routes):
    settings.BITESHIP_API_KEY = settings.KOMERCE_API_KEY = ""
    quotes = ask(routes)
    assert [(q.price, q.source, q.note) for q in quotes] == [(38000, "table", "")]
    assert httpserver.log == []


def test_komerce_posts_its_ids_weight_in_grams_and_couriers_by_colons(komerce, routes, purwakarta, batam):
    ProviderArea.objects.create(
        provider=Provider.KOMERCE, region_code=purwakarta.regency.code, area_id="31555"
    )
    ProviderArea.objects.create(provider=Provider.KOMERCE, region_code=batam.code, area_id="17473")
    komerce.expect_oneshot_request(
        "/api/v1/calculate/domestic-cost", method="POST", headers={"key": "komerce-test-key"}
    ).respond_with_json(KOMERCE_ANSWER)
    quotes = ask(routes, grams=1700, couriers=["jne", "jnt"])
    komerce.check_assertions()
    sent = urllib.parse.parse_qs(komerce.log[0][0].get_data(as_text=True))
    assert sent == {
        "origin": ["31555"],
        "destination": ["17473"],
        "weight": ["1700"],
        "courier": ["jne:jnt"],
        "price": ["lowest"],
    }
    assert [(q.courier, q.service, q.price, q.min_days, q.max_days, q.source) for q in quotes] == [
        ("jnt", "EZ", 39000, None, None, "komerce"),
        ("jne", "REG", 40000, 2, 3, "komerce"),
    ]


def test_komerce_without_a_stored_id_falls_back_without_asking(komerce, routes):
    assert_table_fallback(ask(routes, couriers=["jne"]), provider="Komerce")
    assert komerce.log == []


def test_komerce_error_meta_falls_back_to_the_table(komerce, routes, purwakarta, batam):
    ProviderArea.objects.create(
        provider=Provider.KOMERCE, region_code=purwakarta.regency.code, area_id="31555"
    )
    ProviderArea.objects.create(provider=Provider.KOMERCE, region_code=batam.regency.code, area_id="17472")
    komerce.expect_request("/api/v1/calculate/domestic-cost").respond_with_json(
        {"meta": {"message": "Invalid Api key, key not found", "code": 401, "status": "error"}, "data": None},
        status=401,
    )
    assert_table_fallback(ask(routes, couriers=["jne"]), provider="Komerce")


def test_a_provider_that_refuses_the_connection_falls_back_to_the_table(settings, routes):
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.BITESHIP_API_KEY = "biteship_test.key"
    settings.BITESHIP_BASE_URL = f"http://127.0.0.1:{port}"
    assert_table_fallback(ask(routes))
