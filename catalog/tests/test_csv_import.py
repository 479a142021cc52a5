import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import csv_import
from catalog.models import Product

pytestmark = pytest.mark.django_db

HEADER = "name,category,price,stock,sku,description\n"


def csv_file(text, encoding="utf-8"):
    return SimpleUploadedFile("produk.csv", text.encode(encoding), content_type="text/csv")


def import_url(shop):
    return f"/dashboard/{shop.slug}/produk/impor/"


def test_the_template_downloads_and_imports_cleanly(vendor_client, shop_a):
    response = vendor_client.get(f"/dashboard/{shop_a.slug}/produk/impor/templat.csv")
    assert response["Content-Type"].startswith("text/csv")
    template = response.content.decode()
    assert template.splitlines()[0] == ",".join(csv_import.COLUMNS)

    result = vendor_client.post(import_url(shop_a), {"file": csv_file(template)})

    assert result.status_code == 302
    assert sorted(Product.objects.values_list("name", "price", "status")) == [
        ("Batik Tulis Motif Sekar Jagad", 350000, "draft"),
        ("Keripik Singkong Balado 250 g", 15000, "active"),
    ]


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(vendor_client, shop_a):
    text = HEADER + (
        "Rengginang Udang,makanan-ringan,20000,10,R-1,Gurih\n"
        "Opak,makanan-ringan,-5,3,,\n"
        "   ,makanan-ringan,1000,1,,\n"
        "Kerupuk,tidak-ada,1000,x,,\n"
        "Dodol Garut 🍬,makanan-ringan,Rp12.000,4,,Manis\n"
    )

    response = vendor_client.post(import_url(shop_a), {"file": csv_file(text)})

    assert response.status_code == 400
    assert not Product.objects.exists()
    report = response.context["report"].problems
    assert [line for line, _ in report] == [3, 4, 5]
    html = response.text
    assert "Baris 3" in html and "Harga minimal Rp1." in html
    assert "Tulis nama produk." in html
    assert "Kategori tidak dikenal" in html and "Tulis stok sebagai bilangan bulat" in html


def test_semicolon_separated_files_from_indonesian_spreadsheets_work(vendor_client, shop_a):
    text = "name;category;price;stock\nKeripik Pisang;makanan-ringan;15.000;5\n"

    assert vendor_client.post(import_url(shop_a), {"file": csv_file(text)}).status_code == 302
    assert Product.objects.get().price == 15000


@pytest.mark.parametrize(
    "text, encoding, message",
    [
        ("nama,harga\nKeripik,1000\n", "utf-8", "Kolom tidak sesuai templat"),
        (HEADER + "Kue\x00Lapis,kue-roti,1000,1,,\n", "utf-8", "bukan teks CSV"),
        ("", "utf-8", "kosong"),
        (HEADER, "utf-8", "tidak ada produk"),
        (HEADER + "A,kue-roti,1000,1,,,extra,values\n", "utf-8", "lebih banyak nilai"),
    ],
    ids=["wrong-headers", "binary", "empty", "header-only", "extra-values"],
)
def test_a_wrong_file_is_refused_with_a_clear_message(vendor_client, shop_a, text, encoding, message):
    response = vendor_client.post(import_url(shop_a), {"file": csv_file(text, encoding)})

    assert response.status_code == 400
    assert message in response.text
    assert not Product.objects.exists()


def test_import_goes_only_to_the_shop_in_the_url(vendor_client, shop_a, shop_b):
    response = vendor_client.post(import_url(shop_b), {"file": csv_file(HEADER + "A,kue-roti,1000,1,,\n")})

    assert response.status_code == 404
    assert not Product.objects.exists()


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_files_from_older_spreadsheets_are_decoded_by_their_content(vendor_client, shop_a, encoding):
    text = HEADER + "Kue Lapis Legit Ñ,kue-roti,1000,1,,Manis\n"

    response = vendor_client.post(import_url(shop_a), {"file": csv_file(text, encoding)})

    assert response.status_code == 302
    assert Product.objects.get().name == "Kue Lapis Legit Ñ"


def test_a_cell_over_the_csv_modules_limit_is_refused_with_a_message(vendor_client, shop_a):
    text = HEADER + 'Kue,kue-roti,1000,1,,"' + "x" * 140_000 + '"\n'

    response = vendor_client.post(import_url(shop_a), {"file": csv_file(text)})

    assert response.status_code == 400
    assert "tidak bisa dibaca sebagai CSV" in response.text
    assert not Product.objects.exists()


def test_a_long_cell_under_the_csv_limit_is_refused_with_its_line(vendor_client, shop_a):
    text = HEADER + 'Kue,kue-roti,1000,1,,"' + "x" * 20_000 + '"\n'

    response = vendor_client.post(import_url(shop_a), {"file": csv_file(text)})

    assert response.status_code == 400
    assert "Baris 2 berisi sel lebih dari 10000 karakter" in response.text
