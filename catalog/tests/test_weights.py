"""Weights and packed sizes: the product form, the variant rows, the CSV import and download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import csv_import
from catalog.models import Product, ProductVariant
from catalog.tests.test_dashboard import create_url, form_data
from shipping.models import ShopCourierService, ShopShippingProfile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client, settings):
    """Messages are asserted in English (the footer's language switch); Indonesian has its own test."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def ships_by_courier(shop_a):
    """The shop switched JNE REG on and has no default weight: every product needs a weight."""
    ShopCourierService.objects.create(shop=shop_a, service="jne:REG")
    return shop_a


def post_product(client, shop, **changes):
    return client.post(create_url(shop), form_data(**changes))


def errors_of(response, field="weight_grams"):
    return response.context["form"].errors.get(field, [])


def test_weight_and_packed_size_are_saved(vendor_client, shop_a):
    response = post_product(
        vendor_client, shop_a, weight_grams="1.250", length_cm="30", width_cm="20", height_cm="10"
    )

    assert response.status_code == 302
    product = Product.objects.get()
    assert (product.weight_grams, product.length_cm, product.width_cm, product.height_cm) == (
        1250,
        30,
        20,
        10,
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "at least 1 gram"),
        ("1000000", "at most 500,000 grams"),  # 1,000 kg typed in grams
        ("2.5", "whole number of grams"),
        ("dua ratus", "whole number of grams"),
    ],
)
def test_impossible_weights_are_refused_with_a_message(vendor_client, shop_a, typed, message):
    response = post_product(vendor_client, shop_a, weight_grams=typed)

    assert response.status_code == 400
    assert any(message in error for error in errors_of(response))
    assert not Product.objects.exists()


@pytest.mark.parametrize("typed", ["0", ""])
def test_no_weight_is_fine_for_a_shop_without_couriers(vendor_client, shop_a, typed):
    assert post_product(vendor_client, shop_a, weight_grams=typed).status_code == 302
    assert Product.objects.get().weight_grams == 0


@pytest.mark.parametrize("typed", ["0", ""])
def test_no_weight_is_refused_when_the_shop_ships_by_courier(vendor_client, ships_by_courier, typed):
    response = post_product(vendor_client, ships_by_courier, weight_grams=typed)

    assert response.status_code == 400
    assert "couriers price the parcel by it" in errors_of(response)[0]
    assert "default weight per item" in errors_of(response)[0]
    assert not Product.objects.exists()


def test_a_default_weight_lets_products_go_without_one(vendor_client, ships_by_courier):
    ShopShippingProfile.objects.create(shop=ships_by_courier, default_weight_grams=300)

    assert post_product(vendor_client, ships_by_courier, weight_grams="0").status_code == 302


def test_variants_may_carry_the_weight_instead_of_the_product(vendor_client, ships_by_courier):
    two_sizes = {
        "weight_grams": "", "variants-0-name": "250 g", "variants-0-weight_grams": "260",
        "variants-1-name": "1 kg", "variants-1-price": "45000", "variants-1-stock": "4",
        "variants-1-weight_grams": "1050",
    }  # fmt: skip
    assert post_product(vendor_client, ships_by_courier, **two_sizes).status_code == 302
    assert sorted(ProductVariant.objects.values_list("name", "weight_grams")) == [
        ("1 kg", 1050),
        ("250 g", 260),
    ]

    # One variant without a weight of its own, and none on the product: refused.
    response = post_product(
        vendor_client, ships_by_courier, **{**two_sizes, "variants-1-weight_grams": "", "sku": "X"}
    )
    assert response.status_code == 400 and errors_of(response)


def test_a_variant_weight_overrides_the_products(vendor_client, shop_a):
    post_product(vendor_client, shop_a, weight_grams="250", **{"variants-0-weight_grams": "300"})

    variant = ProductVariant.objects.get()
    assert (variant.product.weight_grams, variant.weight_grams) == (250, 300)


def test_a_variant_weight_of_1000_kg_is_refused(vendor_client, shop_a):
    response = post_product(vendor_client, shop_a, **{"variants-0-weight_grams": "1000000"})

    assert response.status_code == 400
    assert "500,000 grams" in str(response.context["variants"].errors)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ({"length_cm": "30"}, "together"),
        ({"length_cm": "30", "width_cm": "20", "height_cm": "0"}, "at least 1 cm"),
        ({"length_cm": "30", "width_cm": "20", "height_cm": "-1"}, "at least 1 cm"),
        ({"length_cm": "3000", "width_cm": "20", "height_cm": "10"}, "at most 500 cm"),
        ({"length_cm": "tiga", "width_cm": "20", "height_cm": "10"}, "whole number of centimetres"),
    ],
)
def test_bad_sizes_are_refused(vendor_client, shop_a, sizes, message):
    response = post_product(vendor_client, shop_a, **sizes)

    assert response.status_code == 400
    form_errors = response.context["form"].errors
    assert any(message in error for errors in form_errors.values() for error in errors)


