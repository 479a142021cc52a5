"""Checkout offers each shop's shipping from the shipping app and orders keep what was chosen.

The shops of the cast offer pick-up, own delivery in their regency (Rp10.000) and JNE REG from
their own tariff (Rp9.000 the first kilogram, Rp5.000 each further one, 2–4 days) to the
provinces of Purwakarta and Batam. Pages are in Indonesian, the site's language.
"""

import importlib
import json
import re
import time

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from werkzeug import Response

from catalog.models import ProductVariant
from catalog.tests.factories import region
from orders import pricing, selectors, services
from orders.models import Checkout, Order
from orders.tests.factories import BATAM, cart_with, courier_tariff, make_address, make_product, make_shop
from orders.tests.test_checkout_totals import form_data, page_total, seen_total
from shipping.models import OwnDeliveryArea, ShopCourierService, ShopShippingProfile, Tariff
from vendors.models import CourierRate, Shop

pytestmark = pytest.mark.django_db

TEGAL = ("33.76.01", "Tegal Barat", "Kota Tegal", "Jawa Tengah")  # no tariff goes there


@pytest.fixture(autouse=True)
def empty_cache():
    """Provider answers and pauses are cached; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def options_of(response, shop):
    """(key, label, fee or reason, days, enabled) of one shop's listed shipping options."""
    block = re.search(rf'data-shipping-options="{shop.pk}">(.*?)</fieldset>', response.text, re.S).group(1)
    found = []
    for label in re.findall(r'<label class="shipping-option[^"]*">(.*?)</label>', block, re.S):
        key = re.search(r'value="([^"]+)"', label).group(1)
        name = re.search(r'class="option-name">([^<]+)<', label).group(1)
        fee = re.search(r'class="option-(?:fee|why)">([^<]+)<', label).group(1)
        days = re.search(r'class="option-days">([^<]+)<', label)
        found.append((key, name, fee, days.group(1) if days else "", "disabled" not in label))
    return found


def post(client, response, **changes):
    """The page's form posted as it is, with `changes` (a hand-made post: nothing recalculated)."""
    data = {**form_data(response), **changes}
    return client.post("/checkout/", {name: value for name, value in data.items() if value is not None})


def place(client, response, **choices):
    """What a buyer does: pick options, see the new total ("Recalculate"), place the order."""
    if choices:
        response = post(client, response, **choices, recalculate="1")
    return post(client, response)


# --- What the buyer sees ------------------------------------------------------------------------


def test_each_shop_lists_pickup_own_delivery_and_its_couriers_with_price_and_days(
    buyer_client, buyer, address, product_a, product_b
):
    ShopCourierService.objects.create(shop=product_b.shop, service="jnt:EZ")
    courier_tariff(product_b.shop, to_province="32", service="jnt:EZ", first=7_000, days=(3, 3))
    cart_with(buyer, (product_a, 2), (product_b, 1))

    response = buyer_client.get("/checkout/")

    assert options_of(response, product_a.shop) == [
        ("pickup", "Ambil di toko", "Rp0", "", True),
        ("own_delivery", "Diantar oleh toko", "Rp10.000", "", True),
        ("jne:REG", "JNE Reguler (REG)", "Rp9.000", "2–4 hari", True),
    ]
    assert options_of(response, product_b.shop) == [  # Batam to Purwakarta: no own delivery
        ("pickup", "Ambil di toko", "Rp0", "", True),
        ("jnt:EZ", "J&amp;T Express EZ", "Rp7.000", "3 hari", True),
        ("jne:REG", "JNE Reguler (REG)", "Rp9.000", "2–4 hari", True),
    ]


