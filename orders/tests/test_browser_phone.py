"""On a 390 px phone: a shop just approved finds every dashboard section by clicking, adds its
first product and sees it in the shop; a buyer orders it and is told how to pay."""

import re

import pytest
from django.utils import timezone

from catalog.tests.factories import category, image_bytes, region
from conftest import make_user
from orders.models import Order
from orders.tests.factories import make_address
from vendors import services as vendor_services
from vendors.models import Shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
# The menu's links, in the order a seller meets them, and the heading each page shows.
SECTIONS = [
    ("Profil toko", "Pengaturan toko"),
    ("Pengiriman", "Pengiriman"),
    ("Rekening bank", "Rekening bank"),
    ("Staf", "Anggota"),
    ("Pendaftaran expo", "Expo virtual"),
    ("Produk", "Produk · Kopi Wulan"),
    ("Tambah produk", "Tambah produk"),
    ("Stok dan harga", "Stok dan harga"),
    ("Impor CSV", "Impor produk dari CSV"),
    ("Pesanan per status", "Pesanan"),
]


def log_in(context, base_url, email, password):
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Sandi").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return page


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def approved_shop(db):
    category()  # the seeded categories: an earlier browser test may have emptied the table
    owner = make_user("wulan.kopi@example.com", full_name="Wulan Sari")
    shop = vendor_services.start_shop(
        owner=owner,
        name="Kopi Wulan",
        district=region(),
        whatsapp="+6281234567890",
        street_address="Jl. Kopi No. 7",
    )
    Shop.objects.filter(pk=shop.pk).update(status=Shop.Status.PENDING)
    dinas = make_user("dinas@example.com", is_staff=True)
    return vendor_services.change_status(shop=shop, to=Shop.Status.APPROVED, actor=dinas)


def test_a_new_seller_and_a_buyer_find_their_way_on_a_phone(
    live_server, browser, approved_shop, password, screenshot, tmp_path
):
    url = live_server.url
    seller_context = browser.new_context(viewport=PHONE)
    seller = log_in(seller_context, url, "wulan.kopi@example.com", password)

    # From the header to the shop's overview, where a checklist says what to do first.
    seller.get_by_role("link", name="Toko saya").click()
    seller.get_by_role("link", name="Kopi Wulan").first.click()
    seller.get_by_role("heading", name="Siapkan toko Anda untuk berjualan").wait_for()
    assert seller.locator(".checklist li.todo").count() == 4
    assert fits_the_screen(seller)
    screenshot("phone-dashboard-overview", seller)

    # Every section is one tap away from the overview, and each page fits a phone.
    menu = seller.locator(".dashboard-menu")
    for link, heading in SECTIONS:
        menu.get_by_role("link", name=link, exact=True).click()
        seller.get_by_role("heading", name=heading, exact=True).first.wait_for()
        assert seller.locator(f'.dashboard-menu a[aria-current="page"]:text-is("{link}")').count() == 1
        assert fits_the_screen(seller), link
        menu.get_by_role("link", name="Ringkasan").click()
        seller.get_by_role("heading", name="Siapkan toko Anda untuk berjualan").wait_for()
    seller.set_viewport_size({"width": 360, "height": 740})
    assert fits_the_screen(seller)
    seller.set_viewport_size(PHONE)

    # A bank account, so buyers can transfer.
    menu.get_by_role("link", name="Rekening bank").click()
    seller.get_by_label("Bank", exact=True).fill("BJB")
    seller.get_by_label("Nomor rekening").fill("0012345678")
    seller.get_by_label("Nama pemilik rekening").fill("Wulan Sari")
    seller.get_by_role("button", name="Tambah", exact=True).click()
    seller.get_by_text("0012345678").wait_for()

    # The first product, with a photo, from the checklist.
    menu.get_by_role("link", name="Ringkasan").click()
    seller.get_by_role("link", name="Tambahkan produk pertama dengan foto").click()
    photo = tmp_path / "kopi.jpg"
    photo.write_bytes(image_bytes(800, 800))
    seller.locator("#id_name").fill("Kopi Robusta Burangrang 250 g")
    seller.locator("#id_category").select_option(index=1)
    seller.locator("#id_variants-0-price").fill("45000")
    seller.locator("#id_variants-0-stock").fill("12")
    seller.locator("#id_weight_grams").fill("300")
    seller.locator("#id_status").select_option("active")
    seller.locator("input[name=photos]").set_input_files(str(photo))
    screenshot("phone-dashboard-add-product", seller)
    seller.get_by_role("button", name="Simpan produk").click()
    seller.get_by_role("heading", name="Kopi Robusta Burangrang 250 g").wait_for()

    menu.get_by_role("link", name="Produk", exact=True).click()
    seller.get_by_role("link", name="Kopi Robusta Burangrang 250 g").wait_for()
    assert fits_the_screen(seller)
    screenshot("phone-dashboard-products", seller)
    menu.get_by_role("link", name="Ringkasan").click()
    assert seller.locator("#step-product.done").count() == 1
    assert seller.locator("#step-bank.done").count() == 1

    # ... and it is in the shop.
    seller.goto(f"{url}/toko/kopi-wulan/")
    seller.get_by_role("link", name=re.compile("Kopi Robusta Burangrang")).first.wait_for()
    screenshot("phone-shop-with-first-product", seller)
    seller_context.close()

    # A buyer orders it and is told how to pay.
    buyer = make_user("sari.pembeli@example.com", full_name="Sari Pembeli")
    make_address(buyer)
    buyer_context = browser.new_context(viewport=PHONE)
    page = log_in(buyer_context, url, buyer.email, password)
    card = page.locator(".card").first.bounding_box()
    assert card["y"] + card["height"] <= PHONE["height"]  # the first product is above the fold
    screenshot("phone-home", page)
    page.goto(f"{url}/toko/kopi-wulan/")
    page.get_by_role("link", name=re.compile("Kopi Robusta Burangrang")).first.click()
    page.get_by_role("button", name="Masukkan keranjang").click()
    page.locator("#cart-count", has_text="1").wait_for()
    page.locator("#cart-link").click()
    page.get_by_role("link", name="Checkout").last.click()
    page.wait_for_url(f"{url}/checkout/")
    shop = approved_shop
    page.check(f"input[name=shipping_{shop.pk}][value=pickup]")
    page.check(f"input[name=payment_{shop.pk}][value=transfer]")
    page.get_by_role("button", name="Buat pesanan").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/$"))

    order = Order.objects.get()
    deadline = timezone.localtime(order.payment_deadline).strftime("%H:%M")
    box = page.locator(".pay-box")
    box.get_by_text("Rp45.000").wait_for()  # the exact amount
    assert "0012345678" in box.inner_text() and deadline in box.inner_text()
    assert page.locator("#cart-count").count() == 0  # the cart is empty now
    assert fits_the_screen(page)
    screenshot("phone-order-payment-instructions", page)

    # The same instructions wait in the inbox; opening it clears the badge.
    page.locator("header").get_by_role("link", name=re.compile("Notifikasi")).click()
    page.get_by_text("BJB 0012345678").first.wait_for()
    assert page.locator("header .badge").count() == 0
    screenshot("phone-inbox", page)
    buyer_context.close()
