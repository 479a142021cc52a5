"""Reconciliation: a provider's settlement export (CSV) compared with our payments and ledger.

Read-only: nothing is changed by a comparison; each run is recorded (who, when, which file, what
was found). Three layouts are read, by their column names (upper or lower case, any order,
extra columns of the provider's export ignored):

- Midtrans, the transaction export of its dashboard (MAP): `Order ID` (our reference),
  `Gross Amount` (`"150000.00"`), `Transaction Status` (`settlement`, `capture`, `pending`,
  `expire`, `cancel`, `deny`, `failure`, `refund`, `partial_refund`), optionally `Settlement Time`.
- Xendit, the transactions report: `Reference` (our `external_id`), `Amount`, `Status`
  (`SUCCESS`/`SUCCESSFUL`/`SETTLED`, `PENDING`, `FAILED`, `EXPIRED`, `VOIDED`, `REVERSED`,
  refund statuses), optionally `Type` (only `PAYMENT` rows are money in; disbursements, fees and
  refunds are other rows) and `Actual Settlement Time` / `Created Date`.
- Generic, exactly `reference,amount,status,settled_at` with `paid`, `pending`, `expired`, `failed`.

A payment is "paid in the ledger" when it is paid, or when its money arrived after it expired
(the ledger's late-payment transaction, owed back to the buyer).
"""

import csv
import io
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.csv_columns import column_problem, header_names
from marketplace.text import decode_text_file, single_line
from payments.models import LedgerTransaction, Payment, PaymentStatus
from reports.exports import Table
from reports.models import ReconciliationRun

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_ROW_ERRORS = 5
MAX_KEPT = 5_000  # differences kept with a run
QUERY_CHUNK = 2_000  # references per IN (...) list: SQLite refuses very long ones

PAID, PENDING, EXPIRED, FAILED = (
    PaymentStatus.PAID,
    PaymentStatus.PENDING,
    PaymentStatus.EXPIRED,
    PaymentStatus.FAILED,
)


class SettlementFileError(ValueError):
    """The file cannot be compared; the message says why, for the person who uploaded it."""


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    provider: str | None  # whose payments the file is compared with; None: the deployment's
    reference: tuple
    amount: tuple
    status: tuple
    settled_at: tuple
    statuses: dict  # the provider's word (lower case) -> ours
    type_column: tuple = ()
    payment_types: frozenset = frozenset()
    strict: bool = False  # only the listed columns (the generic layout)

    def compared_provider(self):
        return self.provider or settings.PAYMENT_PROVIDER


# Refunded payments were paid first: the money came in, which is what is compared.
MIDTRANS_STATUSES = {
    "settlement": PAID, "capture": PAID, "refund": PAID, "partial_refund": PAID,
    "pending": PENDING, "authorize": PENDING,
    "expire": EXPIRED, "expired": EXPIRED,
    "cancel": FAILED, "deny": FAILED, "failure": FAILED,
}  # fmt: skip
XENDIT_STATUSES = {
    "success": PAID, "successful": PAID, "succeeded": PAID, "settled": PAID, "paid": PAID,
    "completed": PAID, "refunded": PAID, "partially_refunded": PAID, "refund_pending": PAID,
    "pending": PENDING,
    "expired": EXPIRED,
    "failed": FAILED, "voided": FAILED, "reversed": FAILED,
}  # fmt: skip
GENERIC_STATUSES = {
    "paid": PAID, "settled": PAID, "settlement": PAID, "success": PAID,
    "pending": PENDING, "expired": EXPIRED, "failed": FAILED,
}  # fmt: skip

LAYOUTS = {
    "midtrans": Layout(
        name="midtrans",
        label=gettext_lazy("Midtrans (transaction export)"),
        provider="midtrans",
        reference=("order id",),
        amount=("gross amount",),
        status=("transaction status",),
        settled_at=("settlement time", "transaction time"),
        statuses=MIDTRANS_STATUSES,
    ),
    "xendit": Layout(
        name="xendit",
        label=gettext_lazy("Xendit (transactions report)"),
        provider="xendit",
        reference=("reference", "external id", "external_id"),
        amount=("amount",),
        status=("status",),
        settled_at=("actual settlement time", "settled date", "created date", "created"),
        statuses=XENDIT_STATUSES,
        type_column=("type",),
        payment_types=frozenset({"payment", "invoice"}),
    ),
    "generic": Layout(
        name="generic",
        label=gettext_lazy("Simple: reference, amount, status, settled_at"),
        provider=None,
        reference=("reference",),
        amount=("amount",),
        status=("status",),
        settled_at=("settled_at",),
        statuses=GENERIC_STATUSES,
        strict=True,
    ),
}


