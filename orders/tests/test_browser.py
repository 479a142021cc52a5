"""Done-when for orders, in a real browser on a phone-sized screen."""

import os
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from catalog.models import Review
from catalog.tests.factories import image_bytes
from conftest import make_user, wait_for
from orders.models import Order, OrderStatus
from orders.tests.factories import BATAM, cart_with, make_address, make_product, make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def snapshot(page, name):
    """Like the `screenshot` fixture, for the vendors' own pages."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def log_in(context, base_url, email, password):
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Sandi").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return page


def test_a_guest_buys_from_two_shops_and_both_vendors_fulfil(
    live_server, page, browser, screenshot, password
):
    owner_a, owner_b = (
        make_user("ani@example.com", first_name="Ani"),
        make_user("bayu@example.com", first_name="Bayu"),
    )
    shop_a = make_shop(owner_a, name="Dapur Bu Ani")  # Purwakarta, accepts COD
    shop_b = make_shop(owner_b, name="Batik Pak Bayu", where=BATAM, cod=False)
    keripik = make_product(shop_a, name="Keripik Pedas", price=15_000, stock=10)
    batik = make_product(shop_b, name="Kain Batik Gonggong", price=250_000, stock=3, weight_grams=400)
    url = live_server.url

    # A guest fills the cart from two shops.
    page.set_viewport_size(PHONE)
    page.goto(f"{url}{keripik.get_absolute_url()}")
    page.get_by_label("Jumlah").fill("2")
    page.get_by_role("button", name="Masukkan keranjang").click()
    page.wait_for_url(f"{url}/keranjang/")
    page.goto(f"{url}{batik.get_absolute_url()}")
    page.get_by_role("button", name="Masukkan keranjang").click()
    page.get_by_text("Rp280.000").wait_for()
    screenshot("orders-cart-guest")

    # ... signs up and confirms the address; the cart comes along.
    page.goto(f"{url}/accounts/signup/")
    page.get_by_label("Nama lengkap").fill("Sari Pembeli")
    page.get_by_label("Email").fill("sari.pembeli@example.com")
    page.get_by_label("Sandi", exact=False).first.fill("kopi-tubruk-2026")
    page.get_by_label("Kata sandi (lagi)").fill("kopi-tubruk-2026")
    page.get_by_role("button", name="Daftar").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    # (A fresh address: allauth sends one confirmation per address every few minutes.)
    assert wait_for(lambda: mail.outbox)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}/")

    # ... checks out: an address first, with the chained region lists.
    page.goto(f"{url}/keranjang/")
    page.get_by_text("Rp280.000").wait_for()
    page.get_by_role("link", name="Checkout").last.click()
    page.wait_for_url(re.compile(r"/alamat/baru/"))
    page.locator("input[name=recipient]").fill("Wulan Sari")
    page.locator("input[name=phone]").fill("0812 9876 5432")
    page.locator("input[name=street_address]").fill("Jl. Kenanga No. 7, RT 02/RW 03")
    # The deferred lists script hides the no-JavaScript buttons once it listens for choices.
    expect(page.get_by_role("button", name="Tampilkan kabupaten/kotanya")).to_be_hidden()
    page.select_option("select[name=province]", "32")
    # Locators, not wait_for_function: the Content-Security-Policy forbids evaluating strings.
    page.locator("select[name=regency] option").nth(1).wait_for(state="attached")
    page.select_option("select[name=regency]", "32.14")
    page.locator("select[name=district] option").nth(1).wait_for(state="attached")
    page.select_option("select[name=district]", "32.14.01")
    page.get_by_role("button", name="Simpan alamat").click()
    page.wait_for_url(f"{url}/checkout/")

    # The grand total includes shipping from the start (each shop's first option: pick-up) ...
    grand_total = page.locator("[data-total=grand_total]")
    assert grand_total.inner_text() == "Rp280.000"
    page.check(f"input[name=shipping_{shop_a.pk}][value=pickup]")
    page.check(f"input[name=payment_{shop_a.pk}][value=cod]")
    page.check(f"input[name=shipping_{shop_b.pk}][value='jne:REG']")
    page.check(f"input[name=payment_{shop_b.pk}][value=transfer]")
    # ... and follows the shipping choice at once, without leaving the page.
    expect(grand_total).to_have_text("Rp289.000", timeout=5000)
    assert page.locator(f"[data-shop-shipping='{shop_b.pk}']").inner_text() == "Rp9.000"
    assert page.locator("input[name=seen_total]").input_value() == "289000"
    assert page.url == f"{url}/checkout/"
    screenshot("orders-checkout")
    page.get_by_role("button", name="Buat pesanan").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/$"))
    transfer = Order.objects.get(shop=shop_b)
    cod = Order.objects.get(shop=shop_a)
    page.get_by_text("Rp259.000").first.wait_for()  # 250.000 + 9.000 courier, the exact amount
    screenshot("orders-checkout-done")

    # ... and sends a proof for the transfer order.
    page.goto(f"{url}/pesanan/{transfer.number}/")
    page.set_input_files(
        "input[name=proof]",
        files=[{"name": "bukti.png", "mimeType": "image/png", "buffer": image_bytes(300, 500, "PNG")}],
    )
    page.get_by_role("button", name="Kirim bukti").click()
    page.get_by_text("Bukti terkirim").wait_for()

    # Each vendor sees its order, confirms and ships it.
    for owner, shop, order in ((owner_b, shop_b, transfer), (owner_a, shop_a, cod)):
        context = browser.new_context()
        vendor = log_in(context, url, owner.email, password)
        vendor.goto(f"{url}/dashboard/{shop.slug}/pesanan/")
        vendor.get_by_role("link", name=re.compile(order.number)).click()
        if order.is_transfer:
            vendor.get_by_role("button", name=re.compile("Konfirmasi pembayaran")).click()
        vendor.get_by_role("button", name="Mulai siapkan").click()
        vendor.locator("select[name=courier]").select_option("jne")
        vendor.get_by_label("Nomor resi").fill(f"JNE{order.pk:08d}")
        vendor.get_by_role("button", name="Tandai sudah dikirim").click()
        vendor.locator("#order-status", has_text="Dikirim").wait_for()
        snapshot(vendor, f"orders-vendor-{shop.slug}")
        context.close()

    # The buyer confirms both and reviews what was bought.
    for order in (transfer, cod):
        page.goto(f"{url}/pesanan/{order.number}/")
        page.get_by_role("link", name="Pesanan sudah saya terima").click()
        page.get_by_role("heading", name="Sudah Anda periksa semuanya?").wait_for()
        page.get_by_role("button", name="Ya, semua sudah saya terima").click()
        page.locator("#order-status", has_text="Selesai").wait_for()
        page.locator("input[name=rating][value='5']").check()
        page.locator("textarea[name=text]").fill("Barangnya bagus, pengiriman cepat.")
        page.get_by_role("button", name="Kirim ulasan").click()
        page.get_by_text("Terima kasih atas ulasan Anda.").wait_for()
    screenshot("orders-reviewed")

    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.COMPLETED}
    assert Review.objects.filter(rating=5).count() == 2
    page.goto(f"{url}{keripik.get_absolute_url()}")
    page.get_by_text("Barangnya bagus").wait_for()
    page.get_by_text("Sari P.").first.wait_for()  # the review is signed with the buyer's name


def test_without_javascript_recalculate_shows_the_new_total_before_placing(live_server, browser, password):
    buyer = make_user("wulan@example.com", first_name="Wulan")
    shop = make_shop(make_user("bayu@example.com"), name="Batik Pak Bayu", where=BATAM, cod=False)
    batik = make_product(shop, name="Kain Batik Gonggong", price=250_000, stock=3, weight_grams=400)
    make_address(buyer)
    cart_with(buyer, (batik, 1))
    context = browser.new_context(java_script_enabled=False)
    page = log_in(context, live_server.url, buyer.email, password)

    page.goto(f"{live_server.url}/checkout/")
    assert page.locator("[data-total=grand_total]").inner_text() == "Rp250.000"
    page.check(f"input[name=shipping_{shop.pk}][value='jne:REG']")
    page.locator(f"input[name=note_{shop.pk}]").fill("Bungkus kado, ya")
    page.get_by_role("button", name="Hitung ulang").click()

    expect(page.locator("[data-total=grand_total]")).to_have_text("Rp259.000")
    assert page.locator(f"input[name=note_{shop.pk}]").input_value() == "Bungkus kado, ya"
    assert not Order.objects.exists()
    page.get_by_role("button", name="Buat pesanan").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/$"))
    order = Order.objects.get()
    assert (order.total, order.note) == (259_000, "Bungkus kado, ya")
    context.close()


def test_choosing_another_address_reloads_the_options_and_totals(live_server, browser, password):
    buyer = make_user("wulan@example.com", first_name="Wulan")
    shop = make_shop(make_user("ani@example.com"), name="Dapur Bu Ani")  # Purwakarta: own delivery there
    keripik = make_product(shop, name="Keripik Pedas", price=15_000, stock=10)
    make_address(buyer)
    batam = make_address(buyer, where=BATAM, recipient="Rina")
    cart_with(buyer, (keripik, 2))
    context = browser.new_context()
    page = log_in(context, live_server.url, buyer.email, password)
    page.goto(f"{live_server.url}/checkout/")
    page.check(f"input[name=shipping_{shop.pk}][value=own_delivery]")
    expect(page.locator("[data-total=grand_total]")).to_have_text("Rp40.000")

    page.check(f"input[name=address][value='{batam.pk}']")

    # Own delivery does not reach Batam: the page comes back with Batam's options and totals.
    expect(page.locator(f"input[name=shipping_{shop.pk}][value=own_delivery]")).to_have_count(0)
    expect(page.locator(f"input[name=address][value='{batam.pk}']")).to_be_checked()
    expect(page.locator("[data-total=grand_total]")).to_have_text("Rp30.000")
    page.check(f"input[name=shipping_{shop.pk}][value='jne:REG']")
    expect(page.locator("[data-total=grand_total]")).to_have_text("Rp39.000")
    page.get_by_role("button", name="Buat pesanan").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/$"))
    order = Order.objects.get()
    assert (order.regency_name, order.shipping_method, order.total) == ("Kota Batam", "courier", 39_000)
    context.close()