def test_chargeable_weight_is_the_heavier_of_actual_and_volumetric_per_shop(
    buyer_client, buyer, address, shop_a, shop_b
):
    # 40 × 30 × 20 cm = 24,000 cm³ = 4 kg volumetric, though it weighs 500 g: pays 4 kg.
    pillow = make_product(shop_a, weight_grams=500, length_cm=40, width_cm=30, height_cm=20)
    # A variant's own weight wins over its product's: 2 × 1.2 kg = 2.4 kg pays 3 kg.
    cloth = make_product(shop_b, weight_grams=100)
    heavy = ProductVariant.objects.filter(product=cloth).get()
    heavy.weight_grams = 1_200
    heavy.save(update_fields=["weight_grams"])
    cart_with(buyer, (pillow, 1), (cloth, 2, heavy))

    response = buyer_client.get("/checkout/")

    assert options_of(response, shop_a)[-1][:3] == ("jne:REG", "JNE Reguler (REG)", "Rp24.000")
    assert options_of(response, shop_b)[-1][:3] == ("jne:REG", "JNE Reguler (REG)", "Rp19.000")
    couriers = {f"shipping_{shop.pk}": "jne:REG" for shop in (shop_a, shop_b)}
    response = buyer_client.post("/checkout/", {**form_data(response), **couriers, "recalculate": "1"})
    placed = place(buyer_client, response)

    assert placed.status_code == 302
    orders = {o.shop_id: o for o in Order.objects.all()}
    assert (orders[shop_a.pk].chargeable_weight_kg, orders[shop_a.pk].shipping_fee) == (4, 24_000)
    assert (orders[shop_b.pk].chargeable_weight_kg, orders[shop_b.pk].shipping_fee) == (3, 19_000)
    assert orders[shop_b.pk].weight_grams == 2_400
    assert Checkout.objects.get().total == pillow.price + 2 * heavy.price + 24_000 + 19_000


def test_an_order_keeps_the_chosen_option_courier_service_fee_days_and_weight(
    buyer_client, buyer, address, product_b
):
    cart_with(buyer, (product_b, 3))  # 3 × 400 g = 1.2 kg: within the tolerance, pays 1 kg

    response = place(
        buyer_client, buyer_client.get("/checkout/"), **{f"shipping_{product_b.shop_id}": "jne:REG"}
    )

    assert response.status_code == 302
    order = Order.objects.get()
    assert (
        order.shipping_method,
        order.shipping_option,
        order.courier,
        order.courier_service,
        order.shipping_fee,
        order.shipping_min_days,
        order.shipping_max_days,
        order.chargeable_weight_kg,
        order.weight_grams,
    ) == ("courier", "jne:REG", "JNE", "REG", 9_000, 2, 4, 1, 1_200)


def test_pickup_and_own_delivery_keep_their_key_and_no_courier(buyer, address, product_a):
    from orders.tests.factories import buy

    order = buy(buyer, (product_a, 1), address=address, shipping="own_delivery").orders.get()

    assert (order.shipping_method, order.shipping_option, order.courier, order.chargeable_weight_kg) == (
        "own_delivery",
        "own_delivery",
        "",
        None,
    )


def test_own_delivery_fee_of_the_district_beats_the_regency(buyer_client, buyer, address, product_a):
    OwnDeliveryArea.objects.create(shop=product_a.shop, district=address.district, fee=4_000)
    cart_with(buyer, (product_a, 1))

    response = buyer_client.get("/checkout/")

    assert ("own_delivery", "Diantar oleh toko", "Rp4.000", "", True) in options_of(response, product_a.shop)


# --- Weights couriers cannot take ----------------------------------------------------------------


def test_a_product_without_weight_uses_the_shops_default_weight(buyer_client, buyer, address, shop_a):
    product = make_product(shop_a, weight_grams=0, name="Sambal Roa")
    ShopShippingProfile.objects.create(shop=shop_a, default_weight_grams=1_600)  # pays 2 kg
    cart_with(buyer, (product, 1))

    response = buyer_client.get("/checkout/")

    assert options_of(response, shop_a)[-1][:3] == ("jne:REG", "JNE Reguler (REG)", "Rp14.000")


