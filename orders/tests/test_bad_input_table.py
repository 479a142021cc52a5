"""Over a hundred bad inputs, tried over HTTP on every form and upload, as the people who send them.

For each one: never a 5xx; a clear message in the site's language (or a 404 for an address that
does not exist); what was typed comes back in the form; and nothing is half-written (row counts
unchanged). Inputs that are odd but fine (emoji, right-to-left text, a line break in a name) are
accepted with the control characters removed.
"""

import io
import re
import struct
import zlib
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.models import Product
from conftest import make_user
from marketplace.tests.photos import phone_jpeg, truncated_jpeg
from orders.models import Cart, CartItem, Order, OrderStatus
from orders.tests.factories import buy
from vendors.models import Shop

pytestmark = pytest.mark.django_db

CONTROL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e]")
ERROR_MARKERS = ('class="errorlist', 'class="message error', "errornote")
COUNTED = [
    "vendors.Shop", "vendors.BankAccount", "vendors.CourierRate", "vendors.ShopInvitation",
    "catalog.Product", "catalog.ProductVariant", "catalog.ProductImage", "catalog.Review",
    "catalog.ProductReport", "orders.CartItem", "orders.Checkout", "orders.Order", "orders.Payment",
    "orders.Address",
]  # fmt: skip
MB = 1024 * 1024


# --- Files people send -------------------------------------------------------------------------


