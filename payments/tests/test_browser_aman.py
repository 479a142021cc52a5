"""On a 390 px phone: a buyer with two shops' items checks out once, pays once with the
sandbox's QRIS, and sees both orders paid (the sandbox's signed notification goes to the live
server's real endpoint over HTTP)."""

import re

import pytest

from orders.models import Order, OrderStatus
from orders.tests.factories import cart_with
from payments.models import Payment, PaymentStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_buyer_pays_two_shops_once_with_sandbox_qris_on_a_phone(
    live_server, browser, settings, buyer, password, address, product_a, product_b, screenshot
):
    settings.PAYMENT_MODE, settings.PAYMENT_PROVIDER = "aman", "sandbox"
    cart_with(buyer, (product_a, 2), (product_b, 1))
    url = live_server.url
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(buyer.email)
    page.get_by_label("Sandi").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}/")

    page.goto(f"{url}/checkout/")
    for product in (product_a, product_b):
        assert page.locator(f"input[name=payment_{product.shop_id}][value=aman]").is_checked()
    page.get_by_role("button", name="Buat pesanan").click()
    page.wait_for_url(re.compile(r"/bayar/\d+/$"))
    orders = list(Order.objects.order_by("pk"))
    total = sum(order.total for order in orders)
    assert page.locator("#pay-amount").inner_text() == f"Rp{total:,}".replace(",", ".")
    assert fits_the_screen(page)
    screenshot("phone-aman-pay-page", page)

    page.check("input[name=method][value=qris]")
    page.locator("#pay-button").click()
    page.wait_for_url(re.compile(r"/bayar/sandbox/"))
    screenshot("phone-aman-sandbox-qris", page)
    page.get_by_role("button", name=re.compile("QRIS")).click()
    page.locator(".payment-status.paid").wait_for()

    assert Payment.objects.get().status == PaymentStatus.PAID
    assert {o.status for o in Order.objects.all()} == {OrderStatus.PAID}
    page.get_by_role("link", name="Lihat pesanan saya").click()
    page.wait_for_url(f"{url}/pesanan/")
    cards = page.locator(".order-card")
    assert cards.count() == 2
    for order in orders:
        card = cards.filter(has_text=order.number)
        assert card.locator(".status.paid").count() == 1
    assert page.get_by_role("link", name="Bayar", exact=True).count() == 0
    assert fits_the_screen(page)
    screenshot("phone-aman-both-orders-paid", page)
    context.close()
