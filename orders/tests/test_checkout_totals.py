"""The checkout page shows what the buyer will pay, shipping included, before they commit."""

import re

import pytest
from django.test import Client

from orders.models import Checkout, Order
from orders.tests.factories import BATAM, cart_with, make_address
from shipping.models import Tariff

pytestmark = pytest.mark.django_db


def page_total(response, key="grand_total"):
    return re.search(rf'data-total="{key}">([^<]+)<', response.text).group(1)


def shop_figure(response, what, shop):
    return re.search(rf'data-shop-{what}="{shop.pk}">([^<]+)<', response.text).group(1)


def seen_total(response):
    return int(re.search(r'name="seen_total" value="(\d+)"', response.text).group(1))


def form_data(response):
    """The checkout form as the browser would post it: hidden fields and checked radios."""
    form = response.context["form"]
    data = {"token": form["token"].value(), "address": response.context["address"].pk}
    data["seen_total"] = seen_total(response)
    for group in form.groups:
        pk = group.shop.pk
        data[f"shipping_{pk}"] = form[f"shipping_{pk}"].value()
        data[f"payment_{pk}"] = form[f"payment_{pk}"].value()
        data[f"note_{pk}"] = form[f"note_{pk}"].value() or ""
    return data


def test_the_page_shows_the_grand_total_with_each_shops_first_shipping_option(
    buyer_client, buyer, address, product_a, product_b
):
    cart_with(buyer, (product_a, 2), (product_b, 1))
    Tariff.objects.filter(shop=product_b.shop).update(first_kg_fee=12_000)
    # Shop B starts with pick-up too: make courier its only option to see a fee from the start.
    type(product_b.shop).objects.filter(pk=product_b.shop_id).update(pickup_enabled=False)

    response = buyer_client.get("/checkout/")

    assert response.status_code == 200
    assert shop_figure(response, "shipping", product_a.shop) == "Rp0"  # pick-up
    assert shop_figure(response, "total", product_a.shop) == "Rp30.000"
    assert shop_figure(response, "shipping", product_b.shop) == "Rp12.000"
    assert shop_figure(response, "total", product_b.shop) == "Rp262.000"
    assert page_total(response, "items") == "Rp280.000"
    assert page_total(response, "shipping") == "Rp12.000"
    assert page_total(response) == "Rp292.000"
    assert seen_total(response) == 292_000


def test_recalculate_without_javascript_shows_new_totals_and_keeps_what_was_typed(
    buyer_client, buyer, address, product_a, product_b
):
    cart_with(buyer, (product_a, 2), (product_b, 1))
    data = form_data(buyer_client.get("/checkout/"))
    data.update(
        {
            f"shipping_{product_a.shop_id}": "own_delivery",
            f"shipping_{product_b.shop_id}": "jne:REG",
            f"payment_{product_a.shop_id}": "cod",
            f"note_{product_a.shop_id}": "Jangan terlalu pedas <b>ya</b>",
            "recalculate": "1",
        }
    )

    response = buyer_client.post("/checkout/", data)

    assert response.status_code == 200
    assert not Checkout.objects.exists()
    assert shop_figure(response, "shipping", product_a.shop) == "Rp10.000"
    assert shop_figure(response, "shipping", product_b.shop) == "Rp9.000"
    assert page_total(response) == "Rp299.000"  # 30.000 + 10.000 + 250.000 + 9.000
    assert seen_total(response) == 299_000
    form = response.context["form"]
    assert form["token"].value() == data["token"]  # the same form: placing it stays idempotent
    assert form[f"shipping_{product_a.shop_id}"].value() == "own_delivery"
    assert form[f"payment_{product_a.shop_id}"].value() == "cod"
    assert "Jangan terlalu pedas &lt;b&gt;ya&lt;/b&gt;" in response.text
    assert re.search(rf'name="shipping_{product_a.shop_id}" value="own_delivery"[^>]*checked', response.text)


def test_recalculate_with_another_address_offers_that_addresss_options(
    buyer_client, buyer, address, product_a
):
    batam = make_address(buyer, where=BATAM, recipient="Rina")
    cart_with(buyer, (product_a, 1))
    data = form_data(buyer_client.get("/checkout/"))
    data.update({"address": batam.pk, f"shipping_{product_a.shop_id}": "own_delivery", "recalculate": "1"})

    response = buyer_client.post("/checkout/", data)

    form = response.context["form"]
    assert response.context["address"] == batam
    assert [c[0] for c in form.fields[f"shipping_{product_a.shop_id}"].choices] == ["pickup", "jne:REG"]
    # Own delivery does not reach Batam: the shop's first option is chosen again, not an error.
    assert form[f"shipping_{product_a.shop_id}"].value() == "pickup"
    assert not form.is_bound
    assert page_total(response) == "Rp15.000"


def test_placing_the_total_the_buyer_saw_creates_the_orders(
    buyer_client, buyer, address, product_a, product_b
):
    cart_with(buyer, (product_a, 2), (product_b, 1))
    data = form_data(buyer_client.get("/checkout/"))
    data.update({f"shipping_{product_b.shop_id}": "jne:REG", "recalculate": "1"})
    data = form_data(buyer_client.post("/checkout/", data))

    response = buyer_client.post("/checkout/", data)

    checkout = Checkout.objects.get()
    assert response["Location"] == f"/checkout/{checkout.pk}/"
    assert checkout.total == data["seen_total"] == 289_000


