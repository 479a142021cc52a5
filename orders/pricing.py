"""Every total the marketplace shows or stores, computed in one place (docs/pricing.md).

Whole rupiah in ints, never floats: a line is unit price × quantity, a shop's order is its
items plus the chosen shipping fee (less a discount, once vouchers exist), a checkout is the
sum of its shops. The cart, the checkout page, order creation, the vendor overview and the
dinas reports read these functions; nothing else multiplies a price or adds a fee.

Where later work plugs in:
- shipping: `shipping_options_for` is the one source of fees; it asks the shipping app
  (`shipping.selectors.options_for`: pick-up, own delivery by area, courier services priced
  from each shop's parcel by the tariff table or a rate provider).
- vouchers: `ShopTotal.discount` and `CheckoutTotal.discount` (0 today) lower `total`.
- commission: taken by the payments app from `sale_value` (the goods, never the shipping).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, PositiveBigIntegerField, Q, Sum
from django.db.models.functions import Coalesce

from orders.models import ShippingMethod
from shipping.couriers import Courier
from shipping.parcels import line_for
from shipping.selectors import options_for, parcel_for

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
    """One way a shop can deliver this parcel to this address: what the buyer picks, and its fee.

    `fee` None keeps an option on the list that cannot be chosen here (`note` says why).
    """

    key: str  # "pickup", "own_delivery" or a courier service such as "jne:REG"
    fee: int | None
    label: str = ""
    min_days: int | None = None
    max_days: int | None = None
    note: str = ""
    chargeable_kg: int | None = None  # what a courier charges for the parcel, in whole kg
    weight_grams: int = 0  # the parcel's actual weight, 0 when unknown

    def __post_init__(self):
        if self.fee is not None:
            _rupiah(self.fee, "fee")

    @property
    def available(self) -> bool:
        return self.fee is not None

    @property
    def method(self) -> str:
        """The kind of shipping, as orders store it: pick-up, own delivery or courier."""
        return (
            self.key
            if self.key in (ShippingMethod.PICKUP, ShippingMethod.OWN_DELIVERY)
            else ShippingMethod.COURIER
        )

    @property
    def courier(self) -> str:
        """The courier's name ("JNE") for a courier service, else ""."""
        code = self.key.partition(":")[0]
        return Courier(code).label if self.method == ShippingMethod.COURIER and code in Courier.values else ""

    @property
    def service(self) -> str:
        return self.key.partition(":")[2] if self.method == ShippingMethod.COURIER else ""


@dataclass(frozen=True)
class ShopTotal:
    """What the buyer pays one shop: the order's figures, stored as they are at placement."""

    shop_id: int
    lines: tuple[LineTotal, ...]
    items: int
    shipping: ShippingOption | None  # None while no offered option is chosen
    shipping_fee: int
    discount: int
    total: int

    def __post_init__(self):
        for name in ("items", "shipping_fee", "discount", "total"):
            _rupiah(getattr(self, name), name)

    @property
    def shipping_key(self) -> str:
        return self.shipping.key if self.shipping else ""


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
    if shipping is not None and not shipping.available:
        shipping = None
    fee = shipping.fee if shipping else 0
    discount = 0  # vouchers plug in here, never more than items + fee
    return ShopTotal(
        shop_id=shop_id,
        lines=lines,
        items=items,
        shipping=shipping,
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

    `options` maps shop id -> offered `ShippingOption`s, `methods` shop id -> the chosen key;
    a key the shop does not offer, or offers unavailable, counts as not chosen (no fee,
    `shipping` None).
    Without them (the cart page) the totals are the goods alone.
    """
    options, methods = options or {}, methods or {}
    shops = []
    for group in groups:
        offered = {option.key: option for option in options.get(group.shop.pk, ()) if option.available}
        chosen = offered.get(methods.get(group.shop.pk))
        shops.append(shop_total(shop_id=group.shop.pk, lines=group_lines(group), shipping=chosen))
    return checkout_total(shops)


# --- Shipping fees -----------------------------------------------------------------------------


def shipping_options(group, address) -> list[ShippingOption]:
    """What the shop of a cart group (`orders.selectors.ShopGroup`) offers to deliver its parcel
    to `address`: pick-up, own delivery and each enabled courier service, the unavailable ones
    included with the reason (the shipping app decides; the fees are read here, nowhere else)."""
    parcel, problem = parcel_for(shop=group.shop, items=parcel_items(group))
    choices = options_for(
        shop=group.shop,
        destination_district=address.district,
        parcel=parcel,
        destination_postal_code=address.postal_code,
        no_parcel_reason=problem,
    )
    return [
        ShippingOption(
            key=choice.key,
            fee=choice.price if choice.available else None,
            label=str(choice.label),
            min_days=choice.min_days,
            max_days=choice.max_days,
            note=choice.note,
            chargeable_kg=parcel.chargeable_kg() if parcel and choice.kind == "courier" else None,
            weight_grams=parcel.actual_grams if parcel else 0,
        )
        for choice in choices
    ]


def parcel_items(group) -> list:
    return [(line.item.product, line.item.variant, line.item.quantity) for line in group.lines]


@dataclass(frozen=True)
class PricedShipping:
    """A cart's shipping options read for one address, kept with the parcels they were read for."""

    basis: tuple
    options: dict  # shop id -> [ShippingOption]


def shipping_basis(groups, address) -> tuple:
    """What a cart's shipping options are read for: the address and each shop's parcel lines
    (weights, sizes, values and quantities)."""
    parcels = tuple(
        (group.shop.pk, tuple(line_for(product=p, variant=v, quantity=q) for p, v, q in parcel_items(group)))
        for group in groups
    )
    return (address.pk, address.district_id, address.postal_code, parcels)


def price_shipping(groups, address) -> PricedShipping:
    return PricedShipping(
        basis=shipping_basis(groups, address), options=shipping_options_for(groups, address)
    )


def shipping_options_for(groups, address, *, priced: PricedShipping | None = None) -> dict:
    """shop id -> the options of every group of the cart.

    `priced`: options this request read a moment ago (the checkout form's check, before placing
    the order re-reads the cart under its lock). They are reused when the cart still makes the
    same parcels to the same address; anything else is read again.
    """
    if priced is not None and priced.basis == shipping_basis(groups, address):
        return priced.options
    return {group.shop.pk: shipping_options(group, address) for group in groups}


# --- In the database: the same rules as query expressions ---------------------------------------


def line_amount_expression(prefix=""):
    """unit price × quantity of an `OrderItem` row (or of `prefix` + its fields), in SQL."""
    return ExpressionWrapper(
        F(f"{prefix}unit_price") * F(f"{prefix}quantity"), output_field=PositiveBigIntegerField()
    )


def sales_amount(condition: Q | None = None):
    """The value of the sales among aggregated orders: Σ of their goods, 0 when there is none."""
    return Coalesce(Sum(SALE_VALUE_FIELD, filter=condition), 0)
