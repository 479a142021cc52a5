"""Every total the marketplace shows or stores, computed in one place (docs/pricing.md).

Whole rupiah in ints, never floats: a line is unit price × quantity, a shop's order is its
items plus the chosen shipping fee (less a discount, once vouchers exist), a checkout is the
sum of its shops. The cart, the checkout page, order creation, the vendor overview and the
dinas reports read these functions; nothing else multiplies a price or adds a fee.

Where later work plugs in:
- shipping by weight: `shipping_options` is the one source of fees; it will ask the shipping
  app instead of the shop's own tariff table.
- vouchers: `ShopTotal.discount` and `CheckoutTotal.discount` (0 today) lower `total`.
- commission: taken by the payments app from `sale_value` (the goods, never the shipping).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, PositiveBigIntegerField, Q, Sum
from django.db.models.functions import Coalesce

from orders.models import ShippingMethod
from vendors.models import CourierRate

# What a sale is worth, for every sales figure: the goods, without shipping, so that sales by
# shop and by category add up to the same total.
SALE_VALUE_FIELD = "subtotal"


def _rupiah(value, name):
    # bool is an int to Python; a float or a Decimal here would be a rounding bug waiting to happen.
    if type(value) is not int:
        raise TypeError(f"{name} must be whole rupiah (int), not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative: {value}")


@dataclass(frozen=True)
class LineTotal:
    unit_price: int
    quantity: int
    amount: int

    def __post_init__(self):
        for name in ("unit_price", "quantity", "amount"):
            _rupiah(getattr(self, name), name)


@dataclass(frozen=True)
class ShippingOption:
    """One way a shop can deliver this parcel to this address, and its fee."""

    method: str
    fee: int

    @property
    def label(self):
        return ShippingMethod(self.method).label


@dataclass(frozen=True)
class ShopTotal:
    """What the buyer pays one shop: the order's figures, stored as they are at placement."""

    shop_id: int
    lines: tuple[LineTotal, ...]
    items: int
    shipping_method: str  # "" while no offered option is chosen
    shipping_fee: int
    discount: int
    total: int

    def __post_init__(self):
        for name in ("items", "shipping_fee", "discount", "total"):
            _rupiah(getattr(self, name), name)


@dataclass(frozen=True)
class CheckoutTotal:
    """What the buyer pays for the whole checkout: the sum of its shops."""

    shops: tuple[ShopTotal, ...]
    items: int
    shipping: int
    discount: int
    total: int

    def for_shop(self, shop_id) -> ShopTotal:
        return next(shop for shop in self.shops if shop.shop_id == shop_id)


# --- In Python: cart, checkout and orders ------------------------------------------------------


def line_total(*, unit_price: int, quantity: int) -> LineTotal:
    _rupiah(unit_price, "unit_price")
    _rupiah(quantity, "quantity")
    return LineTotal(unit_price=unit_price, quantity=quantity, amount=unit_price * quantity)


def items_total(lines: Iterable[LineTotal]) -> int:
    return sum(line.amount for line in lines)


def shop_total(*, shop_id, lines: Iterable[LineTotal], shipping: ShippingOption | None) -> ShopTotal:
    """One shop's order; `shipping` None while the buyer has not chosen (or cannot choose) one."""
    lines = tuple(lines)
    items = items_total(lines)
    fee = shipping.fee if shipping else 0
    discount = 0  # vouchers plug in here, never more than items + fee
    return ShopTotal(
        shop_id=shop_id,
        lines=lines,
        items=items,
        shipping_method=shipping.method if shipping else "",
        shipping_fee=fee,
        discount=discount,
        total=items + fee - discount,
    )


def checkout_total(shops: Iterable[ShopTotal]) -> CheckoutTotal:
    shops = tuple(shops)
    return CheckoutTotal(
        shops=shops,
        items=sum(shop.items for shop in shops),
        shipping=sum(shop.shipping_fee for shop in shops),
        discount=sum(shop.discount for shop in shops),
        total=sum(shop.total for shop in shops),
    )


def group_lines(group) -> list[LineTotal]:
    """The line totals of a cart's shop group (`orders.selectors.ShopGroup`)."""
    return [line.total for line in group.lines]


def quote(groups, *, options=None, methods=None) -> CheckoutTotal:
    """Totals of the cart's shop groups with the chosen shipping: the cart, the checkout page
    and order creation all read this.

    `options` maps shop id -> offered `ShippingOption`s, `methods` shop id -> the chosen method;
    a method the shop does not offer counts as not chosen (no fee, `shipping_method` "").
    Without them (the cart page) the totals are the goods alone.
    """
    options, methods = options or {}, methods or {}
    shops = []
    for group in groups:
        offered = {option.method: option for option in options.get(group.shop.pk, ())}
        chosen = offered.get(methods.get(group.shop.pk))
        shops.append(shop_total(shop_id=group.shop.pk, lines=group_lines(group), shipping=chosen))
    return checkout_total(shops)


# --- Shipping fees -----------------------------------------------------------------------------


def shipping_options(shop, address, weight_grams, *, rate=None) -> list[ShippingOption]:
    """What `shop` offers to deliver to `address`: pick-up, own delivery inside its regency, courier.

    `rate` is the shop's courier rate to the address's province when the caller already loaded
    it (False for none); the shipping app's rates will replace this tariff lookup.
    """
    options = []
    if shop.pickup_enabled:
        options.append(ShippingOption(ShippingMethod.PICKUP, 0))
    same_regency = shop.district_id and shop.district.regency_id == address.district.regency_id
    if shop.own_delivery_fee is not None and same_regency:
        options.append(ShippingOption(ShippingMethod.OWN_DELIVERY, shop.own_delivery_fee))
    if rate is None:
        rate = CourierRate.objects.filter(shop=shop, province_id=address.district.regency.province_id).first()
    if rate:
        options.append(ShippingOption(ShippingMethod.COURIER, rate.fee_for(weight_grams)))
    return options


def shipping_options_for(groups, address) -> dict:
    """shop id -> options for every group of the cart, with one query for the courier rates."""
    province = address.district.regency.province_id
    rates = {
        rate.shop_id: rate
        for rate in CourierRate.objects.filter(shop__in=[g.shop for g in groups], province_id=province)
    }
    return {
        g.shop.pk: shipping_options(g.shop, address, g.weight_grams, rate=rates.get(g.shop.pk, False))
        for g in groups
    }


# --- In the database: the same rules as query expressions ---------------------------------------


def line_amount_expression(prefix=""):
    """unit price × quantity of an `OrderItem` row (or of `prefix` + its fields), in SQL."""
    return ExpressionWrapper(
        F(f"{prefix}unit_price") * F(f"{prefix}quantity"), output_field=PositiveBigIntegerField()
    )


def sales_amount(condition: Q | None = None):
    """The value of the sales among aggregated orders: Σ of their goods, 0 when there is none."""
    return Coalesce(Sum(SALE_VALUE_FIELD, filter=condition), 0)