# --- Reading the file --------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    reference: str
    amount: int
    status: str  # ours: paid, pending, expired, failed
    provider_status: str  # as the provider wrote it
    settled_at: str


@dataclass
class Settlement:
    rows: list
    skipped: int = 0  # rows that are not money in (disbursements, fees, refunds)


# Whole rupiah: "150000", "150000.00", "150.000" or "150,000" (between thousands), "1.250.000,00",
# "Rp150.000". Two digits after the last separator are cents, which must be zero.
THOUSANDS = re.compile(r"^(\d{1,3}(?:[.,]\d{3})+)(?:[.,]0{1,2})?$")
WITH_ZERO_CENTS = re.compile(r"^(\d+)[.,]0{1,2}$")


def parse_amount(text) -> int | None:
    """Whole rupiah above zero, or None for anything else (cents, letters, negative, empty)."""
    value = re.sub(r"^(rp\.?|idr)", "", (text or "").strip().lower()).strip().replace(" ", "")
    if value.isascii() and value.isdigit():
        amount = int(value)
    elif match := THOUSANDS.match(value):
        amount = int(re.sub(r"[.,]", "", match.group(1)))
    elif match := WITH_ZERO_CENTS.match(value):
        amount = int(match.group(1))
    else:
        return None
    return amount if 0 < amount < 10**15 else None


def _first_present(headers, names):
    return next((name for name in names if name in headers), None)


def _delimiter(text):
    first_line = text.split("\n", 1)[0]
    return max([",", ";", "\t"], key=first_line.count)


def _decode(raw: bytes) -> str:
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise SettlementFileError(
            _("This is a spreadsheet (Excel) file, not CSV: open it and save or export it as CSV.")
        )
    text, problem = decode_text_file(raw)
    if problem == "binary":
        raise SettlementFileError(_("This is not a CSV file: upload the settlement export as CSV."))
    if problem:
        raise SettlementFileError(
            _("The file's characters could not be read: save it as CSV with UTF-8 encoding.")
        )
    if not text.strip():
        raise SettlementFileError(_("The file is empty."))
    return text


