"""The dinas figures: every number on the reports page, each from one aggregate query.

What counts as a sale is written once, in `orders.models.SALE_STATUSES` (the vendor overview
reads the same rule), and what a sale is worth in `orders.pricing` (the goods, without
shipping). Orders fall into the month they were placed. See docs/dinas.md.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from catalog.models import Expo, ExpoShop, Product
from orders import pricing
from orders.models import SALE, Order, OrderItem
from vendors.models import Community, Shop, ShopMember

TOP_SHOPS = 10


@dataclass(frozen=True)
class ReportFilters:
    """The period (whole days, inclusive) and where: a province, a regency, a community."""

    start: date
    end: date
    province: str = ""
    regency: str = ""
    community: Community | None = None

    @property
    def since(self):
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self):
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def shops_q(self, prefix=""):
        """Which shops the report is about, as a condition on `prefix` + shop fields."""
        q = Q()
        if self.regency:
            q &= Q(**{f"{prefix}district__regency_id": self.regency})
        elif self.province:
            q &= Q(**{f"{prefix}district__regency__province_id": self.province})
        if self.community is not None:
            q &= Q(**{f"{prefix}communities": self.community})
        return q

    def orders(self):
        """Orders placed in the period by the chosen shops."""
        return Order.objects.filter(
            self.shops_q("shop__"), created_at__gte=self.since, created_at__lt=self.until
        )

    def sales(self):
        return self.orders().sales()


def default_filters(today=None) -> ReportFilters:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    months = today.year * 12 + today.month - 1 - 11
    return ReportFilters(start=date(months // 12, months % 12 + 1, 1), end=today)


def months_between(start, end):
    month, months = date(start.year, start.month, 1), []
    while month <= end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _month_key(value):
    """TruncMonth gives a date on SQLite and an aware datetime on PostgreSQL."""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return date(value.year, value.month, 1)
    return date(value.year, value.month, 1)


# --- The figures ------------------------------------------------------------------------------


def summary(filters: ReportFilters) -> dict:
    shops = Shop.objects.filter(filters.shops_q()).aggregate(
        active=Count("id", filter=Q(status=Shop.Status.APPROVED)),
        pending=Count("id", filter=Q(status=Shop.Status.PENDING)),
        onboarded=Count("id", filter=Q(approved_at__gte=filters.since, approved_at__lt=filters.until)),
    )
    products = Product.objects.visible().filter(filters.shops_q("shop__")).count()
    orders = filters.orders().aggregate(
        orders=Count("id"),
        sales_orders=Count("id", filter=SALE),
        sales=pricing.sales_amount(SALE),
        shops_with_sale=Count("shop", filter=SALE, distinct=True),
    )
    active = shops["active"]
    share = round(100 * orders["shops_with_sale"] / active, 1) if active else 0
    return {**shops, "products": products, **orders, "share_with_sale": share}


def onboarded_by_month(filters: ReportFilters) -> list[dict]:
    rows = (
        Shop.objects.filter(filters.shops_q(), approved_at__gte=filters.since, approved_at__lt=filters.until)
        .annotate(month=TruncMonth("approved_at"))
        .values("month")
        .annotate(shops=Count("id"))
        .order_by()
    )
    counts = {_month_key(row["month"]): row["shops"] for row in rows}
    return [{"month": m, "shops": counts.get(m, 0)} for m in months_between(filters.start, filters.end)]


def orders_by_month(filters: ReportFilters) -> list[dict]:
    rows = (
        filters.orders()
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(orders=Count("id"), sales_orders=Count("id", filter=SALE), sales=pricing.sales_amount(SALE))
        .order_by()
    )
    found = {_month_key(row["month"]): row for row in rows}
    empty = {"orders": 0, "sales_orders": 0, "sales": 0}
    return [
        {"month": m, **{k: (found.get(m) or empty)[k] or 0 for k in empty}}
        for m in months_between(filters.start, filters.end)
    ]


def monthly(filters: ReportFilters) -> list[dict]:
    """Shops onboarded, orders and sales, one row per month of the period."""
    onboarded = {row["month"]: row["shops"] for row in onboarded_by_month(filters)}
    return [{**row, "shops": onboarded[row["month"]]} for row in orders_by_month(filters)]


def sales_by_category(filters: ReportFilters) -> list[dict]:
    """Top-level categories; a sub-category's sales count for its parent."""
    items = OrderItem.objects.filter(order__in=filters.sales())
    rows = (
        items.values(category=Coalesce("product__category__parent__name", "product__category__name"))
        .annotate(items=Sum("quantity"), sales=Sum(pricing.line_amount_expression()))
        .order_by("-sales", "category")
    )
    return [{**row, "category": row["category"] or "—"} for row in rows]