def png_header_only(width, height):
    """A PNG that claims width × height pixels: a decompression bomb as Pillow sees it."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def gif():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    return buffer.getvalue()


BAD_PHOTOS = {
    "zero-byte": b"",
    "truncated-jpeg": truncated_jpeg(),
    "bomb-png": png_header_only(40_000, 40_000),
    "too-many-pixels": png_header_only(9_000, 9_000),
    "oversized": b"\xff\xd8\xff" + b"\0" * (11 * MB),
    "gif": gif(),
    "html-named-jpg": b"<html><script>alert(1)</script></html>",
    "pdf-as-photo": b"%PDF-1.4\n1 0 obj<<>>endobj\n",
    "exe": b"MZ\x90\x00\x03\x00\x00\x00",
}


def upload(content, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


CSV_HEADER = "name,category,price,stock,sku,description\n"


def csv_upload(content):
    return SimpleUploadedFile("produk.csv", content, content_type="text/csv")


BAD_CSVS = {
    "zero-byte": b"",
    "binary": b"\x00\x01\x02\x03" * 100,
    "cell-over-128kb": (CSV_HEADER + 'Kue,makanan-ringan,1000,1,,"' + "x" * 140_000 + '"\n').encode(),
    "10000-rows": (CSV_HEADER + "Kue {n},makanan-ringan,1000,1,,\n" * 10_000).encode(),
    "oversized": (CSV_HEADER + "Kue,makanan-ringan,1000,1,,\n" * 100_000).encode(),
    "header-only": CSV_HEADER.encode(),
    "wrong-columns": b"nama;harga\nKeripik;1000\n",
    "unclosed-quote": (CSV_HEADER + 'Kue,"makanan-ringan,1000,1,,\n').encode(),
    "bad-row": (CSV_HEADER + "Kue,makanan-ringan,abc,-1,,\n").encode(),
    "png-as-csv": png_header_only(10, 10),
}
GOOD_CSVS = {
    "latin-1": (CSV_HEADER + "Kue Lapis Ñ,makanan-ringan,1000,1,,Manis\n").encode("latin-1"),
    "utf-16-no-bom": (CSV_HEADER + "Kue Lapis Ñ,makanan-ringan,1000,1,,Manis\n").encode("utf-16-le"),
    "utf-16-be-no-bom": (CSV_HEADER + "Kue Lapis Ñ,makanan-ringan,1000,1,,Manis\n").encode("utf-16-be"),
    "utf-16-bom": (CSV_HEADER + "Kue Lapis Ñ,makanan-ringan,1000,1,,Manis\n").encode("utf-16"),
    "semicolons-cp1252": "name;category;price;stock\nKue “Lapis”;makanan-ringan;1.000;1\n".encode("cp1252"),
}

# --- Text people type --------------------------------------------------------------------------

BAD_TEXT = {"empty": "", "too-long": "x" * 5000, "null-char": "Toko\x00Baru"}
ODD_TEXT = {
    "line-break": "Toko\r\nBaru",
    "control-chars": "Toko\x07\x1b[31mBaru",
    "emoji": "Warung 🍜🔥",
    "right-to-left": "متجر العم",
    "bidi-override": "Toko\u202egpj.exe",
}
BAD_NUMBERS = {
    "letters": "abc",
    "negative": "-5",
    "huge": "9" * 30,
    "exponent": "1e3",
    "emoji": "🔥",
    "empty": "",
}
BAD_IDS = {"letters": "abc", "negative": "-1", "huge": "99999999999999999999", "sql": "1 OR 1=1", "empty": ""}


# --- The cases ---------------------------------------------------------------------------------


@dataclass
class Case:
    who: str  # "buyer", "vendor", "staff", "anonymous"
    method: str
    url: str  # formatted with the world: {shop}, {product}, {order}, {item}
    data: dict = field(default_factory=dict)
    expect: str = "error"  # "error": refused; "ok": accepted, tidied; "either": never 5xx
    keep: str = ""  # a typed value the re-rendered form must show


def shop_settings(**changes):
    data = {"name": "Keripik Bu Ani", "whatsapp": "0812 3456 7890", "description": "Pedas manis"}
    return {**data, **changes}


def product_form(**changes):
    data = {
        "name": "Keripik Pisang", "category": "{category}", "description": "Renyah", "sku": "",
        "weight_grams": "250", "min_order_quantity": "1", "condition": "new",
        "halal_certificate": "", "pirt_number": "", "status": "active",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "30",
        "variants-0-name": "", "variants-0-price": "15000", "variants-0-stock": "5", "variants-0-sku": "",
    }  # fmt: skip
    return {**data, **changes}


def address_form(**changes):
    data = {
        "recipient": "Budi Santoso", "phone": "0812 9876 5432", "street_address": "Jl. Kenanga 7",
        "province": "32", "regency": "32.14", "district": "32.14.01", "postal_code": "41111",
    }  # fmt: skip
    return {**data, **changes}


def legal_form(**changes):
    data = {"nib": "", "bank": "BRI", "account_number": "0123456789", "holder_name": "Ani Lestari"}
    return {**data, **changes}


def build_cases():
    cases = {}
    settings_url = "/dashboard/{shop}/pengaturan/"
    # Shop settings: every text field with every bad value.
    for field_name in ("name", "whatsapp"):
        for label, value in BAD_TEXT.items():
            keep = "Pedas manis"
            cases[f"shop-{field_name}-{label}"] = Case(
                "vendor", "post", settings_url, shop_settings(**{field_name: value}), keep=keep
            )
    for label, value in ODD_TEXT.items():
        cases[f"shop-name-{label}"] = Case("vendor", "post", settings_url, shop_settings(name=value), "ok")
        cases[f"shop-opening-hours-{label}"] = Case(
            "vendor", "post", settings_url, shop_settings(opening_hours=value), "ok"
        )
    for label, value in {"url-junk": "http://evil.example/<script>", "too-long": "a" * 300}.items():
        cases[f"shop-instagram-{label}"] = Case(
            "vendor", "post", settings_url, shop_settings(instagram=value), keep="Pedas manis"
        )
    for label, content in BAD_PHOTOS.items():
        for field_name in ("logo", "banner"):
            cases[f"shop-{field_name}-{label}"] = Case(
                "vendor", "post", settings_url, shop_settings(**{field_name: content}), keep="Pedas manis"
            )
    # Legal details and the KTP photo.
    legal_url = "/dashboard/{shop}/buka-toko/legalitas/"
    for label, content in BAD_PHOTOS.items():
        cases[f"ktp-{label}"] = Case(
            "vendor", "post", legal_url, legal_form(identity_document=content), keep="Ani Lestari"
        )
    for label, value in {"letters": "12345678901ab", "short": "123", "emoji": "🔥" * 13}.items():
        cases[f"nib-{label}"] = Case("vendor", "post", legal_url, legal_form(nib=value), keep="Ani Lestari")
    for label, value in {**BAD_NUMBERS, "too-long": "1" * 40}.items():
        cases[f"bank-account-{label}"] = Case(
            "vendor", "post", "/dashboard/{shop}/rekening/",
            {"bank": "BNI", "account_number": value, "holder_name": "Ani Lestari"}, keep="Ani Lestari",
        )  # fmt: skip
    # Staff invitations.
    for label, value in {
        "not-an-email": "budi",
        "header-injection": "a@b.c\nBcc: x@y.z",
        "empty": "",
    }.items():
        cases[f"invite-{label}"] = Case("vendor", "post", "/dashboard/{shop}/anggota/", {"email": value})
    # Products.
    product_url = "/dashboard/{shop}/produk/baru/"
    # Price and stock live on the product's (default) variant.
    for field_name in ("variants-0-price", "variants-0-stock", "weight_grams", "min_order_quantity"):
        for label, value in BAD_NUMBERS.items():
            if field_name in ("weight_grams", "min_order_quantity") and label == "empty":
                continue
            cases[f"product-{field_name.removeprefix('variants-0-')}-{label}"] = Case(
                "vendor", "post", product_url, product_form(**{field_name: value}), keep="Keripik Pisang"
            )
    for label, value in BAD_TEXT.items():
        cases[f"product-name-{label}"] = Case(
            "vendor", "post", product_url, product_form(name=value), keep="Renyah"
        )
    for label, value in ODD_TEXT.items():
        cases[f"product-name-{label}"] = Case("vendor", "post", product_url, product_form(name=value), "ok")
    for label, value in BAD_IDS.items():
        cases[f"product-category-{label}"] = Case(
            "vendor", "post", product_url, product_form(category=value), keep="Keripik Pisang"
        )
    cases["product-status-bogus"] = Case(
        "vendor", "post", product_url, product_form(status="in_review"), keep="Keripik Pisang"
    )
    cases["product-variant-count-bogus"] = Case(
        "vendor", "post", product_url, product_form(**{"variants-TOTAL_FORMS": "abc"}), expect="either"
    )
    for label, content in BAD_PHOTOS.items():
        cases[f"product-photo-{label}"] = Case(
            "vendor", "post", "/dashboard/{shop}/produk/{product}/foto/", {"photo": content}
        )
    # CSV import.
    for label, content in BAD_CSVS.items():
        cases[f"csv-{label}"] = Case(
            "vendor", "post", "/dashboard/{shop}/produk/impor/", {"file": csv_upload(content)}
        )
    for label, content in GOOD_CSVS.items():
        cases[f"csv-{label}"] = Case(
            "vendor", "post", "/dashboard/{shop}/produk/impor/", {"file": csv_upload(content)}, "ok"
        )
    # Cart.
    for label, value in BAD_IDS.items():
        cases[f"cart-product-{label}"] = Case("buyer", "post", "/keranjang/tambah/", {"product": value})
        cases[f"cart-variant-{label}"] = Case(
            "buyer",
            "post",
            "/keranjang/tambah/",
            {"product": "{product_b}", "variant": value},
            expect="either",
        )
    for label, value in BAD_NUMBERS.items():
        cases[f"cart-quantity-{label}"] = Case(
            "buyer", "post", "/keranjang/tambah/", {"product": "{product_b}", "quantity": value},
            expect="either" if label in ("empty", "exponent") else "error",
        )  # fmt: skip
        cases[f"cart-update-{label}"] = Case(
            "buyer", "post", "/keranjang/{item}/ubah/", {"quantity": value}, expect="either"
        )
    cases["cart-own-shop"] = Case("vendor", "post", "/keranjang/tambah/", {"product": "{product}"})
    # Checkout.
    checkout = {
        "token": "t-1",
        "address": "{address}",
        "shipping_{shop_b_id}": "pickup",
        "payment_{shop_b_id}": "transfer",
    }
    for label, value in BAD_IDS.items():
        cases[f"checkout-address-{label}"] = Case(
            "buyer", "post", "/checkout/", {**checkout, "address": value}, "either"
        )
    for label, value in {"bogus": "teleport", "empty": "", "other-shops": "courier_xyz"}.items():
        cases[f"checkout-shipping-{label}"] = Case(
            "buyer", "post", "/checkout/", {**checkout, "shipping_{shop_b_id}": value}
        )
        cases[f"checkout-payment-{label}"] = Case(
            "buyer", "post", "/checkout/", {**checkout, "payment_{shop_b_id}": value}
        )
    cases["checkout-note-too-long"] = Case(
        "buyer", "post", "/checkout/", {**checkout, "note_{shop_b_id}": "n" * 5000}
    )
    cases["checkout-token-empty"] = Case("buyer", "post", "/checkout/", {**checkout, "token": ""})
    cases["checkout-token-too-long"] = Case("buyer", "post", "/checkout/", {**checkout, "token": "t" * 500})
    # Addresses.
    for field_name in ("recipient", "street_address", "phone"):
        for label, value in BAD_TEXT.items():
            cases[f"address-{field_name}-{label}"] = Case(
                "buyer", "post", "/alamat/baru/", address_form(**{field_name: value}), keep="Jl. Kenanga 7"
                if field_name != "street_address" else "Budi Santoso",
            )  # fmt: skip
    for label, value in ODD_TEXT.items():
        cases[f"address-recipient-{label}"] = Case(
            "buyer", "post", "/alamat/baru/", address_form(recipient=value), "ok"
        )
    for label, value in {**BAD_IDS, "other-regency": "21.71.01"}.items():
        cases[f"address-district-{label}"] = Case(
            "buyer", "post", "/alamat/baru/", address_form(district=value), keep="Budi Santoso"
        )
    for label, value in {"letters": "abcde", "short": "411", "emoji": "🔥🔥🔥🔥🔥"}.items():
        cases[f"address-postal-{label}"] = Case(
            "buyer", "post", "/alamat/baru/", address_form(postal_code=value), keep="Budi Santoso"
        )
    # Payment proofs.
    for label, content in {**BAD_PHOTOS, "pdf-without-end": b"%PDF-1.4\n" + b"x" * 2000}.items():
        cases[f"proof-{label}"] = Case("buyer", "post", "/pesanan/{order}/bayar/", {"proof": content})
    # Reviews.
    for label, value in BAD_NUMBERS.items():
        cases[f"review-rating-{label}"] = Case(
            "buyer", "post", "/pesanan/{done_order}/ulasan/", {"product": "{product_b}", "rating": value}
        )
    for label, value in BAD_IDS.items():
        cases[f"review-product-{label}"] = Case(
            "buyer", "post", "/pesanan/{done_order}/ulasan/", {"product": value, "rating": "5"}
        )
    cases["review-text-too-long"] = Case(
        "buyer",
        "post",
        "/pesanan/{done_order}/ulasan/",
        {"product": "{product_b}", "rating": "5", "text": "t" * 5000},
    )
    cases["review-own-product"] = Case(
        "vendor",
        "post",
        "/pesanan/{vendor_done_order}/ulasan/",
        {"product": "{product}", "rating": "5"},
    )
    # Search and listings (GET).
    for label, query in {
        "long-query": "q=" + "kripik" * 500, "null-query": "q=%00", "price-letters": "min_price=abc",
        "price-huge": "max_price=" + "9" * 40, "page-letters": "page=abc", "page-huge": "page=99999999999",
        "sort-bogus": "sort=drop", "province-bogus": "province=99", "rtl-query": "q=متجر",
        "emoji-query": "q=🍜", "broken-utf8": "q=%ff%fe",
    }.items():  # fmt: skip
        cases[f"search-{label}"] = Case("anonymous", "get", f"/cari/?{query}", expect="either")
    # Addresses that do not exist.
    for label, path in {
        "order-number-junk": "/pesanan/%3Cscript%3E/", "product-id-huge": "/dashboard/{shop}/produk/99999999999999999999/",
        "proof-id-huge": "/pesanan/bukti/99999999999999999999/", "checkout-done-huge": "/checkout/99999999999999999999/",
        "image-action-bogus": "/dashboard/{shop}/produk/{product}/foto/1/meledak/",
    }.items():  # fmt: skip
        cases[f"url-{label}"] = Case("vendor" if "{shop}" in path else "buyer", "get", path, expect="either")
    # Dinas staff.
    cases["admin-status-id-letters"] = Case(
        "staff", "get", "/admin/vendors/shop/abc/status/suspended/", expect="either"
    )
    cases["admin-status-bogus"] = Case(
        "staff", "post", "/admin/vendors/shop/{shop_id}/status/meledak/", {"reason": "x"}, "either"
    )
    cases["admin-suspend-shop-with-line-break"] = Case(
        "staff",
        "post",
        "/admin/vendors/shop/{broken_shop_id}/status/suspended/",
        {"reason": "Spam\r\nBcc: x@y.z"},
        "ok",
    )
    cases["report-product-reason-empty"] = Case(
        "buyer",
        "post",
        "/toko/{shop}/{product_slug}/laporkan/",
        {"reason": "", "details": "x" * 5000},
        "either",
    )
    return cases


CASES = build_cases()


def test_the_table_is_large_enough():
    assert len(CASES) >= 100


# --- The world the cases run in ----------------------------------------------------------------


@pytest.fixture
def world(buyer, shop_a_owner, shop_a, shop_b, product_a, product_b, address):
    order = buy(buyer, (product_b, 1)).orders.get()
    done = buy(buyer, (product_b, 1)).orders.get()
    type(done).objects.filter(pk=done.pk).update(status=OrderStatus.COMPLETED)
    # The seller's own completed order, as could exist from before the rule (see test_own_shop).
    vendor_done = buy(buyer, (product_a, 1)).orders.get()
    type(vendor_done).objects.filter(pk=vendor_done.pk).update(
        status=OrderStatus.COMPLETED, buyer=shop_a_owner
    )
    cart = Cart.objects.get_or_create(user=buyer)[0]
    item = CartItem.objects.create(
        cart=cart, product=product_b, variant=product_b.variants.get(), quantity=1, price_seen=product_b.price
    )
    # A name saved with a line break before names were tidied: staff must still be able to act on it.
    Shop.objects.filter(pk=shop_b.pk).update(name="Batik Pak Bayu\nBcc: spam@example.com")
    return {
        "shop": shop_a.slug, "shop_id": shop_a.pk, "shop_b_id": shop_b.pk, "broken_shop_id": shop_b.pk,
        "product": product_a.pk, "product_slug": product_a.slug, "product_b": product_b.pk,
        "category": product_a.category_id, "order": order.number,
        "done_order": done.number, "vendor_done_order": vendor_done.number, "item": item.pk,
        "address": address.pk,
    }  # fmt: skip


def client_for(who, users):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(users[who])
    return client


def fill(value, world):
    if isinstance(value, str):
        for key, replacement in world.items():
            value = value.replace("{" + key + "}", str(replacement))
        return value
    if isinstance(value, bytes):
        return upload(value)
    return value


def counts():
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


@pytest.fixture
def users(buyer, shop_a_owner):
    return {
        "buyer": buyer,
        "vendor": shop_a_owner,
        "staff": make_user("dinas@example.com", is_staff=True, is_superuser=True),
    }


def is_clear(response):
    text = response.content.decode(errors="replace")
    return response.status_code in (400, 403, 404, 405) or any(marker in text for marker in ERROR_MARKERS)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name, world, users, django_capture_on_commit_callbacks):
    case = CASES[name]
    url = fill(case.url, world)
    data = {fill(key, world): fill(value, world) for key, value in case.data.items()}
    before = counts()

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client_for(case.who, users), case.method)(url, data, follow=True)

    text = response.content.decode(errors="replace")
    RESULTS[name] = (response.status_code, is_clear(response))
    assert response.status_code < 500, f"{name}: {response.status_code}"
    assert "Traceback" not in text
    if case.expect == "error":
        assert is_clear(response), f"{name}: no message shown"
        assert counts() == before, f"{name}: something was written"
        if case.keep:
            assert case.keep in text, f"{name}: what was typed is lost"
    elif case.expect == "ok":
        shop = Shop.objects.get(slug=world["shop"])
        assert not CONTROL.search(shop.name + shop.opening_hours), shop.name
        for product in Product.objects.filter(shop=shop):
            assert not CONTROL.search(product.name), product.name


RESULTS = {}


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    if RESULTS:
        clear = sum(1 for _status, shown in RESULTS.values() if shown)
        failed = sum(1 for status, _shown in RESULTS.values() if status >= 500)
        print(f"\nbad inputs tried: {len(RESULTS)}, with a clear message or 4xx: {clear}, 5xx: {failed}")


def test_the_same_forms_accept_good_input(world, users):
    """The table's refusals come from the bad values, not from a broken form."""
    vendor, buyer = client_for("vendor", users), client_for("buyer", users)

    assert vendor.post(fill("/dashboard/{shop}/pengaturan/", world), shop_settings()).status_code == 302
    product = {key: fill(value, world) for key, value in product_form().items()}
    assert vendor.post(fill("/dashboard/{shop}/produk/baru/", world), product).status_code == 302
    assert buyer.post("/alamat/baru/", address_form()).status_code == 302
    proof = buyer.post(f"/pesanan/{world['order']}/bayar/", {"proof": upload(phone_jpeg())})
    assert proof.status_code == 302
    assert Order.objects.get(number=world["order"]).status == OrderStatus.PAYMENT_SUBMITTED