@pytest.mark.parametrize(
    ("weight", "reason"),
    [
        (0, "“Sambal Roa” belum punya berat"),
        (1_000_000, "“Sambal Roa” terlalu berat untuk paket kurir."),  # 1,000 kg typed by mistake
    ],
)
def test_a_weight_couriers_cannot_take_lists_them_unavailable_and_refuses_them(
    buyer_client, buyer, address, shop_a, weight, reason
):
    product = make_product(shop_a, weight_grams=weight, name="Sambal Roa")
    cart_with(buyer, (product, 1))

    page = buyer_client.get("/checkout/")
    listed = options_of(page, shop_a)
    response = post(buyer_client, page, **{f"shipping_{shop_a.pk}": "jne:REG"})

    assert [(key, enabled) for key, *_, enabled in listed] == [
        ("pickup", True),
        ("own_delivery", True),
        ("jne:REG", False),
    ]
    assert reason in listed[-1][2]
    assert response.status_code == 200
    assert "Pilih salah satu opsi pengiriman toko ini." in response.text
    assert not Checkout.objects.exists()
    assert place(buyer_client, page).status_code == 302  # pick-up still works


def test_a_destination_without_a_rate_says_so_and_keeps_the_other_options(buyer_client, buyer, product_a):
    make_address(buyer, where=TEGAL)
    cart_with(buyer, (product_a, 1))

    page = buyer_client.get("/checkout/")

    assert options_of(page, product_a.shop) == [
        ("pickup", "Ambil di toko", "Rp0", "", True),
        ("jne:REG", "JNE Reguler (REG)", "Tidak ada tarif untuk tujuan ini.", "", False),
    ]
    assert page_total(page) == "Rp15.000"


def test_a_shop_with_no_option_for_the_address_says_so(buyer_client, buyer, product_b):
    Shop.objects.filter(pk=product_b.shop_id).update(pickup_enabled=False)
    make_address(buyer, where=TEGAL)
    cart_with(buyer, (product_b, 1))

    page = buyer_client.get("/checkout/")
    response = place(buyer_client, page)

    assert "Toko ini tidak mengirim ke alamat ini" in page.text
    assert response.status_code == 200
    assert not Checkout.objects.exists()


# --- Tampering and fees that change ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["jne:YES", "courier", "pickup ", "own_delivery", "jne:REG'--", ""])
def test_an_option_the_shop_does_not_offer_here_is_refused_with_a_message(
    buyer_client, buyer, product_b, key
):
    make_address(buyer, where=TEGAL)  # no tariff, no own delivery of shop B there
    cart_with(buyer, (product_b, 1))

    response = post(buyer_client, buyer_client.get("/checkout/"), **{f"shipping_{product_b.shop_id}": key})

    assert response.status_code == 200
    assert "Pilih salah satu opsi pengiriman toko ini." in response.text
    assert not Checkout.objects.exists()


def test_a_fee_posted_by_the_browser_is_never_charged(buyer_client, buyer, address, product_b):
    cart_with(buyer, (product_b, 1))
    page = buyer_client.get("/checkout/")
    forged = {
        f"shipping_{product_b.shop_id}": "jne:REG",
        f"shipping_fee_{product_b.shop_id}": "1",
        "shipping_fee": "1",
        "fee": "1",
    }

    refused = post(buyer_client, page, **forged, seen_total="250001")
    assert refused.status_code == 200 and not Checkout.objects.exists()
    assert "Total sekarang Rp259.000, bukan Rp250.001" in refused.text

    placed = post(buyer_client, refused, **forged)

    assert placed.status_code == 302
    assert Order.objects.get().shipping_fee == 9_000


