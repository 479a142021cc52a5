"""Exports open in a spreadsheet library and hold the rows the screen filter chose."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from marketplace.models import User
from vendors.models import Shop

Q1 = {"start": "2026-01", "end": "2026-03"}


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def export(client, table, fmt, **params):
    return client.get(reverse("reports:export", args=[table, fmt]), {**Q1, **params})


def test_the_shop_list_as_csv_has_owner_region_codes_and_figures(moderator_client, dataset):
    rows = read_csv(export(moderator_client, "toko", "csv"))

    header, body = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert len(header) == 19
    assert set(body) == {"Dapur Ani", "Batik Bayu", "Gonggong Citra", "Toko Baru"}
    ani = list(body["Dapur Ani"].values())
    assert ani[2] == "owner0@example.com"
    assert ani[5:11] == ["32.14.01", "Purwakarta", "32.14", "Kabupaten Purwakarta", "32", "Jawa Barat"]
    assert "Koperasi Maju Bersama" in ani[13]
    assert ani[15] == "2026-01-10"
    assert ani[16:] == ["1", "2", "45000"]


def test_the_shop_list_as_xlsx_follows_the_community_filter(moderator_client, dataset):
    batik = dataset["communities"]["batik"]

    rows = read_xlsx(export(moderator_client, "toko", "xlsx", community=batik.pk))

    assert [row[0] for row in rows[1:]] == ["Batik Bayu"]
    assert rows[1][16:] == [1, 1, 200_000]


def test_the_shop_list_follows_the_region_filter(moderator_client, dataset):
    rows = read_csv(export(moderator_client, "toko", "csv", regency="21.71"))

    assert [row[0] for row in rows[1:]] == ["Gonggong Citra"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_monthly_table_matches_the_screen(moderator_client, dataset, fmt):
    response = export(moderator_client, "per-bulan", fmt)
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)

    sales = [str(row[4]) for row in rows[1:]]
    assert sales == ["30000", "15000", "300000"]
    assert 'filename="per-bulan_2026-01_2026-03.' in response["Content-Disposition"]


def test_every_report_table_exports(moderator_client, dataset):
    for table in ["kategori", "kabupaten-kota", "kecamatan", "toko-teratas", "expo"]:
        assert len(read_xlsx(export(moderator_client, table, "xlsx"))) >= 1
        assert len(read_csv(export(moderator_client, table, "csv"))) >= 1
    regencies = read_csv(export(moderator_client, "kabupaten-kota", "csv", province="21"))
    assert [row[1] for row in regencies[1:]] == ["Kota Batam"]


def test_a_name_that_looks_like_a_formula_stays_text(moderator_client, dataset):
    Shop.objects.filter(pk=dataset["shops"]["citra"].pk).update(name='=HYPERLINK("http://x","y")')

    csv_rows = read_csv(export(moderator_client, "toko", "csv", regency="21.71"))
    response = export(moderator_client, "toko", "xlsx", regency="21.71")
    sheet = load_workbook(io.BytesIO(response.content)).active

    assert csv_rows[1][0].startswith("'=")
    assert sheet["A2"].data_type == "s"


def test_the_csv_is_quoted_semicolon_separated_utf8_with_a_byte_order_mark(moderator_client, dataset):
    content = export(moderator_client, "toko", "csv").content

    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig").startswith('"Toko";"Pemilik";')


FORMULA_CHARACTERS = ("=", "+", "-", "@")


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_no_cell_starts_a_formula_whatever_separator_the_spreadsheet_splits_on(
    moderator_client, dataset, delimiter
):
    citra = dataset["shops"]["citra"]
    Shop.objects.filter(pk=citra.pk).update(
        name="Toko Citra;=cmd|' /C calc'!A0",
        street_address='Jl. Mawar, +SUM(1+1)\n@SUM(2)\t-3+3;"=HYPERLINK(""http://x"")',
        whatsapp="+6281234567890",
    )
    owner = citra.members.get().user
    owner.first_name, owner.last_name = "Budi,=1+1", "-2+2"
    owner.save()

    text = export(moderator_client, "toko", "csv", regency="21.71").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]

    assert [cell for cell in cells if cell.startswith(FORMULA_CHARACTERS)] == []
    assert any("Toko Citra" in cell for cell in cells)


def test_an_unknown_table_is_404(moderator_client, db):
    assert moderator_client.get(reverse("reports:export", args=["users", "csv"])).status_code == 404


def test_the_owner_column_holds_the_name_given_at_sign_up(moderator_client, dataset):
    User.objects.filter(email="owner0@example.com").update(full_name="Ani Rahayu", first_name="")

    rows = read_csv(export(moderator_client, "toko", "csv"))

    ani = next(row for row in rows[1:] if row[0] == "Dapur Ani")
    assert ani[1:3] == ["Ani Rahayu", "owner0@example.com"]
