"""Reconciliation: a provider's settlement export against our payments; every kind of difference,
bad files refused with a reason, nothing changed, each run recorded."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from conftest import make_user
from payments.models import Entry, LedgerTransaction, Payment, PaymentStatus
from payments.tests.factories import make_checkout
from reports import reconciliation
from reports.models import ReconciliationRun
from reports.reconciliation import LAYOUTS, SettlementFileError, compare, read_settlement
from reports.tests import money_data

JAN, MAR = date(2026, 1, 1), date(2026, 3, 31)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; pages speak Indonesian first (tested below)."""
    with translation.override("en"):
        yield


@pytest.fixture
def ledger_set(buyer, settings):
    data = money_data.build(buyer, settings, lambda name: make_user(f"{name}@toko.example"))
    shop = data["shops"]["citra"]
    product = shop.products.first()
    # Paid in February, but the provider's file will not list it.
    unlisted = make_checkout(buyer, (shop, [(product, 20_000, 1)]))
    data["payments"]["unlisted"] = money_data.pay(
        unlisted, suffix="UNLIST", when=money_data.f.at(2026, 2, 20)
    )
    # Still pending here, though the provider says it settled.
    pending = make_checkout(buyer, (shop, [(product, 30_000, 1)]))
    data["payments"]["pending"] = Payment.objects.create(
        checkout=pending, provider="midtrans", reference=f"WO-{pending.pk}-PEND01", amount=pending.total
    )
    return data


@pytest.fixture
def money_client(client, password, db):
    user = make_user("keuangan@dinas.example", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_money", content_type__app_label="reports")
    )
    client.login(email=user.email, password=password)
    return client


