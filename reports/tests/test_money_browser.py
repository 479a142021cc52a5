"""The operator in a real browser: the money report with its charts, a CSV, a reconciliation."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission

from conftest import make_user
from reports.models import ReconciliationRun
from reports.tests import money_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ledger_set(buyer, settings):
    return money_data.build(buyer, settings, lambda name: make_user(f"{name}@toko.example"))


def test_the_operator_reads_the_money_report_and_reconciles_a_settlement_file(
    live_server, page, screenshot, password, ledger_set, tmp_path
):
    user = make_user("keuangan@dinas.example", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_money", content_type__app_label="reports")
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Sandi", exact=False).first.fill(password)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name="Laporan keuangan").click()

    page.goto(f"{live_server.url}/admin/laporan/uang/?start=2026-01&end=2026-03")
    page.locator("figure.dinas-chart svg").first.wait_for()
    assert page.locator("figure.dinas-chart").count() == 3
    assert page.locator("#uang-ringkasan div").first.inner_text().startswith("Rp435.000")
    assert "Rp270.000" in page.locator("#uang-per-bulan").inner_text()
    screenshot("money-report-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("money-report-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download:
        page.locator("a[href*='/admin/laporan/uang/ekspor/uang-per-toko.csv']").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
    assert rows[-1][2] == "435000"

    payments = ledger_set["payments"]
    settlement = tmp_path / "midtrans-q1.csv"
    settlement.write_text(
        "Order ID,Transaction Status,Gross Amount,Settlement Time\n"
        f"{payments['first'].reference},settlement,250000.00,2026-01-10 10:00:00\n"
        f"{payments['second'].reference},settlement,100000.00,2026-02-10 10:00:00\n"
        "WO-99999-ZZZZZZ,settlement,50000.00,2026-02-11 10:00:00\n"
    )
    page.get_by_role("link", name="Bandingkan dengan ekspor settlement penyedia").click()
    page.fill("#id_start", "2026-01-01")
    page.fill("#id_end", "2026-03-31")
    page.select_option("#id_layout", "midtrans")
    page.set_input_files("#id_file", str(settlement))
    page.locator("form.reconcile input[type=submit]").click()
    differences = page.locator("#selisih")
    differences.wait_for()
    text = differences.inner_text()
    assert "WO-99999-ZZZZZZ" in text and "Jumlah berbeda" in text and payments["late"].reference in text
    screenshot("reconciliation-result")
    assert ReconciliationRun.objects.get().file_name == "midtrans-q1.csv"

    # A photo instead of the export: a message, not an error page.
    photo = tmp_path / "bukti.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    page.set_input_files("#id_file", str(photo))
    page.locator("form.reconcile input[type=submit]").click()
    page.get_by_text("bukan berkas CSV").wait_for()
    screenshot("reconciliation-bad-file")
