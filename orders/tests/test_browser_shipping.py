"""On a 390 px phone, the whole courier journey: a buyer with items of two shops compares their
couriers, picks another service and sees the grand total follow without a reload, then checks out;
the seller prints a batch of labels showing that service, and ships with a receipt number typed in
lower case with spaces; the buyer sees it as the courier prints it, with a link to follow it."""

import re

import pytest
from playwright.sync_api import expect

from orders import transitions
from orders.models import Checkout, Order, OrderStatus
from orders.tests.factories import COURIER, buy, cart_with, courier_tariff, make_address
from orders.tests.test_browser_phone import PHONE, fits_the_screen, log_in
from shipping.models import ShopCourierService

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def paid(order, seller):
    """The buyer's transfer, confirmed by the shop: the parcel now waits for its label."""
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PAYMENT_SUBMITTED)
    order.refresh_from_db()
    return transitions.confirm_payment(order=order, actor=seller)


def test_a_buyer_picks_a_courier_service_the_seller_labels_and_ships_it_and_the_buyer_tracks_it(
    live_server, browser, buyer, password, product_a, product_b, shop_b_owner, screenshot
):
    url = live_server.url
    shop_a, shop_b = product_a.shop_id, product_b.shop_id
    # Shop B (Batam) also sends by J&T EZ to Jawa Barat, dearer and faster than JNE REG.
    ShopCourierService.objects.create(shop=product_b.shop, service="jnt:EZ")
    courier_tariff(product_b.shop, to_province="32", service="jnt:EZ", first=12_500, days=(1, 2))
    make_address(buyer)  # Purwakarta
    # An earlier parcel of shop B waiting for its label: the seller prints both in one batch.
    earlier = paid(buy(buyer, (product_b, 1), shipping=COURIER).orders.get(), shop_b_owner)
    cart_with(buyer, (product_a, 2), (product_b, 1))

    # The buyer compares the couriers of both shops.
    buyer_page = log_in(browser.new_context(viewport=PHONE), url, buyer.email, password)
    buyer_page.goto(f"{url}/checkout/")
    grand_total = buyer_page.locator('[data-total="grand_total"]')
    expect(grand_total).to_have_text("Rp280.000")  # both shops start with pick-up
    expect(buyer_page.locator(f'[data-shipping-options="{shop_b}"] .shipping-option')).to_have_text(
        ["Ambil di toko Rp0", "JNE Reguler (REG) Rp9.000 2–4 hari", "J&T Express EZ Rp12.500 1–2 hari"],
        use_inner_text=True,
    )
    buyer_page.locator(f'input[name="shipping_{shop_a}"][value="own_delivery"]').check()
    expect(grand_total).to_have_text("Rp290.000")
    buyer_page.locator(f'input[name="shipping_{shop_b}"][value="jne:REG"]').check()
    expect(grand_total).to_have_text("Rp299.000")
    buyer_page.locator(f'input[name="shipping_{shop_b}"][value="jnt:EZ"]').check()
    expect(grand_total).to_have_text("Rp302.500")
    expect(buyer_page.locator(f'[data-shop-shipping="{shop_b}"]')).to_have_text("Rp12.500")
    assert fits_the_screen(buyer_page)
    screenshot("phone-checkout-couriers", buyer_page)

    buyer_page.locator("button[name=place]").click()
    buyer_page.wait_for_url(f"{url}/checkout/*/")
    checkout = Checkout.objects.exclude(pk=earlier.checkout_id).get()
    assert checkout.total == 302_500
    chosen = {
        o.shop_id: (o.shipping_option, o.courier, o.courier_service, o.shipping_fee, o.shipping_max_days)
        for o in checkout.orders.all()
    }
    assert chosen == {
        shop_a: ("own_delivery", "", "", 10_000, None),
        shop_b: ("jnt:EZ", "J&T Express", "EZ", 12_500, 2),
    }
    order = paid(checkout.orders.get(shop_id=shop_b), shop_b_owner)  # paying is not this journey's

    # The seller of shop B prints both parcels' labels from the orders list.
    seller = log_in(browser.new_context(viewport=PHONE), url, shop_b_owner.email, password)
    seller.goto(f"{url}/dashboard/{product_b.shop.slug}/pesanan/")
    for number in (earlier.number, order.number):
        seller.locator(f"input[name=pesanan][value='{number}']").check()
    seller.get_by_role("button", name="Cetak label pesanan yang dipilih").click()
    seller.wait_for_url(re.compile(r"/pesanan/label/"))
    labels = seller.locator("article.label")
    expect(labels).to_have_count(2)
    expect(labels.locator("svg.barcode")).to_have_count(2)  # the order numbers; no receipt yet
    label = labels.filter(has_text=order.number)
    expect(label.locator(".courier")).to_have_text("J&T Express")
    expect(label.locator(".service")).to_have_text("EZ")
    expect(label.locator(".days")).to_have_text("1–2 hari")
    expect(label.locator(".chargeable-weight")).to_have_text("1 kg")
    expect(label.locator(".non-cod")).to_have_text("Non-COD")
    expect(label.locator("svg.barcode")).to_have_attribute("aria-label", order.number)
    expect(labels.filter(has_text=earlier.number).locator(".service")).to_have_text("REG")
    assert fits_the_screen(seller)
    screenshot("shipping-labels-batch", seller)
    # Printed, each label is its own A6 page and the button is not printed.
    seller.emulate_media(media="print")
    expect(seller.get_by_role("button", name="Cetak 2 label")).to_be_hidden()
    seller.emulate_media(media="screen")

    # It ships the parcel with the receipt number as the seller types it.
    seller.get_by_role("link", name="Kembali ke pesanan").click()
    seller.get_by_role("link", name=re.compile(order.number)).click()
    seller.get_by_role("button", name="Mulai siapkan").click()
    expect(seller.locator("select[name=courier]")).to_have_value("jnt")  # the buyer's choice
    seller.get_by_label("Nomor resi").fill("jp 1234 5678 90")
    seller.get_by_role("button", name="Tandai sudah dikirim").click()
    seller.locator("#order-status", has_text="Dikirim").wait_for()
    expect(seller.locator(".receipt-number")).to_have_text("JP1234567890")
    assert Order.objects.get(pk=order.pk).tracking_number == "JP1234567890"

    # The buyer sees the number as the courier prints it, and where to follow the parcel.
    buyer_page.goto(f"{url}/pesanan/{order.number}/")
    expect(buyer_page.locator(".receipt-number")).to_have_text("JP1234567890")
    link = buyer_page.get_by_role("link", name="Lacak paket (J&T Express)")
    expect(link).to_have_attribute("href", "https://cekresi.com/?noresi=JP1234567890")
    assert fits_the_screen(buyer_page)
    screenshot("shipping-buyer-tracking", buyer_page)


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
