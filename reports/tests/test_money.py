"""The money report: figures read from the ledger, per month, shop and community, that add up."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from conftest import make_user
from reports import money
from reports.selectors import ReportFilters
from reports.tests import money_data

JAN_TO_MAR = ReportFilters(start=date(2026, 1, 1), end=date(2026, 3, 31))
FLOWS = money_data.FIGURE_ORDER[:-1]


def figures(row):
    return tuple(row[name] for name in money_data.FIGURE_ORDER)


@pytest.fixture
def ledger_set(buyer, settings):
    return money_data.build(buyer, settings, lambda name: make_user(f"{name}@toko.example"))


@pytest.fixture
def money_staff(db):
    user = make_user("keuangan@dinas.example", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_money", content_type__app_label="reports")
    )
    return user


@pytest.fixture
def money_client(client, money_staff, password):
    client.login(email=money_staff.email, password=password)
    return client


# --- Figures ------------------------------------------------------------------------------------


def test_each_month_reads_the_ledger(database, ledger_set, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        report = money.money_report(JAN_TO_MAR)

    assert [figures(row) for row in report.monthly] == money_data.EXPECTED_MONTHS
    assert money.held_identity_holds(report)


def test_each_shop_and_the_late_payment_have_their_own_line(database, ledger_set):
    report = money.money_report(JAN_TO_MAR)

    by_name = {row["name"]: figures(row) for row in report.shops}
    assert by_name == {
        "Dapur Ani": (40_000, 0, 39_250, 750, 0, 2_500, 36_750, 0),
        "Batik Bayu": (210_000, 50_000, 155_000, 5_000, 0, 0, 0, 0),
        "Gonggong Citra": (110_000, 0, 107_500, 2_500, 2_500, 0, 0, 0),
        None: (75_000, 75_000, 0, 0, 0, 0, 0, 0),  # paid after its checkout expired
    }
    assert report.shops[-1]["name"] is None


def test_months_shops_and_communities_add_up_to_the_same_total(database, ledger_set):
    report = money.money_report(JAN_TO_MAR)

    for name in FLOWS:
        assert sum(row[name] for row in report.monthly) == report.total[name]
        assert sum(row[name] for row in report.shops) == report.total[name]
        # Each shop is in one community at most here, so the communities add up too.
        assert sum(row[name] for row in report.communities) == report.total[name]
    assert report.total["held"] == report.monthly[-1]["held"] == 0
    assert report.total["received"] == 435_000


def test_communities_group_their_members(database, ledger_set):
    report = money.money_report(JAN_TO_MAR)

    rows = {(row["name"], row.get("kind")): row for row in report.communities}
    assert rows[("Koperasi Maju Bersama", None)]["received"] == 40_000
    assert rows[("Paguyuban Batik Purwakarta", None)]["refunds"] == 50_000
    assert rows[(None, "none")]["commission_cod"] == 2_500  # Gonggong Citra
    assert rows[(None, "no_shop")]["received"] == 75_000


def test_a_shop_in_two_communities_counts_in_both(database, ledger_set):
    ledger_set["shops"]["ani"].communities.add(ledger_set["communities"]["batik"])

    report = money.money_report(JAN_TO_MAR)

    batik = next(row for row in report.communities if row["name"] == "Paguyuban Batik Purwakarta")
    assert batik["received"] == 210_000 + 40_000


def test_money_held_before_the_period_is_carried_in(database, ledger_set):
    report = money.money_report(ReportFilters(start=date(2026, 2, 1), end=date(2026, 2, 28)))

    assert report.held_before == 250_000
    assert [figures(row) for row in report.monthly] == [money_data.EXPECTED_MONTHS[1]]
    held = {row["name"]: row["held"] for row in report.shops}
    assert held == {"Dapur Ani": 0, "Batik Bayu": 160_000, "Gonggong Citra": 110_000}
    assert money.held_identity_holds(report)


def test_a_community_filter_keeps_its_shops_only(database, ledger_set):
    filters = ReportFilters(
        start=date(2026, 1, 1), end=date(2026, 3, 31), community=ledger_set["communities"]["maju"]
    )

    report = money.money_report(filters)

    assert [row["name"] for row in report.shops] == ["Dapur Ani"]
    assert report.total["received"] == 40_000
    assert report.total["payouts_paid"] == 36_750


def test_the_query_count_does_not_grow_with_the_data(
    ledger_set, buyer, settings, django_assert_max_num_queries
):
    from payments.tests.factories import make_checkout
    from reports.tests.money_data import pay

    shop = ledger_set["shops"]["citra"]
    product = shop.products.first()
    for day in range(1, 8):
        checkout = make_checkout(buyer, (shop, [(product, 50_000, 1)]))
        pay(checkout, suffix=f"EXTRA{day}", when=money_data.f.at(2026, 3, day))

    with django_assert_max_num_queries(4):
        money.money_report(JAN_TO_MAR)


# --- The page, the exports, who may see them ---------------------------------------------------

QUERY = "?start=2026-01&end=2026-03"


def test_the_page_shows_the_figures_and_the_charts(money_client, ledger_set):
    response = money_client.get(reverse("reports:money") + QUERY)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Rp435.000" in page  # received in the period
    assert "Rp270.000" in page  # held at the end of February
    assert page.count('<figure class="dinas-chart">') == 3
    assert 'id="uang-per-toko"' in page and "Gonggong Citra" in page


def test_the_monthly_csv_has_a_total_line(money_client, ledger_set):
    response = money_client.get(reverse("reports:money_export", args=["uang-per-bulan", "csv"]) + QUERY)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="uang-per-bulan_2026-01_2026-03.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 3 + 1
    assert [int(v) for v in rows[1][1:]] == list(money_data.EXPECTED_MONTHS[0])
    assert rows[-1][0] == "Total"
    assert [int(v) for v in rows[-1][1:]] == [435_000, 125_000, 301_750, 8_250, 2_500, 2_500, 36_750, 0]


def test_the_shop_csv_keeps_names_that_look_like_formulas_as_text(money_client, ledger_set):
    shop = ledger_set["shops"]["ani"]
    type(shop).objects.filter(pk=shop.pk).update(name="=HYPERLINK(1)")

    response = money_client.get(reverse("reports:money_export", args=["uang-per-toko", "csv"]) + QUERY)

    body = response.content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(1)"' in body
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert [int(v) for v in rows[-1][2:]] == [435_000, 125_000, 301_750, 8_250, 2_500, 2_500, 36_750, 0]


def test_the_community_export_as_xlsx(money_client, ledger_set):
    response = money_client.get(reverse("reports:money_export", args=["uang-per-komunitas", "xlsx"]) + QUERY)

    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_an_unknown_money_table_is_a_404(money_client):
    assert money_client.get(reverse("reports:money_export", args=["toko", "csv"])).status_code == 404
    assert (
        money_client.get(reverse("reports:money_export", args=["uang-per-bulan", "pdf"])).status_code == 404
    )


@pytest.mark.parametrize("who", ["anonymous", "buyer", "vendor"])
def test_buyers_vendors_and_strangers_are_sent_to_the_admin_log_in(client, password, ledger_set, who):
    if who != "anonymous":
        client.login(email="buyer@example.com" if who == "buyer" else "ani@toko.example", password=password)

    for url in (
        reverse("reports:money"),
        reverse("reports:money_export", args=["uang-per-bulan", "csv"]),
        reverse("reports:reconcile"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_a_moderator_without_the_money_permission_is_refused(moderator_client):
    assert moderator_client.get(reverse("reports:money")).status_code == 403
    assert (
        moderator_client.get(reverse("reports:money_export", args=["uang-per-bulan", "csv"])).status_code
        == 403
    )
    assert moderator_client.get(reverse("reports:reconcile")).status_code == 403
    assert moderator_client.post(reverse("reports:reconcile")).status_code == 403


def test_a_superuser_sees_the_money_pages_and_their_links(client, password, db):
    make_user("operator@warung.example", is_staff=True, is_superuser=True)
    client.login(email="operator@warung.example", password=password)

    assert client.get(reverse("reports:money")).status_code == 200
    assert reverse("reports:money") in client.get(reverse("admin:index")).content.decode()
