"""Importing courier tariffs from a CSV file: all rows or none, with a report of every bad row.

A row's key is (origin, destination, courier, service) within the import's scope (the whole
deployment, or one shop's own tariffs); a key already in the table gets the new prices and days,
so re-importing a corrected file is safe.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.csv_columns import column_problem, header_names
from marketplace.models import Province, Regency
from shipping.couriers import CourierService
from shipping.models import MAX_DAYS, MAX_TARIFF_PRICE, Tariff

MAX_ROWS = 50_000
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = [
    "origin",
    "destination",
    "courier",
    "service",
    "first_kg_fee",
    "next_kg_fee",
    "min_days",
    "max_days",
]
EXAMPLE_ROWS = [
    ["32.14", "21.71", "jne", "REG", "38000", "38000", "3", "5"],
    ["32.14", "33", "jnt", "EZ", "16000", "9000", "2", "4"],
]
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    problems: list = field(default_factory=list)  # [(line number or None, [messages])]

    @property
    def ok(self):
        return not self.problems


@dataclass(frozen=True)
class TariffRow:
    origin: str
    destination_regency: str | None
    destination_province: str | None
    courier: str
    service: str
    first_kg_fee: int
    next_kg_fee: int
    min_days: int
    max_days: int

    @property
    def key(self):
        return (self.origin, self.destination_regency, self.destination_province, self.courier, self.service)


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return buffer.getvalue()


def read_rows(raw: bytes):
    """(rows as dicts, None) or (None, a message about the whole file)."""
    if len(raw) > MAX_BYTES:
        return None, _("The file is larger than 5 MB; split it into smaller files.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, _("The file is not UTF-8 text. In your spreadsheet choose “Save as” → “CSV UTF-8”.")
    if not text.strip():
        return None, _("The file is empty.")
    first_line = text.splitlines()[0]
    # Spreadsheets set to Indonesian write ';' between columns, because ',' is the decimal mark.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    headers = header_names(reader)
    if problem := column_problem(headers, required=COLUMNS, known=COLUMNS):
        return None, problem
    reader.fieldnames = headers
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            return None, _("At most %(max)s tariffs per file.") % {"max": MAX_ROWS}
        extra = row.pop(None, None) is not None
        values = {key: (value or "").strip() for key, value in row.items()}
        if extra:
            values["__extra__"] = True
        rows.append(values)
    if not rows:
        return None, _("The file has the column names but no tariffs.")
    return rows, None


def whole_number(value: str, *, label: str, low: int, high: int, problems: list) -> int | None:
    text = value.replace("Rp", "").replace(" ", "")
    if THOUSANDS.match(text):
        text = text.replace(".", "")
    if text.startswith("-") and text[1:].isdigit():
        problems.append(_("%(column)s cannot be negative.") % {"column": label})
        return None
    if not text.isdigit():
        problems.append(
            _("%(column)s must be a whole number, got “%(value)s”.") % {"column": label, "value": value}
        )
        return None
    number = int(text)
    if not low <= number <= high:
        problems.append(
            _("%(column)s must be between %(low)s and %(high)s.")
            % {"column": label, "low": low, "high": high}
        )
        return None
    return number


def parse_row(row: dict, *, regencies: set, provinces: set) -> tuple[TariffRow | None, list]:
    problems = []
    origin = row["origin"]
    if origin not in regencies:
        problems.append(_("origin: unknown regency code “%(code)s” (for example 32.14).") % {"code": origin})
    destination = row["destination"]
    regency = province = None
    if destination in regencies:
        regency = destination
    elif destination in provinces:
        province = destination
    else:
        problems.append(
            _("destination: unknown regency or province code “%(code)s” (for example 21.71 or 33).")
            % {"code": destination}
        )
    pair = CourierService.of(row["courier"], row["service"])
    if pair is None:
        problems.append(
            _("courier and service: unknown pair “%(courier)s %(service)s”.")
            % {"courier": row["courier"], "service": row["service"]}
        )
    first = whole_number(
        row["first_kg_fee"], label="first_kg_fee", low=1, high=MAX_TARIFF_PRICE, problems=problems
    )
    following = whole_number(
        row["next_kg_fee"], label="next_kg_fee", low=0, high=MAX_TARIFF_PRICE, problems=problems
    )
    low = whole_number(row["min_days"], label="min_days", low=1, high=MAX_DAYS, problems=problems)
    high = whole_number(row["max_days"], label="max_days", low=1, high=MAX_DAYS, problems=problems)
    if low and high and low > high:
        problems.append(_("min_days cannot be more than max_days."))
    if problems:
        return None, problems
    return TariffRow(
        origin=origin,
        destination_regency=regency,
        destination_province=province,
        courier=pair.courier,
        service=pair.service,
        first_kg_fee=first,
        next_kg_fee=following,
        min_days=low,
        max_days=high,
    ), []


def import_tariffs(*, raw: bytes, shop=None) -> ImportReport:
    """Check every row first; write the tariffs only when all rows are valid, in one transaction."""
    report = ImportReport()
    rows, problem = read_rows(raw)
    if problem:
        report.problems.append((None, [problem]))
        return report
    regencies = set(Regency.objects.values_list("code", flat=True))
    provinces = set(Province.objects.values_list("code", flat=True))
    parsed, first_line_of = [], {}
    for line, row in enumerate(rows, start=2):  # line 1 holds the column names
        if row.pop("__extra__", False):
            report.problems.append((line, [_("This row has more values than there are columns.")]))
            continue
        tariff, problems = parse_row(row, regencies=regencies, provinces=provinces)
        if tariff is not None and tariff.key in first_line_of:
            problems = [
                _("The same route and service is already on line %(line)s.")
                % {"line": first_line_of[tariff.key]}
            ]
        if problems:
            report.problems.append((line, problems))
            continue
        first_line_of[tariff.key] = line
        parsed.append(tariff)
    if report.problems:
        return report
    with transaction.atomic():
        for tariff in parsed:
            _row, created = Tariff.objects.update_or_create(
                shop=shop,
                origin_id=tariff.origin,
                destination_regency_id=tariff.destination_regency,
                destination_province_id=tariff.destination_province,
                courier=tariff.courier,
                service=tariff.service,
                defaults={
                    "first_kg_fee": tariff.first_kg_fee,
                    "next_kg_fee": tariff.next_kg_fee,
                    "min_days": tariff.min_days,
                    "max_days": tariff.max_days,
                },
            )
            if created:
                report.created += 1
            else:
                report.updated += 1
    return report