def test_an_edited_tariff_between_page_and_submit_shows_the_new_total_and_asks_again(
    buyer_client, buyer, address, product_a, product_b
):
    cart_with(buyer, (product_a, 1), (product_b, 1))
    page = buyer_client.post(
        "/checkout/",
        {
            **form_data(buyer_client.get("/checkout/")),
            f"shipping_{product_a.shop_id}": "jne:REG",
            f"shipping_{product_b.shop_id}": "jne:REG",
            "recalculate": "1",
        },
    )
    assert seen_total(page) == 15_000 + 250_000 + 2 * 9_000
    Tariff.objects.filter(shop=product_b.shop).update(first_kg_fee=11_000)

    asked = post(buyer_client, page)

    assert asked.status_code == 200 and not Checkout.objects.exists()
    assert "Total sekarang Rp285.000, bukan Rp283.000" in asked.text
    assert options_of(asked, product_b.shop)[-1][:3] == ("jne:REG", "JNE Reguler (REG)", "Rp11.000")
    assert form_data(asked)[f"shipping_{product_b.shop_id}"] == "jne:REG"  # the choice is kept

    assert post(buyer_client, asked).status_code == 302
    assert sorted(Order.objects.values_list("shipping_fee", flat=True)) == [9_000, 11_000]


def test_placing_the_order_reads_each_shops_shipping_rows_once(
    buyer_client, buyer, address, product_a, product_b
):
    cart_with(buyer, (product_a, 1), (product_b, 1))
    page = buyer_client.get("/checkout/")

    with CaptureQueriesContext(connection) as placing:
        response = post(buyer_client, page)

    assert response.status_code == 302
    # The form's check read them; the cart under its lock makes the same parcels, so they are kept.
    tariff_reads = [q for q in placing.captured_queries if 'FROM "shipping_tariff"' in q["sql"]]
    assert len(tariff_reads) == 2


def priced_now(cart, address):
    """The cart's shipping as the checkout form's check prices it."""
    return pricing.price_shipping(selectors.group_by_shop(selectors.cart_lines(cart)), address)


def place_by_courier(buyer, cart, address, priced):
    shop_id = cart.items.get().product.shop_id
    return services.place_order(
        buyer=buyer,
        cart=cart,
        address=address,
        choices={shop_id: services.ShopChoice("jne:REG", "transfer")},
        token="placed",
        priced=priced,
    )


def test_a_parcel_grown_after_the_forms_check_is_priced_again_under_the_cart_lock(buyer, address, product_b):
    # Another tab adds units between the form's check and the cart lock: the fee is the new parcel's.
    cart = cart_with(buyer, (product_b, 1))
    priced = priced_now(cart, address)
    assert [o.fee for o in priced.options[product_b.shop_id] if o.key == "jne:REG"] == [9_000]
    ProductVariant.objects.filter(product=product_b).update(stock=10)
    cart.items.update(quantity=5)  # 5 × 400 g = 2 kg

    order = place_by_courier(buyer, cart, address, priced).orders.get()

    assert (order.shipping_fee, order.weight_grams) == (9_000 + 5_000, 2_000)


def test_another_address_than_the_one_priced_is_priced_for_itself(buyer, address, product_b):
    cart = cart_with(buyer, (product_b, 1))
    priced = priced_now(cart, address)
    tegal = make_address(buyer, where=TEGAL)  # no tariff goes there

    with pytest.raises(services.CheckoutError) as refused:
        place_by_courier(buyer, cart, tegal, priced)

    assert refused.value.code == "shipping"
    assert not Checkout.objects.exists()


def test_a_service_that_lost_its_rate_before_submit_is_refused_and_the_page_shown_again(
    buyer_client, buyer, address, product_b
):
    cart_with(buyer, (product_b, 1))
    page = post(
        buyer_client,
        buyer_client.get("/checkout/"),
        **{f"shipping_{product_b.shop_id}": "jne:REG"},
        recalculate="1",
    )
    Tariff.objects.filter(shop=product_b.shop).delete()

    response = post(buyer_client, page)

    assert response.status_code == 200
    assert not Checkout.objects.exists()
    assert ("jne:REG", "JNE Reguler (REG)", "Tidak ada tarif untuk tujuan ini.", "", False) in options_of(
        response, product_b.shop
    )


# --- The page's script ------------------------------------------------------------------------------


