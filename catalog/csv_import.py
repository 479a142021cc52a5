"""Importing products from a CSV file: all rows or none, with a report of every bad row."""

import csv
import io
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from catalog import services, stock, weights
from catalog.forms import ProductForm, RupiahField, StockField
from catalog.models import Category, Product, ProductVariant
from marketplace.csv_columns import column_problem, header_names
from marketplace.pagecache import storefront_changed
from marketplace.text import decode_text_file

MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
MAX_CELL = 10_000  # the longest field (a description) holds 3,000 characters
REQUIRED_COLUMNS = ["name", "category", "price", "stock"]
OPTIONAL_COLUMNS = [
    "description", "sku", "weight_grams", "min_order_quantity", "condition", "halal_certificate",
    "pirt_number", "status", "length_cm", "width_cm", "height_cm", "stock_shown",
]  # fmt: skip
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
EXAMPLE_ROWS = [
    ["Keripik Singkong Balado 250 g", "makanan-ringan", "15000", "40", "Renyah, pedas manis.", "KRP-250",
     "250", "1", "new", "ID32110000123456", "2063214010123-27", "active", "20", "15", "5", ""],
    ["Batik Tulis Motif Sekar Jagad", "batik", "350000", "5", "Katun primisima, 2 x 1,15 m.", "BTK-SJ",
     "300", "1", "new", "", "", "draft", "", "", "", ""],
]  # fmt: skip


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    problems: list = field(default_factory=list)  # [(line number or None, [messages])]

    @property
    def ok(self):
        return not self.problems


class CsvRowForm(ProductForm):
    """A row is checked like the dashboard form, with the category given by its slug.

    Price and stock go to the product's single variant; `stock_shown` is the stock the vendor's
    file was made from (filled by the product download), needed to change an existing SKU's stock.
    """

    price = RupiahField(label=_("Price (Rp)"))
    stock = StockField(label=_("Stock"))
    stock_shown = StockField(label=_("Stock as shown"), required=False)

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": _("Unknown category; use a slug from the template's list.")},
    )

    def __init__(self, data, *, shop):
        data = {**data}
        data.setdefault("status", Product.Status.ACTIVE)
        data["status"] = data["status"] or Product.Status.ACTIVE
        data["condition"] = data.get("condition") or Product.Condition.NEW
        data["min_order_quantity"] = data.get("min_order_quantity") or "1"
        super().__init__(data, instance=Product(shop=shop))


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return buffer.getvalue()


def read_rows(upload):
    """(rows as dicts, None) or (None, a message about the whole file)."""
    if upload.size > MAX_BYTES:
        return None, _("The file is larger than 2 MB; split it into smaller files.")
    text, _problem = decode_text_file(upload.read())
    if text is None:
        return None, _("The file is not CSV text. In your spreadsheet choose “Save as” → “CSV UTF-8”.")
    if not text.strip():
        return None, _("The file is empty.")
    first_line = text.splitlines()[0]
    # Spreadsheets set to Indonesian write ';' between columns, because ',' is the decimal mark.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return checked_rows(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        # A cell longer than the csv module's 128 KB limit, or a stray quote across the file.
        return None, _(
            "The file could not be read as CSV (a cell is far too long or a quote is not closed). "
            "Use the template and save it as “CSV UTF-8”."
        )


def checked_rows(reader):
    headers = header_names(reader)
    if problem := column_problem(headers, required=REQUIRED_COLUMNS, known=COLUMNS):
        return None, problem
    reader.fieldnames = headers
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            return None, _("At most %(max)s products per file.") % {"max": MAX_ROWS}
        extra = row.pop(None, None) is not None
        values = {key: (value or "").strip() for key, value in row.items()}
        if any(len(value) > MAX_CELL for value in values.values()):
            return None, _("Line %(line)s has a cell longer than %(max)s characters.") % {
                "line": reader.line_num,
                "max": MAX_CELL,
            }
        if extra:
            values["__extra__"] = True
        rows.append(values)
    if not rows:
        return None, _("The file has the column names but no products.")
    return rows, None


