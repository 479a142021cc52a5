"""The vendor's product pages: create, edit with variants, photos, bulk edit, archive, bad input."""

import pytest

from catalog.models import Product, ProductImage, ProductVariant
from catalog.tests.factories import category, image_bytes, make_product, upload

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {
        "name": "Keripik Tempe Sagu", "category": category().pk, "description": "Gurih.\n\nTanpa pengawet.",
        "sku": "KT-01", "weight_grams": "150", "min_order_quantity": "1",
        "condition": "new", "halal_certificate": "", "pirt_number": "", "status": "active",
        "variants-TOTAL_FORMS": "2", "variants-INITIAL_FORMS": "0",
        "variants-0-name": "", "variants-0-price": "12.500", "variants-0-stock": "20", "variants-0-sku": "KT-01",
        "variants-1-name": "", "variants-1-price": "", "variants-1-stock": "", "variants-1-sku": "",
    }  # fmt: skip
    data.update(changes)
    return data


def create_url(shop):
    return f"/dashboard/{shop.slug}/produk/baru/"


def test_a_vendor_creates_a_product_with_variants_and_photos(
    vendor_client, shop_a, django_capture_on_commit_callbacks
):
    two_options = form_data(
        **{"variants-0-name": "Original", "variants-1-name": "Pedas", "variants-1-price": "13000",
           "variants-1-stock": "5"}
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = vendor_client.post(
            create_url(shop_a),
            {**two_options, "photos": [upload(), upload(image_bytes(500, 500, "PNG"), "b.png")]},
        )

    product = Product.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/dashboard/{shop_a.slug}/produk/{product.pk}/"
    )
    assert (product.name, product.slug, product.status) == (
        "Keripik Tempe Sagu",
        "keripik-tempe-sagu",
        "active",
    )
    assert list(product.variants.values_list("name", "price", "stock")) == [
        ("Original", 12500, 20),
        ("Pedas", 13000, 5),
    ]
    assert (product.price, product.stock) == (12500, 25)  # the listing figures follow the variants
    assert list(product.images.values_list("is_primary", "status")) == [(True, "ready"), (False, "ready")]
    assert vendor_client.get(product.get_absolute_url()).status_code == 200


def test_a_staff_member_can_manage_products_too(client, shop_a, password):
    from conftest import make_user
    from vendors.models import ShopMember

    staff = make_user("staf@example.com")
    ShopMember.objects.create(shop=shop_a, user=staff, role=ShopMember.Role.STAFF)
    client.login(email=staff.email, password=password)

    assert client.post(create_url(shop_a), form_data()).status_code == 302


def test_a_product_without_options_gets_one_default_variant(vendor_client, shop_a):
    vendor_client.post(create_url(shop_a), form_data())

    product = Product.objects.get()
    assert list(product.variants.values_list("name", "price", "stock", "sku")) == [("", 12500, 20, "KT-01")]
    assert (product.price, product.stock) == (12500, 20)  # "12.500" is whole rupiah


def test_a_product_needs_a_price_and_stock(vendor_client, shop_a):
    response = vendor_client.post(
        create_url(shop_a), form_data(**{"variants-0-price": "", "variants-0-stock": ""})
    )

    assert response.status_code == 400
    assert not Product.objects.exists()