def _by_area(filters, key, name):
    """Active shops and sales per regency or district, merged from two grouped queries."""
    shops = (
        Shop.objects.filter(filters.shops_q(), status=Shop.Status.APPROVED)
        .values(area_code=F(key), area_name=F(name))
        .annotate(shops=Count("id"))
        .order_by()
    )
    sales = (
        filters.sales()
        .values(area_code=F(f"shop__{key}"), area_name=F(f"shop__{name}"))
        .annotate(
            orders=Count("id"), sales=pricing.sales_amount(), selling_shops=Count("shop", distinct=True)
        )
        .order_by()
    )
    areas = {}
    for row in list(shops) + list(sales):
        area = areas.setdefault(
            row["area_code"],
            {
                "code": row["area_code"],
                "name": row["area_name"],
                "shops": 0,
                "selling_shops": 0,
                "orders": 0,
                "sales": 0,
            },
        )
        for figure in ("shops", "selling_shops", "orders", "sales"):
            if figure in row:
                area[figure] = row[figure] or 0
    return sorted(areas.values(), key=lambda a: (-a["sales"], -a["shops"], a["name"] or ""))


def by_regency(filters: ReportFilters) -> list[dict]:
    return _by_area(filters, "district__regency_id", "district__regency__name")


def by_district(filters: ReportFilters) -> list[dict]:
    return _by_area(filters, "district_id", "district__name")


def top_shops(filters: ReportFilters, limit=TOP_SHOPS) -> list[dict]:
    return list(
        filters.sales()
        .values("shop_id", name=F("shop__name"), regency=F("shop__district__regency__name"))
        .annotate(orders=Count("id"), sales=pricing.sales_amount())
        .order_by("-sales", "name")[:limit]
    )


def expo_figures(filters: ReportFilters) -> list[dict]:
    """Expos that overlap the period: visits, and orders and sales of their shops during the expo."""
    expo_orders = Order.objects.filter(
        SALE,
        filters.shops_q("shop__"),
        shop__expo_entries__expo=OuterRef("pk"),
        shop__expo_entries__status=ExpoShop.Status.ACCEPTED,
        created_at__date__gte=OuterRef("starts_on"),
        created_at__date__lte=OuterRef("ends_on"),
    ).order_by()
    # A plain COUNT/SUM function, not an aggregate: one value per expo without a GROUP BY.
    count = expo_orders.annotate(n=Func(F("id"), function="COUNT")).values("n")
    total = expo_orders.annotate(s=Func(F(pricing.SALE_VALUE_FIELD), function="SUM")).values("s")
    expos = (
        Expo.objects.filter(starts_on__lte=filters.end, ends_on__gte=filters.start)
        .annotate(
            shops=Count("entries", filter=Q(entries__status=ExpoShop.Status.ACCEPTED)),
            orders=Coalesce(Subquery(count, output_field=IntegerField()), 0),
            sales=Coalesce(Subquery(total, output_field=IntegerField()), 0),
        )
        .order_by("-starts_on")
    )
    return [
        {"name": e.name, "starts_on": e.starts_on, "ends_on": e.ends_on, "visits": e.visit_count,
         "shops": e.shops, "orders": e.orders, "sales": e.sales}
        for e in expos
    ]  # fmt: skip


def shop_register(filters: ReportFilters, *, include_drafts=False):
    """Every shop that applied (drafts left out), with owner, region codes, communities and its
    orders and sales in the period: the list the dinas sends upward."""
    sales = filters.sales().filter(shop=OuterRef("pk")).order_by().values("shop")
    products = Product.objects.visible().filter(shop=OuterRef("pk")).order_by().values("shop")
    owners = ShopMember.objects.filter(role=ShopMember.Role.OWNER).select_related("user")
    shops = Shop.objects.filter(filters.shops_q())
    if not include_drafts:
        shops = shops.exclude(status=Shop.Status.DRAFT)
    return (
        shops.select_related("district__regency__province")
        .prefetch_related("communities", Prefetch("members", queryset=owners, to_attr="owners"))
        .annotate(
            product_total=Coalesce(Subquery(products.annotate(n=Count("id")).values("n")), 0),
            order_total=Coalesce(Subquery(sales.annotate(n=Count("id")).values("n")), 0),
            sales_total=Coalesce(Subquery(sales.annotate(s=pricing.sales_amount()).values("s")), 0),
        )
        .order_by("district__regency__name", "name")
    )


@dataclass
class Report:
    filters: ReportFilters
    summary: dict = field(default_factory=dict)
    monthly: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    regencies: list = field(default_factory=list)
    districts: list = field(default_factory=list)
    top_shops: list = field(default_factory=list)
    expos: list = field(default_factory=list)


def full_report(filters: ReportFilters) -> Report:
    return Report(
        filters=filters,
        summary=summary(filters),
        monthly=monthly(filters),
        categories=sales_by_category(filters),
        regencies=by_regency(filters),
        districts=by_district(filters),
        top_shops=top_shops(filters),
        expos=expo_figures(filters),
    )
