"""The report tables and the shop register as CSV and XLSX, filtered like the screen."""

import csv
import io
import re
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from reports import money, selectors

# Spreadsheets read a cell starting with one of = + - @ as a formula, and shop names, owners and
# streets are typed by vendors. A program that splits a line on another separator than ours (a
# comma, a tab), or ignores the quotes, starts a new cell after any separator or quote, so an
# apostrophe goes before every such character at the start of the cell and after each of
# ; , tab, line break and ". A spreadsheet shows the apostrophe-led text as text.
FORMULA_AFTER_SEPARATOR = re.compile(r"(^|[;,\t\r\n\"])(?=[=+\-@])")
CSV_DELIMITER = ";"  # what Excel set to Indonesian (decimal comma) splits on

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    name: str
    title: str
    headers: list
    rows: list
    # A last line of totals (written after the rows), and how many columns hold words, not rupiah.
    total: list | None = None
    text_columns: int = 1


def month_label(month):
    return date_format(month, "F Y")


def monthly_table(filters):
    rows = [
        [month_label(r["month"]), r["shops"], r["orders"], r["sales_orders"], r["sales"]]
        for r in selectors.monthly(filters)
    ]
    headers = [_("Month"), _("Shops onboarded"), _("Orders placed"), _("Orders sold"), _("Sales (Rp)")]
    return Table("per-bulan", _("By month"), headers, rows)


def categories_table(filters):
    rows = [[r["category"], r["items"], r["sales"]] for r in selectors.sales_by_category(filters)]
    return Table("kategori", _("Sales by category"), [_("Category"), _("Items sold"), _("Sales (Rp)")], rows)


def _area_table(name, title, area_label, areas):
    headers = [
        _("Code"),
        area_label,
        _("Active shops"),
        _("Shops with a sale"),
        _("Orders sold"),
        _("Sales (Rp)"),
    ]
    rows = [[a["code"], a["name"], a["shops"], a["selling_shops"], a["orders"], a["sales"]] for a in areas]
    return Table(name, title, headers, rows)


def regencies_table(filters):
    areas = selectors.by_regency(filters)
    return _area_table("kabupaten-kota", _("By regency or city"), _("Regency or city"), areas)


def districts_table(filters):
    return _area_table("kecamatan", _("By district"), _("District"), selectors.by_district(filters))


def top_shops_table(filters):
    rows = [[r["name"], r["regency"] or "", r["orders"], r["sales"]] for r in selectors.top_shops(filters)]
    headers = [_("Shop"), _("Regency or city"), _("Orders sold"), _("Sales (Rp)")]
    return Table("toko-teratas", _("Top shops"), headers, rows)


def expos_table(filters):
    rows = [
        [e["name"], e["starts_on"], e["ends_on"], e["shops"], e["visits"], e["orders"], e["sales"]]
        for e in selectors.expo_figures(filters)
    ]
    headers = [
        _("Expo"),
        _("First day"),
        _("Last day"),
        _("Shops"),
        _("Visits"),
        _("Orders sold"),
        _("Sales (Rp)"),
    ]
    return Table("expo", _("Virtual expos"), headers, rows)


def shops_table(filters):
    headers = [
        _("Shop"), _("Owner"), _("Owner's e-mail"), _("WhatsApp"), _("Street address"),
        _("District code"), _("District"), _("Regency code"), _("Regency or city"),
        _("Province code"), _("Province"), _("Postal code"), _("Status"), _("Communities"), _("NIB"),
        _("Date onboarded"), _("Products"), _("Orders sold"), _("Sales (Rp)"),
    ]  # fmt: skip
    rows = []
    for shop in selectors.shop_register(filters):
        owner = shop.owners[0].user if shop.owners else None
        district = shop.district
        regency = district.regency if district else None
        province = regency.province if regency else None
        rows.append([
            shop.name, owner.get_full_name() if owner else "", owner.email if owner else "", shop.whatsapp,
            shop.street_address, district.code if district else "", district.name if district else "",
            regency.code if regency else "", regency.name if regency else "",
            province.code if province else "", province.name if province else "", shop.postal_code,
            shop.get_status_display(), ", ".join(c.name for c in shop.communities.all()), shop.nib,
            shop.approved_at.date() if shop.approved_at else "", shop.product_total, shop.order_total,
            shop.sales_total,
        ])  # fmt: skip
    return Table("toko", _("Shops"), headers, rows)


# --- The money report ---------------------------------------------------------------------------


def _money_headers(*first):
    return [*first, *(f"{label} (Rp)" for _name, label in money.FIGURES)]


def _money_values(row):
    return [row[name] for name, _label in money.FIGURES]


def money_tables(report) -> dict:
    """The money report's three tables (the page and the exports read the same ones)."""
    total = _money_values(report.total)
    monthly = Table(
        "uang-per-bulan",
        _("Money by month"),
        _money_headers(_("Month")),
        [[month_label(r["month"]), *_money_values(r)] for r in report.monthly],
        total=[_("Total"), *total],
    )
    shops = Table(
        "uang-per-toko",
        _("Money by shop"),
        _money_headers(_("Shop"), _("Regency or city")),
        [
            [r["name"] or _("Not a shop's (paid after expiry)"), r["regency"], *_money_values(r)]
            for r in report.shops
        ],
        total=[_("Total"), "", *total],
        text_columns=2,
    )
    communities = Table(
        "uang-per-komunitas",
        _("Money by community"),
        _money_headers(_("Community")),
        [[_community_name(r), *_money_values(r)] for r in report.communities],
        total=[_("Total"), *total],
    )
    return {table.name: table for table in (monthly, shops, communities)}


def _community_name(row):
    if row.get("kind") == "none":
        return _("Shops in no community")
    if row.get("kind") == "no_shop":
        return _("Not a shop's (paid after expiry)")
    return row["name"]


TABLES = {
    "toko": shops_table,
    "per-bulan": monthly_table,
    "kategori": categories_table,
    "kabupaten-kota": regencies_table,
    "kecamatan": districts_table,
    "toko-teratas": top_shops_table,
    "expo": expos_table,
}


def plain(value):
    """A lazily translated label (a total's "Total") as the text it stands for."""
    return str(value) if isinstance(value, Promise) else value


def spreadsheet_safe(value):
    if isinstance(value, str):
        return FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    return value


def _filename(table, filters, extension):
    return f"{table.name}_{filters.start:%Y-%m}_{filters.end:%Y-%m}.{extension}"


def as_csv(table, filters) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, filters, "csv")}"'
    # A byte-order mark so that Excel reads the UTF-8 names (é, ’) correctly.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=CSV_DELIMITER, quoting=csv.QUOTE_ALL)
    writer.writerow([spreadsheet_safe(str(h)) for h in table.headers])
    for row in [*table.rows, *([table.total] if table.total else [])]:
        writer.writerow([spreadsheet_safe(plain(value)) for value in row])
    return response


def as_xlsx(table, filters) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(table.title)[:31]
    sheet.append([str(h) for h in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(cell.value) + 2)
    sheet.freeze_panes = "A2"
    for row in [*table.rows, *([table.total] if table.total else [])]:
        sheet.append([plain(value) for value in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            # Text stays text: a name starting with "=" must never become a formula.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, filters, "xlsx")}"'
    return response