def test_editing_changes_fields_and_deletes_a_variant(vendor_client, shop_a):
    product = make_product(
        shop_a,
        name="Kopi Bubuk",
        variants=[
            {"name": "250 g", "price": 30000, "stock": 3},
            {"name": "500 g", "price": 55000, "stock": 2},
        ],
    )
    old_slug = product.slug
    small, large = product.variants.all()
    data = form_data(
        name="Kopi Bubuk Robusta",
        **{"variants-TOTAL_FORMS": "2", "variants-INITIAL_FORMS": "2",
           "variants-0-id": str(small.pk), "variants-0-name": "250 g", "variants-0-price": "30000",
           "variants-0-stock": "3", "variants-0-stock_shown": "3", "variants-0-DELETE": "on",
           "variants-1-id": str(large.pk), "variants-1-name": "500 g", "variants-1-price": "50000",
           "variants-1-stock": "2", "variants-1-stock_shown": "2"},
    )  # fmt: skip

    response = vendor_client.post(f"/dashboard/{shop_a.slug}/produk/{product.pk}/", data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Kopi Bubuk Robusta"
    assert product.slug == old_slug == "kopi-bubuk"  # shared links keep working after a rename
    assert list(ProductVariant.objects.values_list("name", "price", "stock")) == [("500 g", 50000, 2)]
    assert (product.price, product.stock) == (50000, 2)


def test_list_searches_and_filters_by_status(vendor_client, shop_a, shop_b):
    make_product(shop_a, name="Sambal Bawang", sku="SB-1")
    make_product(shop_a, name="Sambal Terasi", status=Product.Status.DRAFT)
    make_product(shop_b, name="Sambal Orang Lain")

    def names(query):
        response = vendor_client.get(f"/dashboard/{shop_a.slug}/produk/{query}")
        return sorted(p.name for p in response.context["page"].object_list)

    assert names("") == ["Sambal Bawang", "Sambal Terasi"]
    assert names("?q=terasi") == ["Sambal Terasi"]
    assert names("?q=SB-1") == ["Sambal Bawang"]
    assert names("?status=draft") == ["Sambal Terasi"]


def test_archive_hides_the_product_from_buyers(vendor_client, client, shop_a):
    product = make_product(shop_a)

    vendor_client.post(f"/dashboard/{shop_a.slug}/produk/{product.pk}/arsip/")

    product.refresh_from_db()
    assert product.status == Product.Status.ARCHIVED
    assert client.get(product.get_absolute_url()).status_code == 404


def test_bulk_edit_saves_all_rows_or_none(vendor_client, shop_a):
    first = make_product(shop_a, name="A", price=1000, stock=1)
    second = make_product(shop_a, name="B", price=2000, stock=2)
    one, two = first.variants.get(), second.variants.get()
    url = f"/dashboard/{shop_a.slug}/produk/stok-harga/"

    bad = vendor_client.post(url, {f"price-{one.pk}": "5000", f"stock-{two.pk}": "-3"})

    assert bad.status_code == 400
    assert "Stok tidak boleh negatif." in bad.text
    assert 'value="5000"' in bad.text  # what was typed is kept
    first.refresh_from_db()
    assert first.price == 1000

    vendor_client.post(url, {f"price-{one.pk}": "Rp5.000", f"stock-{two.pk}": "7", f"shown-{two.pk}": "2"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.price, second.stock) == (5000, 7)


def test_photo_actions_set_the_primary_and_delete(vendor_client, shop_a, django_capture_on_commit_callbacks):
    product = make_product(shop_a)
    base = f"/dashboard/{shop_a.slug}/produk/{product.pk}/foto/"
    with django_capture_on_commit_callbacks(execute=True):
        vendor_client.post(base, {"photo": upload()})
        vendor_client.post(base, {"photo": upload()})
    first, second = product.images.all()

    vendor_client.post(f"{base}{second.pk}/utama/")
    assert ProductImage.objects.get(is_primary=True) == second
    vendor_client.post(f"{base}{second.pk}/hapus/")
    assert list(product.images.all()) == [first]
    assert ProductImage.objects.get().is_primary


def test_a_bad_photo_upload_shows_the_reason(vendor_client, shop_a):
    product = make_product(shop_a)

    response = vendor_client.post(
        f"/dashboard/{shop_a.slug}/produk/{product.pk}/foto/", {"photo": upload(b"teks biasa")}, follow=True
    )

    assert "Berkas ini bukan foto" in response.text or "not a photo" in response.text
    assert not ProductImage.objects.exists()


def test_a_failed_photo_shows_why_to_the_vendor(vendor_client, shop_a):
    product = make_product(shop_a)
    ProductImage.objects.create(
        product=product, original="x", status=ProductImage.Status.FAILED,
        failure_reason=ProductImage.FailureReason.UNREADABLE,
    )  # fmt: skip

    response = vendor_client.get(f"/dashboard/{shop_a.slug}/produk/{product.pk}/")

    assert "Foto tidak dapat dibaca" in response.text


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("variants-0-price", "-5000", "Harga minimal Rp1."),
        ("variants-0-price", "0", "Harga minimal Rp1."),
        ("variants-0-price", "1000000000001", "Harga paling banyak Rp1.000.000.000.000."),
        ("variants-0-price", "99999999999999999999999", "Harga paling banyak Rp1.000.000.000.000."),
        ("variants-0-price", "lima ribu", "Tulis harga dalam rupiah tanpa sen, misalnya 15000."),
        ("variants-0-price", "15000.5", "Tulis harga dalam rupiah tanpa sen, misalnya 15000."),
        ("variants-0-stock", "-1", "Stok tidak boleh negatif."),
        ("variants-0-stock", "sepuluh", "Tulis stok sebagai bilangan bulat, misalnya 10."),
        ("name", "     ", "Tulis nama produk."),
        (
            "name",
            "x" * 121,
            "Pastikan nilai ini mengandung paling banyak 120 karakter (sekarang 121 karakter).",
        ),
        ("variants-1-price", "-1", "Harga minimal Rp1."),
        ("variants-0-name", "   ", "Tulis nama varian."),
    ],
)
def test_bad_values_are_refused_with_a_translated_message_and_nothing_saved(
    vendor_client, shop_a, field, value, message
):
    # Two options: each needs a name (a single default variant may go without).
    data = form_data(
        **{"variants-0-name": "Original", "variants-1-name": "Pedas", "variants-1-price": "13000",
           "variants-1-stock": "5", field: value}
    )  # fmt: skip

    response = vendor_client.post(create_url(shop_a), data)

    assert response.status_code == 400
    assert message in response.text
    assert not Product.objects.exists() and not ProductVariant.objects.exists()
    assert 'value="Gurih.' not in response.text  # textarea keeps text as content, not attribute
    assert "Gurih.\n\nTanpa pengawet." in response.text  # nothing typed is lost
    if field != "name":
        assert 'value="Keripik Tempe Sagu"' in response.text