# --- CSV ----------------------------------------------------------------------------------------


def upload(client, shop, text):
    file = SimpleUploadedFile("produk.csv", text.encode(), content_type="text/csv")
    return client.post(f"/dashboard/{shop.slug}/produk/impor/", {"file": file})


def problems(response):
    return [(line, " ".join(messages)) for line, messages in response.context["report"].problems]


def test_csv_rows_bring_weights_and_sizes(vendor_client, shop_a):
    text = (
        "name,category,price,stock,weight_grams,length_cm,width_cm,height_cm\n"
        "Kopi Robusta 500 g,makanan-ringan,60000,5,520,20,12,6\n"
        "Kopi Bubuk 100 g,makanan-ringan,18000,9,110,,,\n"
    )
    assert upload(vendor_client, shop_a, text).status_code == 302
    assert sorted(
        Product.objects.values_list("name", "weight_grams", "length_cm", "width_cm", "height_cm")
    ) == [
        ("Kopi Bubuk 100 g", 110, None, None, None),
        ("Kopi Robusta 500 g", 520, 20, 12, 6),
    ]


def test_an_old_file_without_the_new_columns_still_imports(vendor_client, shop_a):
    text = "name,category,price,stock,weight_grams\nKopi Robusta,makanan-ringan,60000,5,500\n"

    assert upload(vendor_client, shop_a, text).status_code == 302
    assert Product.objects.get().weight_grams == 500


def test_csv_rows_with_bad_weights_are_reported_and_nothing_is_imported(vendor_client, ships_by_courier):
    text = (
        "name,category,price,stock,weight_grams,length_cm,width_cm,height_cm\n"
        "Good,makanan-ringan,1000,1,250,,,\n"
        "Zero,makanan-ringan,1000,1,0,,,\n"
        "Empty,makanan-ringan,1000,1,,,,\n"
        "Negative,makanan-ringan,1000,1,-250,,,\n"
        "A tonne,makanan-ringan,1000,1,1000000,,,\n"
        "Text,makanan-ringan,1000,1,berat,,,\n"
        "Half a size,makanan-ringan,1000,1,250,20,,\n"
    )
    response = upload(vendor_client, ships_by_courier, text)

    assert response.status_code == 400
    assert not Product.objects.exists()
    found = dict(problems(response))
    assert sorted(found) == [3, 4, 5, 6, 7, 8]
    assert "couriers price the parcel" in found[3] and "couriers price the parcel" in found[4]
    assert "at least 1 gram" in found[5]
    assert "at most 500,000 grams" in found[6]
    assert "whole number of grams" in found[7]
    assert "together" in found[8]


def test_a_file_missing_a_required_column_is_refused_as_a_whole(vendor_client, shop_a):
    response = upload(vendor_client, shop_a, "name,category,weight_grams\nKopi,makanan-ringan,250\n")

    assert response.status_code == 400
    assert "missing columns: price, stock" in problems(response)[0][1]


def test_the_download_carries_weights_and_sizes_and_imports_back(vendor_client, shop_a):
    upload(
        vendor_client,
        shop_a,
        "name,category,price,stock,sku,weight_grams,length_cm,width_cm,height_cm\n"
        "Kopi Robusta,makanan-ringan,60000,5,KR-1,,,,\n",
    )
    downloaded = vendor_client.get(f"/dashboard/{shop_a.slug}/produk/ekspor.csv").content.decode()
    header, row = downloaded.splitlines()[:2]
    assert header == ",".join(csv_import.COLUMNS)
    assert row.endswith(",,,,5") and "KR-1" in row  # no sizes yet; the stock shown comes last

    # The seller adds the weight and size in a spreadsheet and imports the file back.
    columns = header.split(",")
    values = dict(zip(columns, row.split(","), strict=True))
    values.update(weight_grams="510", length_cm="20", width_cm="12", height_cm="6")
    edited = header + "\n" + ",".join(values[c] for c in columns) + "\n"
    assert upload(vendor_client, shop_a, edited).status_code == 302

    product = Product.objects.get()
    assert (product.weight_grams, product.length_cm, product.width_cm, product.height_cm) == (510, 20, 12, 6)
    assert Product.objects.count() == 1
    assert "510" in vendor_client.get(f"/dashboard/{shop_a.slug}/produk/ekspor.csv").content.decode()


def test_the_sellers_read_the_messages_in_indonesian_first(vendor_client, ships_by_courier, settings):
    del vendor_client.cookies[settings.LANGUAGE_COOKIE_NAME]

    response = post_product(vendor_client, ships_by_courier, weight_grams="0")
    assert "kurir menghitung ongkir dari berat paket" in errors_of(response)[0]

    response = post_product(vendor_client, ships_by_courier, weight_grams="1000000")
    assert "berat ditulis dalam gram, bukan kilogram" in errors_of(response)[0]
