"""On a 390 px phone: the seller ticks two orders and prints their labels in one page, then ships
one with a receipt number typed in lower case with spaces; the buyer sees it as the courier
prints it, with a link to follow the parcel."""

import re

import pytest
from playwright.sync_api import expect

from orders import transitions
from orders.models import Order
from orders.tests.factories import COURIER, buy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def log_in(browser, base_url, email, password):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Sandi").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return page


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_seller_prints_a_batch_of_labels_and_the_buyer_follows_the_parcel(
    live_server, browser, screenshot, password, buyer, address, shop_a, shop_a_owner, product_a
):
    url = live_server.url
    orders = []
    for quantity in (1, 2, 3):
        order = buy(buyer, (product_a, quantity), payment="cod", shipping=COURIER).orders.get()
        orders.append(transitions.start_processing(order=order, actor=shop_a_owner))
    first, second, _third = orders

    seller = log_in(browser, url, shop_a_owner.email, password)
    seller.goto(f"{url}/dashboard/{shop_a.slug}/pesanan/")
    seller.locator(f"input[name=pesanan][value='{first.number}']").check()
    seller.locator(f"input[name=pesanan][value='{second.number}']").check()
    assert fits_the_screen(seller)
    screenshot("shipping-orders-ticked", seller)
    seller.get_by_role("button", name="Cetak label pesanan yang dipilih").click()

    seller.wait_for_url(re.compile(r"/pesanan/label/"))
    labels = seller.locator("article.label")
    expect(labels).to_have_count(2)
    assert set(labels.locator(".order-number").all_inner_texts()) == {first.number, second.number}
    expect(labels.locator("svg.barcode")).to_have_count(2)  # the order numbers; no receipt yet
    expect(labels.first.locator(".cod")).to_contain_text("COD Rp")
    expect(seller.get_by_role("button", name="Cetak 2 label")).to_be_visible()
    assert fits_the_screen(seller)
    screenshot("shipping-labels-batch", seller)

    # Printed, each label is its own A6 page and the button is not printed.
    seller.emulate_media(media="print")
    expect(seller.get_by_role("button", name="Cetak 2 label")).to_be_hidden()
    seller.emulate_media(media="screen")

    seller.get_by_role("link", name="Kembali ke pesanan").click()
    seller.get_by_role("link", name=re.compile(first.number)).click()
    seller.locator("select[name=courier]").select_option("jnt")
    seller.get_by_label("Nomor resi").fill("jp 1234 5678 90")
    seller.get_by_role("button", name="Tandai sudah dikirim").click()
    seller.locator("#order-status", has_text="Dikirim").wait_for()
    expect(seller.locator(".receipt-number")).to_have_text("JP1234567890")
    assert Order.objects.get(pk=first.pk).tracking_number == "JP1234567890"

    shopper = log_in(browser, url, buyer.email, password)
    shopper.goto(f"{url}/pesanan/{first.number}/")
    expect(shopper.locator(".receipt-number")).to_have_text("JP1234567890")
    link = shopper.get_by_role("link", name="Lacak paket (J&T Express)")
    expect(link).to_have_attribute("href", "https://cekresi.com/?noresi=JP1234567890")
    assert fits_the_screen(shopper)
    screenshot("shipping-buyer-tracking", shopper)