def test_the_quote_endpoint_prices_another_service(buyer_client, buyer, address, product_b):
    ShopCourierService.objects.create(shop=product_b.shop, service="sicepat:REG")
    courier_tariff(product_b.shop, to_province="32", service="sicepat:REG", first=12_500)
    cart_with(buyer, (product_b, 1))
    data = form_data(buyer_client.get("/checkout/"))

    answers = {
        key: buyer_client.post("/checkout/hitung/", {**data, f"shipping_{product_b.shop_id}": key}).json()
        for key in ("jne:REG", "sicepat:REG", "sicepat:BEST")
    }

    assert answers["jne:REG"]["grand_total"] == "Rp259.000"
    assert answers["sicepat:REG"]["grand_total"] == "Rp262.500"
    assert answers["sicepat:REG"]["shops"][str(product_b.shop_id)]["option"] == "sicepat:REG"
    assert answers["sicepat:BEST"]["shops"][str(product_b.shop_id)] == {
        "shipping": "—",
        "option": "",
        "total": "Rp250.000",
    }


# --- Rate providers during checkout ----------------------------------------------------------------

BITESHIP_ANSWER = {
    "success": True,
    "pricing": [
        {
            "courier_code": "jne",
            "courier_service_code": "reg",
            "price": 12000,
            "shipment_duration_range": "1 - 2",
        }
    ],
}


@pytest.fixture
def biteship(settings, httpserver):
    settings.BITESHIP_API_KEY = "biteship_test.key"
    settings.BITESHIP_BASE_URL = httpserver.url_for("/").rstrip("/")
    settings.KOMERCE_API_KEY = ""
    settings.SHIPPING_PROVIDER_TIMEOUT_SECONDS = 0.5
    return httpserver


def with_postal_codes():
    """Biteship prices by postal code when no area id is stored."""
    Shop.objects.update(postal_code="41111")


def test_a_provider_price_is_offered_and_stored(biteship, buyer_client, buyer, address, product_b):
    biteship.expect_request("/v1/rates/couriers", method="POST").respond_with_json(BITESHIP_ANSWER)
    with_postal_codes()
    cart_with(buyer, (product_b, 1))

    page = buyer_client.get("/checkout/")
    placed = place(buyer_client, page, **{f"shipping_{product_b.shop_id}": "jne:REG"})

    assert options_of(page, product_b.shop)[-1] == (
        "jne:REG",
        "JNE Reguler (REG)",
        "Rp12.000",
        "1–2 hari",
        True,
    )
    assert placed.status_code == 302
    order = Order.objects.get()
    assert (order.shipping_fee, order.shipping_min_days, order.shipping_max_days) == (12_000, 1, 2)
    assert json.loads(biteship.log[0][0].data)["items"][0]["weight"] == 400


@pytest.mark.parametrize(
    "failure",
    [
        Response("oops", status=500),
        Response('{"success": true, "pricing": [', content_type="application/json"),
        Response(
            json.dumps({"success": True, "pricing": [{"courier_code": "jne"}]}),
            content_type="application/json",
        ),
    ],
    ids=["500", "not-json", "wrong-shape"],
)
def test_a_failing_provider_falls_back_to_the_table_with_a_note(
    biteship, buyer_client, buyer, address, product_b, failure
):
    biteship.expect_request("/v1/rates/couriers").respond_with_response(failure)
    with_postal_codes()
    cart_with(buyer, (product_b, 1))

    page = buyer_client.get("/checkout/")
    placed = place(buyer_client, page, **{f"shipping_{product_b.shop_id}": "jne:REG"})

    assert page.status_code == 200
    assert "Harga langsung dari Biteship sedang tidak tersedia" in page.text
    assert options_of(page, product_b.shop)[-1][:3] == ("jne:REG", "JNE Reguler (REG)", "Rp9.000")
    assert placed.status_code == 302
    assert Order.objects.get().shipping_fee == 9_000


