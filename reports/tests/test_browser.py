"""A dinas moderator's morning in a real browser: the queue, a take-down, the reports, an export."""

import pytest
from openpyxl import load_workbook

from catalog import moderation
from catalog.models import ProductReport
from conftest import make_user
from reports.tests import factories as f
from vendors.models import Shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def morning(dataset, buyer):
    """Two shops waiting (one to approve, one to reject) and a reported product."""
    owner = make_user("ragu@example.com")
    doubtful = f.shop(owner, "Toko Ragu-ragu", status=Shop.Status.PENDING)
    moderation.report_product(
        product=dataset["products"]["kain"], reporter=buyer, reason="counterfeit", text="Bukan batik tulis"
    )
    return {**dataset, "doubtful": doubtful}


def test_a_moderator_works_the_queue_and_downloads_the_report(
    live_server, page, screenshot, dinas_moderator, password, morning, tmp_path
):
    # The admin sends staff to the one log-in page, under its rate limits.
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Email").fill(dinas_moderator.email)
    page.get_by_label("Sandi", exact=False).first.fill(password)
    page.locator("main form button[type=submit]").click()
    attention = page.locator("#perlu-perhatian")
    attention.get_by_text("2 toko menunggu verifikasi").wait_for()
    screenshot("dinas-start-page")

    # Approve the shop that waited.
    attention.get_by_role("link", name="Toko Baru").click()
    page.locator("a.status-action[href$='/status/approved/']").click()
    page.locator("input[type=submit]").click()
    page.locator(".messagelist .success").wait_for()
    assert Shop.objects.get(name="Toko Baru").status == Shop.Status.APPROVED

    # Reject the other one with a reason.
    page.goto(f"{live_server.url}/admin/")
    attention.get_by_role("link", name="Toko Ragu-ragu").click()
    page.locator("a.status-action[href$='/status/rejected/']").click()
    page.fill("#id_reason", "Foto KTP tidak terbaca; unggah ulang yang jelas.")
    page.locator("input[type=submit]").click()
    page.locator(".messagelist .success").wait_for()
    rejected = Shop.objects.get(name="Toko Ragu-ragu")
    assert (rejected.status, rejected.status_reason) == (
        Shop.Status.REJECTED,
        "Foto KTP tidak terbaca; unggah ulang yang jelas.",
    )

    # Take down the reported product.
    page.goto(f"{live_server.url}/admin/")
    attention.get_by_role("link", name="Kain Batik").click()
    page.get_by_text("Bukan batik tulis").wait_for()
    page.fill("#id_takedown-reason", "Batik cetak dijual sebagai batik tulis.")
    page.locator("button[value=takedown]").click()
    page.locator(".messagelist .success").wait_for()
    assert ProductReport.objects.get().status == "actioned"

    # The reports page with its charts.
    page.goto(f"{live_server.url}/admin/laporan/?start=2026-01&end=2026-03")
    page.locator("figure.dinas-chart svg").first.wait_for()
    assert page.locator("figure.dinas-chart").count() == 5
    page.get_by_text("Rp345.000").first.wait_for()
    screenshot("dinas-reports-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("dinas-reports-mobile")

    # The list of shops the dinas sends upward.
    with page.expect_download() as download:
        page.locator("a[href*='/admin/laporan/ekspor/toko.xlsx']").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {
        "Dapur Ani",
        "Batik Bayu",
        "Gonggong Citra",
        "Toko Baru",
        "Toko Ragu-ragu",
    }
    assert download.value.suggested_filename == "toko_2026-01_2026-03.xlsx"
