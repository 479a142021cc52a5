"""What the marketplace earns on an order: one rate per line, one rounding per order.

Which rate: the shop's own rate if it has one; else the lowest rate among the shop's
communities (a cooperative that negotiated 0 % for its members gets it even when the shop
belongs to another community too); else the rate of the line's category (a sub-category
without one takes its parent's); else the deployment's `COMMISSION_RATE_BASIS_POINTS`.

Rounding rule: commission is taken on the goods only (the order's subtotal, never the
shipping). Each line contributes amount × rate in basis points; the order's commission is
Σ / 10 000 rounded half up to whole rupiah, once, so an order never pays more than its rate
because of rounding on many small lines.
"""

from django.conf import settings

from orders.pricing import line_total
from payments.models import CommissionRate

BASIS = 10_000


def round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def shop_rate(shop) -> int | None:
    """The shop's or its communities' rate, which applies to every line; None when neither has one."""
    own = CommissionRate.objects.filter(shop=shop).values_list("basis_points", flat=True).first()
    if own is not None:
        return own
    rates = CommissionRate.objects.filter(community__in=shop.communities.all()).values_list(
        "basis_points", flat=True
    )
    return min(rates, default=None)


def category_rates() -> dict[int, int]:
    return dict(
        CommissionRate.objects.filter(category__isnull=False).values_list("category_id", "basis_points")
    )


def line_rate(item, rates: dict[int, int]) -> int:
    category = item.product.category if item.product_id else None
    while category is not None:
        if category.pk in rates:
            return rates[category.pk]
        category = category.parent
    return settings.COMMISSION_RATE_BASIS_POINTS


def commission_for(order) -> int:
    """The commission on `order`'s goods, in whole rupiah (see the rounding rule above)."""
    items = list(order.items.select_related("product__category__parent"))
    fixed = shop_rate(order.shop)
    rates = {} if fixed is not None else category_rates()
    weighted = 0
    for item in items:
        amount = line_total(unit_price=item.unit_price, quantity=item.quantity).amount
        weighted += amount * (fixed if fixed is not None else line_rate(item, rates))
    return round_half_up(weighted, BASIS)
