"""A vendor adds a product with photos and variants; buyers find it by search (with a typo) and filters."""

import re

import pytest
from django.test import Client

from catalog.models import Product, ProductImage
from catalog.tests.factories import image_bytes
from conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user, password):
    client = Client()
    assert client.login(email=user.email, password=password)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_a_vendor_adds_a_product_that_buyers_find(
    live_server, page, screenshot, celery_worker, shop_a, shop_a_owner, password
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, shop_a_owner, password)

    page.goto(f"{live_server.url}/dashboard/{shop_a.slug}/produk/baru/")
    page.get_by_label("Nama", exact=True).fill("Keripik Singkong Balado 🌶️")
    page.locator("#id_category").select_option(label="Makanan & Minuman › Makanan Ringan & Keripik")
    page.locator("#id_description").fill("Renyah, pedas manis.\n\nTanpa pengawet.")
    page.locator("#id_halal_certificate").fill("ID32110000123456")
    page.locator("#id_status").select_option("active")
    page.locator("#id_variants-0-name").fill("Level 3")
    page.locator("#id_variants-0-price").fill("16.000")
    page.locator("#id_variants-0-stock").fill("10")
    page.locator("#id_photos").set_input_files(
        [
            {"name": "depan.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(1200, 900)},
            {"name": "belakang.png", "mimeType": "image/png", "buffer": image_bytes(600, 600, "PNG")},
        ]
    )
    screenshot("catalog-vendor-new-product")
    page.get_by_role("button", name="Simpan produk").click()
    page.get_by_text("Produk tersimpan.").wait_for()

    product = Product.objects.get(shop=shop_a)
    assert product.variants.get().name == "Level 3"
    assert wait_for(lambda: ProductImage.objects.filter(product=product, status="ready").count() == 2), (
        "the worker never rendered the photos"
    )
    page.reload()
    assert page.locator(".photos img[srcset]").count() == 2
    screenshot("catalog-vendor-photos-ready")

    page.goto(f"{live_server.url}/")
    page.get_by_label("Cari produk").fill("kripik balado")  # a typo
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name=re.compile("Keripik Singkong Balado")).first.click()
    page.wait_for_url(re.compile(rf"/toko/{shop_a.slug}/keripik-singkong-balado/$"))
    assert page.locator("main img.main-photo").get_attribute("srcset")
    assert page.get_by_text("Level 3").is_visible()
    assert "wa.me/6281234567890" in page.get_by_role(
        "link", name="Tanya penjual lewat WhatsApp"
    ).get_attribute("href")
    screenshot("catalog-product-page")

    page.goto(f"{live_server.url}/cari/")
    page.get_by_text("Saring dan urutkan").click()
    page.get_by_label("Harga tertinggi").fill("20000")
    page.get_by_label("Provinsi").select_option(label="Jawa Barat")
    page.get_by_label("Hanya bersertifikat halal").check()
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"max_price=20000.*province=32.*halal=on"))
    assert page.locator(".card").count() == 1
    screenshot("catalog-filtered")

    page.get_by_label("Harga terendah").fill("50000")
    page.get_by_role("button", name="Terapkan").click()
    page.get_by_text("Produk tidak ditemukan.").wait_for()