def read_upload(upload) -> bytes:
    if upload.size > MAX_BYTES:
        raise SettlementFileError(
            _("The file is larger than %(limit)d MB: export a shorter period and compare each part.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise SettlementFileError(
            _("The file is larger than %(limit)d MB: export a shorter period and compare each part.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    return raw


def read_settlement(raw: bytes, layout: Layout) -> Settlement:
    """The file's rows of money in, or SettlementFileError naming what to fix."""
    text = _decode(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        headers = header_names(reader)
        columns = {
            key: _first_present(headers, getattr(layout, key)) for key in ("reference", "amount", "status")
        }
        required = [getattr(layout, key)[0] for key, found in columns.items() if not found]
        known = [*layout.reference, *layout.amount, *layout.status, *layout.settled_at]
        problem = column_problem(headers, required=required, known=known if layout.strict else headers)
        if problem:
            raise SettlementFileError(problem)
        return _rows(reader, layout, columns, headers)
    except csv.Error as error:
        raise SettlementFileError(
            _("The file could not be read as CSV (line %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error


def _rows(reader, layout, columns, headers):
    settled_column = _first_present(headers, layout.settled_at)
    type_column = _first_present(headers, layout.type_column)
    rows, errors, skipped = [], [], 0
    for record in reader:
        # Keys as compared: trimmed and lower case, like the header check.
        record = {(k or "").strip().lower(): (v if isinstance(v, str) else "") for k, v in record.items()}
        if not any(value.strip() for value in record.values()):
            continue
        if len(rows) + skipped >= MAX_ROWS:
            raise SettlementFileError(
                _("The file has more than %(limit)s rows: export a shorter period and compare each part.")
                % {"limit": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        line = reader.line_num
        if type_column and record[type_column].strip().lower() not in layout.payment_types:
            skipped += 1
            continue
        reference = single_line(record[columns["reference"]])[:100]
        amount = parse_amount(record[columns["amount"]])
        provider_status = single_line(record[columns["status"]])[:40]
        status = layout.statuses.get(provider_status.lower())
        if not reference:
            errors.append(_("row %(line)d: the reference is empty") % {"line": line})
        elif amount is None:
            errors.append(
                _("row %(line)d: the amount “%(amount)s” is not a whole number of rupiah")
                % {"line": line, "amount": single_line(record[columns["amount"]])[:30]}
            )
        elif status is None:
            errors.append(
                _("row %(line)d: the status “%(status)s” is not one this layout knows")
                % {"line": line, "status": provider_status}
            )
        else:
            settled = single_line(record.get(settled_column, "")) if settled_column else ""
            rows.append(Row(line, reference, amount, status, provider_status, settled[:40]))
        if len(errors) >= MAX_ROW_ERRORS:
            break
    if errors:
        raise SettlementFileError(
            _("Nothing was compared; correct these rows: %(errors)s.") % {"errors": "; ".join(errors)}
        )
    if not rows:
        raise SettlementFileError(_("The file has no payment rows to compare."))
    return Settlement(rows=rows, skipped=skipped)


# --- Comparing ----------------------------------------------------------------------------------

MISSING_IN_LEDGER = "missing_in_ledger"
MISSING_AT_PROVIDER = "missing_at_provider"
AMOUNT_DIFFERS = "amount_differs"
STATUS_DIFFERS = "status_differs"
DUPLICATE = "duplicate"
KINDS = {
    MISSING_IN_LEDGER: gettext_lazy("Paid at the provider, not in the ledger"),
    MISSING_AT_PROVIDER: gettext_lazy("Paid in the ledger, missing at the provider"),
    AMOUNT_DIFFERS: gettext_lazy("Amounts differ"),
    STATUS_DIFFERS: gettext_lazy("Statuses differ"),
    DUPLICATE: gettext_lazy("Listed more than once in the file"),
}


@dataclass
class Difference:
    kind: str
    reference: str
    provider_amount: int | None = None
    ledger_amount: int | None = None
    provider_status: str = ""
    ledger_status: str = ""
    lines: list = field(default_factory=list)

    @property
    def label(self):
        return KINDS[self.kind]

    @property
    def ledger_status_label(self):
        return PaymentStatus(self.ledger_status).label if self.ledger_status else ""


@dataclass
class Result:
    layout: Layout
    provider: str
    start: date
    end: date
    rows: int
    skipped: int
    other_deployments: int
    matched: int
    differences: list

    @property
    def counts(self) -> dict:
        counts = dict.fromkeys(KINDS, 0)
        for difference in self.differences:
            counts[difference.kind] += 1
        return counts


def _chunks(items, size=QUERY_CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


LATE = "late:"  # payments.services.record_late_payment's key: late:<payment id>


def _late_between(since, until) -> set[int]:
    """Payments whose money the ledger received, after they expired, in these days."""
    keys = LedgerTransaction.objects.filter(key__startswith=LATE, created_at__gte=since, created_at__lt=until)
    return {
        int(pk) for pk in (k.removeprefix(LATE) for k in keys.values_list("key", flat=True)) if pk.isdigit()
    }


def _late_among(payment_ids) -> set[int]:
    """Those of these payments whose money the ledger received after they expired."""
    late = set()
    for chunk in _chunks(sorted(payment_ids)):
        keys = LedgerTransaction.objects.filter(key__in=[f"{LATE}{pk}" for pk in chunk])
        late |= {int(k.removeprefix(LATE)) for k in keys.values_list("key", flat=True)}
    return late


def _ledger_status(payment, late) -> str:
    return PAID if payment.status == PAID or payment.pk in late else payment.status


def compare(settlement: Settlement, *, layout: Layout, start: date, end: date) -> Result:
    """The differences between the file and our payments; reads only."""
    provider = layout.compared_provider()
    prefix = f"{settings.PAYMENT_REFERENCE_PREFIX}-"
    by_reference = defaultdict(list)
    other = 0
    for row in settlement.rows:
        if row.reference.startswith(prefix):
            by_reference[row.reference].append(row)
        else:
            other += 1  # another deployment sharing the provider account
    payments = {}
    for chunk in _chunks(by_reference):
        payments.update((p.reference, p) for p in Payment.objects.filter(reference__in=chunk))
    late = _late_among(p.pk for p in payments.values())
    differences, matched = [], 0
    for reference, rows in by_reference.items():
        found = _differences(reference, rows, payments.get(reference), late)
        differences += found
        matched += not found
    differences += _missing_at_provider(set(by_reference), provider=provider, start=start, end=end)
    return Result(
        layout=layout,
        provider=provider,
        start=start,
        end=end,
        rows=len(settlement.rows),
        skipped=settlement.skipped,
        other_deployments=other,
        matched=matched,
        differences=differences,
    )


def _differences(reference, rows, payment, late) -> list[Difference]:
    row = rows[0]
    found = []
    if len(rows) > 1:
        found.append(
            Difference(DUPLICATE, reference, provider_amount=row.amount, lines=[r.line for r in rows])
        )
    if payment is None:
        if row.status == PAID:
            found.append(
                Difference(
                    MISSING_IN_LEDGER,
                    reference,
                    provider_amount=row.amount,
                    provider_status=row.provider_status,
                    lines=[row.line],
                )
            )
        return found
    ledger_status = _ledger_status(payment, late)
    details = {
        "provider_amount": row.amount,
        "ledger_amount": payment.amount,
        "provider_status": row.provider_status,
        "ledger_status": ledger_status,
        "lines": [row.line],
    }
    if row.amount != payment.amount:
        found.append(Difference(AMOUNT_DIFFERS, reference, **details))
    if (row.status == PAID) != (ledger_status == PAID):
        found.append(Difference(STATUS_DIFFERS, reference, **details))
    return found


def _day_bounds(start, end):
    since = timezone.make_aware(datetime.combine(start, time.min))
    return since, timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))


def _missing_at_provider(references, *, provider, start, end) -> list[Difference]:
    """Payments paid in the period (as the ledger knows them) that the file does not list."""
    since, until = _day_bounds(start, end)
    late = _late_between(since, until)
    paid = Payment.objects.filter(
        Q(status=PAID, paid_at__gte=since, paid_at__lt=until) | Q(pk__in=list(late)), provider=provider
    )
    return [
        Difference(
            MISSING_AT_PROVIDER,
            payment.reference,
            ledger_amount=payment.amount,
            ledger_status=PAID,
        )
        for payment in paid.order_by("paid_at", "pk")
        if payment.reference not in references
    ]


def record(result: Result, *, actor, file_name) -> ReconciliationRun:
    return ReconciliationRun.objects.create(
        run_by=actor,
        file_name=single_line(file_name)[:200],
        layout=result.layout.name,
        period_start=result.start,
        period_end=result.end,
        rows=result.rows,
        matched=result.matched,
        counts={kind: n for kind, n in result.counts.items() if n},
        details=[asdict(d) for d in result.differences[:MAX_KEPT]],
    )


def differences_table(run: ReconciliationRun):
    """A run's differences as an export table (reports.exports writes it as CSV)."""
    headers = [
        _("Difference"),
        _("Reference"),
        _("At the provider (Rp)"),
        _("In the ledger (Rp)"),
        _("Provider's status"),
        _("Our status"),
        _("Rows in the file"),
    ]
    rows = []
    for detail in run.details:
        d = Difference(**detail)
        rows.append([
            str(d.label), d.reference, "" if d.provider_amount is None else d.provider_amount,
            "" if d.ledger_amount is None else d.ledger_amount, d.provider_status, str(d.ledger_status_label),
            ", ".join(str(line) for line in d.lines),
        ])  # fmt: skip
    return Table(f"rekonsiliasi-{run.pk}", _("Differences"), headers, rows)