def test_a_total_that_changed_since_the_page_was_shown_is_shown_and_asked_again(
    buyer_client, buyer, address, product_b
):
    cart_with(buyer, (product_b, 1))
    data = form_data(buyer_client.get("/checkout/"))
    data.update({f"shipping_{product_b.shop_id}": "jne:REG", "recalculate": "1"})
    data = form_data(buyer_client.post("/checkout/", data))
    data[f"note_{product_b.shop_id}"] = "Tolong dibungkus rapi"
    assert data["seen_total"] == 259_000
    # The shop raises its courier rate while the buyer reads the page.
    Tariff.objects.filter(shop=product_b.shop).update(first_kg_fee=20_000)

    response = buyer_client.post("/checkout/", data)

    assert response.status_code == 200
    assert not Checkout.objects.exists()
    assert "Total sekarang Rp270.000, bukan Rp259.000" in response.text
    assert page_total(response) == "Rp270.000"
    assert seen_total(response) == 270_000
    assert response.context["form"][f"note_{product_b.shop_id}"].value() == "Tolong dibungkus rapi"

    placed = buyer_client.post("/checkout/", form_data(response))

    checkout = Checkout.objects.get()
    assert placed["Location"] == f"/checkout/{checkout.pk}/"
    order = checkout.orders.get()
    assert (order.shipping_fee, order.total, order.note) == (20_000, 270_000, "Tolong dibungkus rapi")


@pytest.mark.parametrize("claimed", ["1", "0", "999999999"])
def test_a_total_sent_by_the_browser_never_sets_what_is_charged(
    buyer_client, buyer, address, product_a, claimed
):
    cart_with(buyer, (product_a, 2))
    data = form_data(buyer_client.get("/checkout/"))
    data["seen_total"] = claimed

    response = buyer_client.post("/checkout/", data)

    assert response.status_code == 200
    assert not Order.objects.exists()
    assert page_total(response) == "Rp30.000"


@pytest.mark.parametrize("claimed", ["-5", "satu juta"])
def test_a_malformed_total_is_a_form_error_not_a_crash(buyer_client, buyer, address, product_a, claimed):
    cart_with(buyer, (product_a, 1))
    data = form_data(buyer_client.get("/checkout/"))
    data["seen_total"] = claimed

    response = buyer_client.post("/checkout/", data)

    assert response.status_code == 200
    assert not Order.objects.exists()


def test_a_post_without_a_seen_total_is_charged_the_servers_totals(buyer_client, buyer, address, product_a):
    cart_with(buyer, (product_a, 2))
    data = form_data(buyer_client.get("/checkout/"))
    del data["seen_total"]

    buyer_client.post("/checkout/", data)

    assert Order.objects.get().total == 30_000


# --- The page's script asks the server for the totals ------------------------------------------


def test_the_quote_endpoint_prices_the_posted_choices(buyer_client, buyer, address, product_a, product_b):
    cart_with(buyer, (product_a, 2), (product_b, 1))
    data = form_data(buyer_client.get("/checkout/"))
    data.update({f"shipping_{product_a.shop_id}": "jne:REG", f"shipping_{product_b.shop_id}": "teleport"})

    response = buyer_client.post("/checkout/hitung/", data)

    assert response.status_code == 200
    assert response.json() == {
        "total": 289_000,
        "items": "Rp280.000",
        "shipping": "Rp9.000",
        "grand_total": "Rp289.000",
        "shops": {
            str(product_a.shop_id): {"shipping": "Rp9.000", "option": "jne:REG", "total": "Rp39.000"},
            str(product_b.shop_id): {"shipping": "—", "option": "", "total": "Rp250.000"},  # not an option
        },
    }
    assert not Checkout.objects.exists()


def test_the_quote_endpoint_is_for_the_buyers_own_post_only(buyer_client, buyer, address, product_a):
    cart_with(buyer, (product_a, 1))

    assert Client().post("/checkout/hitung/", {})["Location"].startswith("/accounts/login/")
    assert buyer_client.get("/checkout/hitung/").status_code == 405


def test_the_quote_endpoint_with_an_empty_cart_asks_for_a_reload(buyer_client, buyer, address):
    response = buyer_client.post("/checkout/hitung/", {})

    assert response.status_code == 409
    assert "error" in response.json()


def test_the_quote_endpoint_ignores_another_users_address(
    buyer_client, buyer, address, product_a, make_stranger
):
    theirs = make_address(make_stranger, where=BATAM)
    cart_with(buyer, (product_a, 1))

    response = buyer_client.post(
        "/checkout/hitung/", {"address": theirs.pk, f"shipping_{product_a.shop_id}": "own_delivery"}
    )

    # Priced for the buyer's own (Purwakarta) address, where own delivery exists.
    assert response.json()["shops"][str(product_a.shop_id)]["shipping"] == "Rp10.000"


def test_the_checkout_page_has_no_inline_script_or_style(buyer_client, buyer, address, product_a):
    cart_with(buyer, (product_a, 1))

    html = buyer_client.get("/checkout/").text

    assert '<script src="/static/orders/checkout.js" defer></script>' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\s(style|on[a-z]+)=", html) == []
