"""On a 390 px phone: a buyer with items of two shops compares their couriers, picks another
service, sees the grand total follow without a reload, and places the orders with those services."""

import pytest
from playwright.sync_api import expect

from orders.models import Checkout
from orders.tests.factories import cart_with, courier_tariff, make_address
from orders.tests.test_browser_phone import PHONE, fits_the_screen, log_in
from shipping.models import ShopCourierService

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_compares_couriers_of_two_shops_and_checks_out_on_a_phone(
    live_server, browser, buyer, password, product_a, product_b, screenshot
):
    # Shop B (Batam) also sends by SiCepat REG to Jawa Barat, dearer and faster than JNE REG.
    ShopCourierService.objects.create(shop=product_b.shop, service="sicepat:REG")
    courier_tariff(product_b.shop, to_province="32", service="sicepat:REG", first=12_500, days=(1, 2))
    make_address(buyer)  # Purwakarta
    cart_with(buyer, (product_a, 2), (product_b, 1))
    context = browser.new_context(viewport=PHONE)
    page = log_in(context, live_server.url, buyer.email, password)

    page.goto(f"{live_server.url}/checkout/")
    grand_total = page.locator('[data-total="grand_total"]')
    expect(grand_total).to_have_text("Rp280.000")  # both shops start with pick-up
    shop_b = page.locator(f'[data-shipping-options="{product_b.shop_id}"]')
    expect(shop_b.locator(".shipping-option")).to_have_text(
        [
            "Ambil di toko Rp0",
            "JNE Reguler (REG) Rp9.000 2–4 hari",
            "SiCepat Reguler (REG) Rp12.500 1–2 hari",
        ],
        use_inner_text=True,
    )

    page.locator(f'input[name="shipping_{product_a.shop_id}"][value="own_delivery"]').check()
    expect(grand_total).to_have_text("Rp290.000")
    page.locator(f'input[name="shipping_{product_b.shop_id}"][value="jne:REG"]').check()
    expect(grand_total).to_have_text("Rp299.000")
    page.locator(f'input[name="shipping_{product_b.shop_id}"][value="sicepat:REG"]').check()
    expect(grand_total).to_have_text("Rp302.500")
    expect(page.locator(f'[data-shop-shipping="{product_b.shop_id}"]')).to_have_text("Rp12.500")
    assert fits_the_screen(page)
    screenshot("phone-checkout-couriers", page)

    page.locator("button[name=place]").click()
    page.wait_for_url(f"{live_server.url}/checkout/*/")

    checkout = Checkout.objects.get()
    assert checkout.total == 302_500
    chosen = {
        o.shop_id: (o.shipping_option, o.courier, o.courier_service, o.shipping_fee)
        for o in checkout.orders.all()
    }
    assert chosen == {
        product_a.shop_id: ("own_delivery", "", "", 10_000),
        product_b.shop_id: ("sicepat:REG", "SiCepat", "REG", 12_500),
    }
    screenshot("phone-checkout-placed", page)
    context.close()


def test_a_service_that_lost_its_rate_while_the_page_was_open_is_shown_unavailable(
    live_server, browser, buyer, password, product_b
):
    ShopCourierService.objects.create(shop=product_b.shop, service="sicepat:REG")
    sicepat = courier_tariff(product_b.shop, to_province="32", service="sicepat:REG", first=12_500)
    make_address(buyer)
    cart_with(buyer, (product_b, 1))
    context = browser.new_context(viewport=PHONE)
    page = log_in(context, live_server.url, buyer.email, password)
    page.goto(f"{live_server.url}/checkout/")
    sicepat.delete()  # the shop removes the tariff while the buyer reads

    page.locator(f'input[name="shipping_{product_b.shop_id}"][value="sicepat:REG"]').check()

    # The script sees the option is gone and reloads the list: listed, disabled, with the reason.
    option = page.locator(".shipping-option", has_text="SiCepat")
    expect(option).to_contain_text("Tidak ada tarif untuk tujuan ini.")
    expect(option.locator("input")).to_be_disabled()
    expect(page.locator('[data-total="grand_total"]')).to_have_text("Rp250.000")  # back to pick-up
    context.close()