def import_products(*, shop, upload) -> ImportReport:
    """Check every row first; then create new products and update existing SKUs, all or nothing.

    A row whose SKU is already one of the shop's variants updates that variant's price, and its
    stock when the vendor typed a number other than `stock_shown`: only if the stock is still
    `stock_shown` (catalog.stock.adjust), so an old file never writes over sales made since.
    """
    report = ImportReport()
    rows, problem = read_rows(upload)
    if problem:
        report.problems.append((None, [problem]))
        return report
    existing = existing_variants(shop, rows)
    weight_required = weights.weight_required(shop)
    new_forms, updates, weight_changes = [], [], []
    for line, row in enumerate(rows, start=2):  # line 1 holds the column names
        if row.pop("__extra__", False):
            report.problems.append((line, [_("This row has more values than there are columns.")]))
            continue
        form = CsvRowForm(row, shop=shop)
        if not form.is_valid():
            report.problems.append((line, row_messages(form)))
            continue
        variant = existing.get(form.cleaned_data["sku"]) if form.cleaned_data["sku"] else None
        if variant is None:
            form.weight_required = weight_required
            if form.check_weight():
                new_forms.append(form)
            else:
                report.problems.append((line, row_messages(form)))
            continue
        change, problem = update_for(variant, form.cleaned_data)
        if problem:
            report.problems.append((line, [problem]))
        else:
            updates.append((line, change))
            weight_changes.append(weight_change_for(variant, form.cleaned_data))
    if report.problems:
        return report
    try:
        with transaction.atomic():
            report.updated = services.set_prices_and_stock(shop=shop, changes=[c for _line, c in updates])
            report.updated = max(report.updated, services.set_weights(shop=shop, changes=weight_changes))
            for form in new_forms:
                create_from_row(shop, form.cleaned_data)
            storefront_changed()
    except stock.StockChangedMany as error:
        lines = {change.variant_id: line for line, change in updates}
        report.problems.extend(
            (lines[pk], [moved.messages[0]]) for pk, moved in error.errors_by_variant.items()
        )
        report.updated = 0
        return report
    report.created = len(new_forms)
    return report


def existing_variants(shop, rows):
    """SKU -> the shop's variant with that SKU, for the SKUs in the file (one query)."""
    skus = {row.get("sku") for row in rows if row.get("sku")}
    variants = ProductVariant.objects.filter(product__shop=shop, sku__in=skus)
    return {variant.sku: variant for variant in variants}


def update_for(variant, data):
    """(the change, None) or (None, why the row cannot change this SKU's stock)."""
    shown = data.get("stock_shown")
    if shown is None:
        if data["stock"] != variant.stock:
            return None, _(
                "This SKU already exists: to change its stock, fill stock_shown with the stock you "
                "started from (download your products to get it)."
            )
        shown = variant.stock
    return services.VariantChange(
        variant_id=variant.pk, price=data["price"], stock=data["stock"], stock_shown=shown
    ), None


def weight_change_for(variant, data):
    """An empty weight or size in a row leaves the stored one: old files have no such columns."""
    sizes = tuple(data.get(name) for name in ("length_cm", "width_cm", "height_cm"))
    return services.WeightChange(
        variant_id=variant.pk,
        weight_grams=data.get("weight_grams") or None,
        sizes=sizes if all(sizes) else None,
    )


def create_from_row(shop, data):
    fields = {name: data[name] for name in CsvRowForm._meta.fields}
    return services.create_product(shop=shop, price=data["price"], stock=data["stock"], **fields)


def products_csv(shop) -> str:
    """The shop's products in the import's columns, one row per variant with a SKU.

    `stock_shown` is filled with today's stock, so a file edited and imported later changes
    only the stock the vendor typed, and is refused where sales moved it meanwhile.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    variants = (
        ProductVariant.objects.filter(product__shop=shop)
        .exclude(sku="")
        .select_related("product__category")
        .order_by("product__name", "position", "id")
    )
    for variant in variants:
        product = variant.product
        writer.writerow(
            [
                variant.full_name, product.category.slug, variant.price, variant.stock, product.description,
                variant.sku, variant.weight_grams or product.weight_grams or "", product.min_order_quantity,
                product.condition, product.halal_certificate, product.pirt_number, product.status,
                product.length_cm or "", product.width_cm or "", product.height_cm or "", variant.stock,
            ]
        )  # fmt: skip
    return buffer.getvalue()


def row_messages(form):
    return [
        f"{form.fields[name].label if name in form.fields else name}: {message}"
        for name, messages in form.errors.items()
        for message in messages
    ]