def midtrans_file(*rows):
    header = "Order ID,Transaction ID,Payment Type,Transaction Time,Settlement Time,Transaction Status,Gross Amount"
    lines = [header] + [
        f"{ref},tx-{i},qris,2026-02-01 10:00:00,2026-02-01 10:05:00,{status},{amount}"
        for i, (ref, status, amount) in enumerate(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def kinds(result):
    return sorted((d.kind, d.reference) for d in result.differences)


def run(raw, layout="midtrans", start=JAN, end=MAR):
    return compare(read_settlement(raw, LAYOUTS[layout]), layout=LAYOUTS[layout], start=start, end=end)


# --- Every kind of difference ---------------------------------------------------------------------


def test_a_file_that_agrees_shows_no_difference(ledger_set):
    p = ledger_set["payments"]
    raw = midtrans_file(
        (p["first"].reference, "settlement", "250000.00"),
        (p["second"].reference, "settlement", "110000.00"),
        (p["unlisted"].reference, "settlement", "30000.00"),
        (p["late"].reference, "settlement", "75000.00"),  # paid after expiry: in the ledger, owed back
    )

    result = run(raw)

    assert result.differences == []
    assert result.matched == result.rows == 4


def test_every_kind_of_difference_is_listed(ledger_set):
    p = ledger_set["payments"]
    raw = midtrans_file(
        (p["first"].reference, "settlement", "250000.00"),
        (p["first"].reference, "settlement", "250000.00"),  # listed twice
        (p["second"].reference, "settlement", "100000.00"),  # we expect Rp110.000
        (p["pending"].reference, "settlement", "40000.00"),  # still pending with us
        (p["late"].reference, "expire", "75000.00"),  # the ledger received it
        ("WO-99999-ZZZZZZ", "settlement", "50000.00"),  # unknown to us
        ("WO-99998-YYYYYY", "expire", "50000.00"),  # unknown, but no money: not a difference
        ("TOKOLAIN-1-AAAAAA", "settlement", "10000.00"),  # another deployment's reference
    )

    result = run(raw)

    assert kinds(result) == sorted(
        [
            ("duplicate", p["first"].reference),
            ("amount_differs", p["second"].reference),
            ("status_differs", p["pending"].reference),
            ("status_differs", p["late"].reference),
            ("missing_in_ledger", "WO-99999-ZZZZZZ"),
            ("missing_at_provider", p["unlisted"].reference),
        ]
    )
    duplicate = next(d for d in result.differences if d.kind == "duplicate")
    assert duplicate.lines == [2, 3]
    amount = next(d for d in result.differences if d.kind == "amount_differs")
    assert (amount.provider_amount, amount.ledger_amount) == (100_000, 110_000)
    assert result.other_deployments == 1
    assert result.counts["status_differs"] == 2


def test_payments_paid_outside_the_days_or_with_another_provider_are_not_missing(ledger_set):
    p = ledger_set["payments"]
    Payment.objects.filter(pk=p["unlisted"].pk).update(provider="xendit")
    raw = midtrans_file((p["second"].reference, "settlement", "110000"))

    result = run(raw, start=date(2026, 2, 1), end=date(2026, 2, 28))

    assert result.differences == []  # the January payment is outside; the other is Xendit's


def test_the_xendit_report_compares_payments_and_leaves_other_rows_out(ledger_set):
    p = ledger_set["payments"]
    Payment.objects.filter(pk__in=[p["first"].pk, p["second"].pk]).update(provider="xendit")
    raw = (
        "Transaction ID,Product ID,Type,Channel,Reference,Currency,Amount,Status,Created Date,Settlement Status,"
        "Actual Settlement Time,Total Fee\n"
        f"t1,inv1,PAYMENT,QRIS,{p['first'].reference},IDR,250000,SUCCESS,2026-01-10,SETTLED,2026-01-11,1750\n"
        f"t2,inv2,PAYMENT,VIRTUAL_ACCOUNT,{p['second'].reference},IDR,110000,FAILED,2026-02-10,,,0\n"
        "t3,d1,DISBURSEMENT,BANK,payout-1,IDR,36750,SUCCESS,2026-03-10,,,2500\n"
    ).encode()

    result = run(raw, layout="xendit")

    assert result.rows == 2 and result.skipped == 1
    assert kinds(result) == [("status_differs", p["second"].reference)]


def test_the_generic_layout(ledger_set, settings):
    settings.PAYMENT_PROVIDER = "midtrans"
    p = ledger_set["payments"]
    raw = (
        "reference,amount,status,settled_at\n"
        f"{p['first'].reference},Rp250.000,paid,2026-01-10\n"
        f"{p['second'].reference},110000,paid,2026-02-10\n"
        f"{p['unlisted'].reference},30000,paid,2026-02-20\n"
        f"{p['late'].reference},75000,settled,2026-03-10\n"
    ).encode()

    assert run(raw, layout="generic").differences == []


@pytest.mark.parametrize(
    "text, amount",
    [("150000", 150_000), ("150000.00", 150_000), ("150.000", 150_000), ("Rp 1.250.000", 1_250_000),
     ("IDR150000,00", 150_000), ("1,250,000.00", 1_250_000), ("1.250.000,00", 1_250_000), ("1,000.50", None), ("150000.50", None), ("-5000", None), ("abc", None), ("", None), ("0", None),
     ("1e5", None), ("١٢٣", None)],
)  # fmt: skip
def test_amounts_are_whole_rupiah(text, amount):
    assert reconciliation.parse_amount(text) == amount


# --- Bad files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "not a CSV file"),
        (b"PK\x03\x04\x14\x00\x06\x00xl/workbook.xml", "spreadsheet (Excel) file"),
        (b"", "empty"),
        (b"Order ID;Gross Amount\nWO-1-AAAAAA;1000\n", "missing columns: transaction status"),
        (b"Order ID,Transaction Status,Gross Amount\nWO-1-AAAAAA,settlement,12.50\n", "not a whole number"),
        (
            b"Order ID,Transaction Status,Gross Amount\nWO-1-AAAAAA,bingung,1000\n",
            "not one this layout knows",
        ),
        (b"Order ID,Transaction Status,Gross Amount\n,settlement,1000\n", "reference is empty"),
        (b"Order ID,Transaction Status,Gross Amount\n", "no payment rows"),
        (b"\xff\xfeO\x00r\x00d", "could not be read"),
        (b'Order ID,Transaction Status,Gross Amount\n"' + b"x" * 200_000 + b'",settlement,1000\n', "as CSV"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(db, raw, message):
    with pytest.raises(SettlementFileError) as refused:
        read_settlement(raw, LAYOUTS["midtrans"])
    assert message in str(refused.value)


def test_the_generic_layout_refuses_unknown_columns(db):
    with pytest.raises(SettlementFileError) as refused:
        read_settlement(b"reference,amount,status,colour\nWO-1-A,1000,paid,red\n", LAYOUTS["generic"])
    assert "unknown columns: colour" in str(refused.value)


def test_at_most_five_bad_rows_are_named(db):
    raw = b"Order ID,Transaction Status,Gross Amount\n" + b"WO-1-A,settlement,x\n" * 20
    with pytest.raises(SettlementFileError) as refused:
        read_settlement(raw, LAYOUTS["midtrans"])
    assert str(refused.value).count("row ") == 5


def test_a_utf16_export_with_semicolons_is_read(db):
    raw = "Order ID;Transaction Status;Gross Amount\nWO-1-ÄBC;settlement;1.000\n".encode("utf-16")

    settlement = read_settlement(raw, LAYOUTS["midtrans"])

    assert [(r.reference, r.amount) for r in settlement.rows] == [("WO-1-ÄBC", 1_000)]


def test_too_many_rows_are_refused(db, monkeypatch):
    monkeypatch.setattr(reconciliation, "MAX_ROWS", 3)
    raw = b"Order ID,Transaction Status,Gross Amount\n" + b"WO-1-A,settlement,1000\n" * 4

    with pytest.raises(SettlementFileError, match="more than 3 rows"):
        read_settlement(raw, LAYOUTS["midtrans"])


# --- The page -------------------------------------------------------------------------------------


def upload(client, raw, name="settlement.csv", layout="midtrans", start="2026-01-01", end="2026-03-31"):
    return client.post(
        reverse("reports:reconcile"),
        {"layout": layout, "start": start, "end": end, "file": SimpleUploadedFile(name, raw, "text/csv")},
    )


def test_the_page_lists_the_differences_changes_nothing_and_records_the_run(money_client, ledger_set):
    p = ledger_set["payments"]
    before = (
        LedgerTransaction.objects.count(),
        Entry.objects.count(),
        sorted(Payment.objects.values_list("reference", "status", "amount")),
    )
    raw = midtrans_file(
        (p["first"].reference, "settlement", "250000.00"),
        (p["pending"].reference, "settlement", "40000.00"),
        ("WO-99999-ZZZZZZ", "settlement", "50000.00"),
    )

    response = upload(money_client, raw, name="midtrans-feb.csv")

    assert response.status_code == 200
    page = response.content.decode()
    assert "WO-99999-ZZZZZZ" in page and p["unlisted"].reference in page
    assert 'class="kind-missing_in_ledger"' in page and 'class="kind-missing_at_provider"' in page
    after = (
        LedgerTransaction.objects.count(),
        Entry.objects.count(),
        sorted(Payment.objects.values_list("reference", "status", "amount")),
    )
    assert after == before
    assert Payment.objects.get(pk=p["pending"].pk).status == PaymentStatus.PENDING
    run_ = ReconciliationRun.objects.get()
    assert (run_.file_name, run_.layout, run_.rows, run_.matched) == ("midtrans-feb.csv", "midtrans", 3, 1)
    assert run_.counts == {"missing_in_ledger": 1, "status_differs": 1, "missing_at_provider": 3}
    assert run_.run_by.email == "keuangan@dinas.example"


@pytest.mark.parametrize(
    "raw, name",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "bukti.png"),
        (b"nama,harga\nkeripik,1000\n", "salah.csv"),
        (b"Order ID,Transaction Status,Gross Amount\nWO-1-A,settlement,seribu\n", "rusak.csv"),
        (b"\xff\xfeO\x00r\x00d", "utf16-rusak.csv"),
    ],
)
def test_a_bad_upload_gets_a_translated_message_not_an_error_page(money_client, db, raw, name):
    response = upload(money_client, raw, name=name)

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["result"] is None
    assert not ReconciliationRun.objects.exists()


def test_the_message_is_in_indonesian_by_default(money_client, db):
    response = upload(money_client, b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")

    assert "bukan berkas CSV" in response.content.decode()


def test_a_huge_file_is_refused_before_it_is_read(money_client, db, monkeypatch):
    monkeypatch.setattr(reconciliation, "MAX_BYTES", 1024)
    raw = b"Order ID,Transaction Status,Gross Amount\n" + b"WO-1-AAAAAA,settlement,1000\n" * 100

    response = upload(money_client, raw)

    assert response.status_code == 200
    assert "MB" in str(response.context["form"].errors["file"])


def test_a_period_the_wrong_way_round_or_without_a_file_is_refused(money_client, db):
    response = money_client.post(
        reverse("reports:reconcile"), {"layout": "midtrans", "start": "2026-03-01", "end": "2026-01-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["form"].non_field_errors()


def test_an_unknown_layout_is_refused(money_client, db):
    response = upload(money_client, b"reference,amount,status\n", layout="paypal")

    assert response.status_code == 200
    assert response.context["form"].errors["layout"]


def test_the_page_shows_the_recent_runs(money_client, ledger_set):
    upload(money_client, midtrans_file((ledger_set["payments"]["first"].reference, "settlement", "250000")))

    response = money_client.get(reverse("reports:reconcile"))

    assert response.status_code == 200
    assert "settlement.csv" in response.content.decode()


def test_every_run_is_listed_read_only_in_the_admin(money_client, client, password, ledger_set):
    upload(money_client, midtrans_file((ledger_set["payments"]["first"].reference, "settlement", "250000")))
    make_user("operator@warung.example", is_staff=True, is_superuser=True)
    client.login(email="operator@warung.example", password=password)
    run_ = ReconciliationRun.objects.get()

    assert (
        "settlement.csv" in client.get(reverse("admin:reports_reconciliationrun_changelist")).content.decode()
    )
    assert client.get(reverse("admin:reports_reconciliationrun_add")).status_code == 403
    assert client.post(reverse("admin:reports_reconciliationrun_delete", args=[run_.pk])).status_code == 403


def test_the_differences_of_a_run_download_as_csv(money_client, ledger_set):
    p = ledger_set["payments"]
    upload(
        money_client,
        midtrans_file(
            (p["second"].reference, "settlement", "100000.00"), ("WO-99999-ZZZZZZ", "settlement", "50000.00")
        ),
        start="2026-02-01",
        end="2026-02-28",
    )
    run_ = ReconciliationRun.objects.get()

    response = money_client.get(reverse("reports:reconcile_export", args=[run_.pk]))

    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="rekonsiliasi-{run_.pk}_2026-02_2026-02.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [
        ["Jumlah berbeda", p["second"].reference, "100000", "110000", "settlement", "Dibayar", "2"],
        [
            "Dibayar di penyedia, tidak ada di buku besar",
            "WO-99999-ZZZZZZ",
            "50000",
            "",
            "settlement",
            "",
            "3",
        ],
        [
            "Dibayar menurut buku besar, tidak ada di penyedia",
            p["unlisted"].reference,
            "",
            "30000",
            "",
            "Dibayar",
            "",
        ],
    ]


def test_a_run_that_does_not_exist_is_a_404(money_client, db):
    assert money_client.get(reverse("reports:reconcile_export", args=[999])).status_code == 404


def test_a_moderator_cannot_download_a_runs_differences(moderator_client, db):
    run_ = ReconciliationRun.objects.create(
        file_name="x.csv", layout="generic", period_start=JAN, period_end=MAR, rows=1, matched=0
    )
    assert moderator_client.get(reverse("reports:reconcile_export", args=[run_.pk])).status_code == 403


def test_a_comparison_runs_a_fixed_number_of_queries(ledger_set, django_assert_max_num_queries):
    p = ledger_set["payments"]
    rows = [(f"WO-{900 + i}-ZZZZZZ", "settlement", "1000") for i in range(300)]
    settlement = read_settlement(
        midtrans_file((p["first"].reference, "settlement", "250000"), *rows), LAYOUTS["midtrans"]
    )

    with django_assert_max_num_queries(4):
        result = compare(settlement, layout=LAYOUTS["midtrans"], start=JAN, end=MAR)

    assert result.counts["missing_in_ledger"] == 300