def test_a_slow_provider_holds_a_three_shop_checkout_for_one_timeout_only(
    biteship, buyer_client, buyer, address, product_a, product_b, caplog
):
    def slow(request):
        time.sleep(2)
        return Response(json.dumps(BITESHIP_ANSWER), content_type="application/json")

    biteship.expect_request("/v1/rates/couriers").respond_with_handler(slow)
    third = make_product(make_shop(make_user_for("citra"), name="Kopi Bu Citra", where=BATAM))
    with_postal_codes()
    cart_with(buyer, (product_a, 1), (product_b, 1), (third, 1))

    started = time.monotonic()
    page = buyer_client.get("/checkout/")
    elapsed = time.monotonic() - started

    assert page.status_code == 200
    assert elapsed < 1.5  # one 0.5 s timeout, not one per shop
    assert page.text.count("Harga langsung dari Biteship sedang tidak tersedia") == 3
    warnings = [r.getMessage() for r in caplog.records if r.name == "shipping.rates"]
    assert [w.rpartition(": ")[2] for w in warnings] == [
        "timed out",
        "paused after a timeout",
        "paused after a timeout",
    ]


def make_user_for(name):
    from conftest import make_user

    return make_user(f"{name}@example.com", first_name=name.title())


# --- The old per-province rates ----------------------------------------------------------------------


def test_the_old_province_rates_and_own_delivery_fee_are_copied_into_the_shipping_app(shop_a_owner):
    migration = importlib.import_module("shipping.migrations.0004_copy_old_courier_rates_and_own_delivery")
    shop = make_shop(shop_a_owner, name="Toko Lama", own_delivery_fee=None)
    ShopCourierService.objects.filter(shop=shop).delete()
    Tariff.objects.filter(shop=shop).delete()
    Shop.objects.filter(pk=shop.pk).update(own_delivery_fee=12_000)
    CourierRate.objects.create(shop=shop, province_id="21", first_kg_fee=18_000, next_kg_fee=12_000)
    free = region(*TEGAL).regency.province_id
    CourierRate.objects.create(shop=shop, province_id=free, first_kg_fee=0, next_kg_fee=0)

    for _ in range(2):  # running it again adds nothing
        migration.copy_settings(apps, None)

    tariff = Tariff.objects.get(shop=shop)
    assert (
        tariff.origin_id,
        tariff.destination_province_id,
        tariff.courier,
        tariff.service,
        tariff.first_kg_fee,
        tariff.next_kg_fee,
        tariff.min_days,
        tariff.max_days,
    ) == ("32.14", "21", "jne", "REG", 18_000, 12_000, 2, 5)
    assert list(ShopCourierService.objects.filter(shop=shop).values_list("service", flat=True)) == ["jne:REG"]
    area = OwnDeliveryArea.objects.get(shop=shop)
    assert (area.regency_id, area.district_id, area.fee) == ("32.14", None, 12_000)


# --- Queries ------------------------------------------------------------------------------------------


def test_the_checkout_page_queries_do_not_grow_with_the_items(
    buyer_client, buyer, address, shop_a, shop_b, django_assert_max_num_queries
):
    cart_with(buyer, *[(make_product(shop), 1) for shop in (shop_a, shop_b) for _ in range(6)])

    with django_assert_max_num_queries(14):  # the same as for one item per shop
        response = buyer_client.get("/checkout/")

    assert len(response.context["form"].groups) == 2


def test_the_buyer_and_the_seller_see_the_chosen_service_on_the_order(
    client, buyer, address, product_b, password, shop_b_owner
):
    from orders.tests.factories import buy

    order = buy(buyer, (product_b, 1), address=address, shipping="jne:REG").orders.get()
    seen = []
    for user, url in ((buyer, f"/pesanan/{order.number}/"), (shop_b_owner, None)):
        client.force_login(user)
        url = url or f"/dashboard/{product_b.shop.slug}/pesanan/{order.number}/"
        seen.append(client.get(url).text)

    for text in seen:
        assert "Kurir: JNE REG · 2–4 hari · 1 kg" in text
