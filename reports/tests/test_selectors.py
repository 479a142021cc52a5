"""Report numbers against the hand-counted data set in conftest.dataset."""

from datetime import date

from reports import selectors
from reports.selectors import ReportFilters

Q1 = {"start": date(2026, 1, 1), "end": date(2026, 3, 31)}


def months(rows, key):
    return [(row["month"].month, row[key]) for row in rows]


def test_summary_counts_only_paid_or_completed_orders_as_sales(dataset):
    summary = selectors.summary(ReportFilters(**Q1))

    assert summary["active"] == 3
    assert summary["pending"] == 1
    assert summary["onboarded"] == 3
    assert summary["products"] == 3
    assert summary["orders"] == 7
    assert summary["sales_orders"] == 4
    assert summary["sales"] == 345_000
    assert summary["shops_with_sale"] == 3
    assert summary["share_with_sale"] == 100.0


def test_monthly_rows_cover_every_month_of_the_period(dataset):
    rows = selectors.monthly(ReportFilters(**Q1))

    assert months(rows, "shops") == [(1, 1), (2, 1), (3, 1)]
    assert months(rows, "orders") == [(1, 1), (2, 3), (3, 3)]
    assert months(rows, "sales_orders") == [(1, 1), (2, 1), (3, 2)]
    assert months(rows, "sales") == [(1, 30_000), (2, 15_000), (3, 300_000)]


def test_the_period_limits_orders_and_onboarding(dataset):
    march = ReportFilters(start=date(2026, 3, 1), end=date(2026, 3, 31))

    summary = selectors.summary(march)

    assert (summary["onboarded"], summary["orders"], summary["sales"]) == (1, 3, 300_000)


def test_sales_by_top_level_category(dataset):
    rows = selectors.sales_by_category(ReportFilters(**Q1))

    assert [(r["category"], r["items"], r["sales"]) for r in rows] == [
        ("Fesyen", 1, 200_000),
        ("Kerajinan", 2, 100_000),
        ("Makanan & Minuman", 3, 45_000),
    ]


def test_shops_and_sales_per_regency_and_district(dataset):
    filters = ReportFilters(**Q1)

    regencies = {r["name"]: (r["shops"], r["orders"], r["sales"]) for r in selectors.by_regency(filters)}
    districts = {r["code"]: (r["shops"], r["orders"], r["sales"]) for r in selectors.by_district(filters)}

    assert regencies == {"Kabupaten Purwakarta": (2, 3, 245_000), "Kota Batam": (1, 1, 100_000)}
    assert districts == {
        "32.14.01": (1, 2, 45_000),
        "32.14.02": (1, 1, 200_000),
        "21.71.01": (1, 1, 100_000),
    }


def test_top_shops_by_sales(dataset):
    rows = selectors.top_shops(ReportFilters(**Q1))

    assert [(r["name"], r["orders"], r["sales"]) for r in rows] == [
        ("Batik Bayu", 1, 200_000),
        ("Gonggong Citra", 1, 100_000),
        ("Dapur Ani", 2, 45_000),
    ]


def test_filter_by_regency_and_by_province(dataset):
    purwakarta = selectors.summary(ReportFilters(**Q1, regency="32.14"))
    riau = selectors.summary(ReportFilters(**Q1, province="21"))

    assert (purwakarta["active"], purwakarta["pending"], purwakarta["sales"]) == (2, 1, 245_000)
    assert (riau["active"], riau["sales_orders"], riau["sales"]) == (1, 1, 100_000)


def test_filter_by_community(dataset):
    maju = ReportFilters(**Q1, community=dataset["communities"]["maju"])
    batik = ReportFilters(**Q1, community=dataset["communities"]["batik"])

    assert selectors.summary(maju)["sales"] == 245_000
    assert months(selectors.monthly(maju), "sales") == [(1, 30_000), (2, 15_000), (3, 200_000)]
    assert [r["name"] for r in selectors.top_shops(batik)] == ["Batik Bayu"]
    assert selectors.summary(batik)["orders"] == 2


def test_share_of_shops_with_a_sale(dataset):
    february = ReportFilters(start=date(2026, 2, 1), end=date(2026, 2, 28))

    summary = selectors.summary(february)

    # Only Dapur Ani sold in February (Batik Bayu's COD order was not completed yet).
    assert (summary["shops_with_sale"], summary["active"], summary["share_with_sale"]) == (1, 3, 33.3)


def test_shop_register_has_owner_region_codes_and_figures(dataset):
    rows = {shop.name: shop for shop in selectors.shop_register(ReportFilters(**Q1))}

    ani = rows["Dapur Ani"]
    assert ani.owners[0].user.email == "owner0@example.com"
    assert ani.district.code == "32.14.01"
    assert (ani.product_total, ani.order_total, ani.sales_total) == (1, 2, 45_000)
    assert set(rows) == {"Dapur Ani", "Batik Bayu", "Gonggong Citra", "Toko Baru"}


def test_default_period_is_the_last_twelve_months():
    filters = selectors.default_filters(today=date(2026, 11, 23))

    assert (filters.start, filters.end) == (date(2025, 12, 1), date(2026, 11, 23))
    assert len(selectors.months_between(filters.start, filters.end)) == 12