def test_english_messages_when_the_vendor_chose_english(vendor_client, shop_a):
    vendor_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = vendor_client.post(create_url(shop_a), form_data(**{"variants-0-price": "0"}))

    assert "The price must be at least Rp1." in response.text


def test_emoji_and_non_latin_names_work(vendor_client, client, shop_a):
    response = vendor_client.post(
        create_url(shop_a), form_data(name="Kue Bulan 月饼 🥮", description="Isi kacang merah 🫘")
    )

    product = Product.objects.get()
    assert response.status_code == 302
    assert product.name == "Kue Bulan 月饼 🥮" and product.slug == "kue-bulan"
    assert "Kue Bulan 月饼 🥮" in client.get(product.get_absolute_url()).text


def test_a_name_without_latin_letters_gets_a_working_address(vendor_client, client, shop_a):
    vendor_client.post(create_url(shop_a), form_data(name="月饼"))
    vendor_client.post(create_url(shop_a), form_data(name="🥮🥮"))

    slugs = sorted(Product.objects.values_list("slug", flat=True))
    assert slugs == ["produk", "produk-2"]
    assert all(client.get(p.get_absolute_url()).status_code == 200 for p in Product.objects.all())


def test_too_many_or_bad_photos_save_nothing_and_say_why(vendor_client, shop_a):
    too_many = vendor_client.post(create_url(shop_a), {**form_data(), "photos": [upload() for _ in range(9)]})
    bad = vendor_client.post(
        create_url(shop_a), {**form_data(), "photos": [upload(), upload(b"<svg/>", "x.svg")]}
    )

    assert too_many.status_code == bad.status_code == 400
    assert "Pilih paling banyak 8 foto." in too_many.text
    assert "x.svg:" in bad.text
    assert not Product.objects.exists() and not ProductImage.objects.exists()
