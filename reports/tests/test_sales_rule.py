"""One definition of a sale: the vendor overview and every dinas figure agree on the same data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from marketplace.money import format_rupiah
from orders.models import SALE_STATUSES, Order, OrderStatus, PaymentMethod
from orders.selectors import shop_overview
from reports import exports, selectors
from reports.selectors import ReportFilters
from reports.tests import factories as f

S, P = OrderStatus, PaymentMethod
COUNTED = {
    (P.TRANSFER, S.PAID),
    (P.TRANSFER, S.PROCESSING),
    (P.TRANSFER, S.SHIPPED),
    (P.TRANSFER, S.COMPLETED),
    (P.COD, S.COMPLETED),
    # Transaksi aman: once the provider's payment is verified, like a confirmed transfer.
    (P.AMAN, S.PAID),
    (P.AMAN, S.PROCESSING),
    (P.AMAN, S.SHIPPED),
    (P.AMAN, S.COMPLETED),
}


def test_the_rule_is_transfers_once_paid_and_cash_on_delivery_once_completed():
    counted = {(method, status) for method, statuses in SALE_STATUSES.items() for status in statuses}

    assert counted == COUNTED
    for method in P:
        for status in S:
            assert Order(payment_method=method, status=status).is_sale == ((method, status) in COUNTED)


@pytest.fixture
def every_status_this_month(db, buyer):
    """Two shops, each with an order in every status by both payment methods this month, and a
    sale last month; every order has a shipping fee, which never counts."""
    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    category = f.category("makanan-aturan-uji", "Makanan")
    shops, expected = [], {}
    for n, name in enumerate(("Dapur Ani", "Batik Bayu")):
        shop = f.shop(make_user(f"owner{n}@example.com"), name, approved=start - timedelta(days=40))
        product = f.product(shop, category=category, price=1_000 * (n + 1))
        sold = []
        for i, (method, status) in enumerate((m, s) for m in P for s in S):
            order = f.order(
                buyer, product=product, quantity=i + 1, status=status, payment=method, when=timezone.now()
            )
            if (method, status) in COUNTED:
                sold.append(order.subtotal)
        f.order(buyer, product=product, quantity=99, when=start - timedelta(days=1))  # last month
        shops.append(shop)
        expected[shop.pk] = (len(sold), sum(sold))
    return shops, expected, ReportFilters(start=start.date(), end=timezone.localdate())


def test_the_vendor_overview_and_the_dinas_report_agree_on_sales(every_status_this_month):
    shops, expected, this_month = every_status_this_month

    top = {row["shop_id"]: (row["orders"], row["sales"]) for row in selectors.top_shops(this_month)}
    register = {shop.pk: (shop.order_total, shop.sales_total) for shop in selectors.shop_register(this_month)}
    for shop in shops:
        overview = shop_overview(shop)
        assert (overview["orders_this_month"], overview["sales"]) == expected[shop.pk]
        assert top[shop.pk] == expected[shop.pk]
        assert register[shop.pk] == expected[shop.pk]

    count, amount = sum(n for n, _ in expected.values()), sum(s for _, s in expected.values())
    summary = selectors.summary(this_month)
    assert (summary["sales_orders"], summary["sales"]) == (count, amount)
    month = selectors.monthly(this_month)[-1]
    assert (month["sales_orders"], month["sales"]) == (count, amount)
    district = selectors.by_district(this_month)[0]
    assert (district["orders"], district["sales"]) == (count, amount)
    assert sum(row["sales"] for row in selectors.sales_by_category(this_month)) == amount
    assert exports.monthly_table(this_month).rows[-1][-2:] == [count, amount]


def test_the_overview_page_shows_the_same_sales(every_status_this_month, client, password):
    shops, expected, _ = every_status_this_month
    shop = shops[0]
    client.login(email=shop.members.get().user.email, password=password)

    response = client.get(f"/dashboard/{shop.slug}/")

    assert response.status_code == 200
    assert f'<strong id="sales-this-month">{format_rupiah(expected[shop.pk][1])}</strong>' in response.text
