"""Reads of the orders app shared by views and services, each with a fixed number of queries."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, Review
from marketplace.money import format_rupiah
from marketplace.pagecache import GUEST_CART_SESSION_KEY
from orders import pricing
from orders.models import (
    SALE,
    Address,
    CartItem,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
)
from vendors.models import Shop

S = OrderStatus
# What a shop has to do something about.
NEEDS_SHOP_ACTION = (S.PAYMENT_SUBMITTED, S.PAID, S.PLACED, S.PROCESSING)


# --- The cart ---------------------------------------------------------------------------------

SESSION_CART = GUEST_CART_SESSION_KEY


def cart_count(request) -> int:
    """Units in the visitor's cart in one query; none at all for a visitor without a session."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items = CartItem.objects.filter(cart__user=user)
    else:
        session = getattr(request, "session", None)
        token = session.get(SESSION_CART) if session is not None and session.session_key else None
        if not token:
            return 0
        items = CartItem.objects.filter(cart__token=token, cart__user__isnull=True)
    return items.aggregate(units=Sum("quantity", default=0))["units"]


@dataclass
class CartLine:
    item: CartItem
    problem: str = ""

    @property
    def product(self):
        return self.item.product

    @property
    def name(self):
        variant = self.item.variant
        return f"{self.item.product.name} ({variant.name})" if variant.name else self.item.product.name

    @property
    def unit_price(self):
        return self.item.variant.price

    @property
    def stock(self):
        return self.item.variant.stock

    @property
    def quantity(self):
        return self.item.quantity

    @property
    def total(self) -> pricing.LineTotal:
        return pricing.line_total(unit_price=self.unit_price, quantity=self.item.quantity)

    @property
    def line_total(self):
        return self.total.amount

    @property
    def weight_grams(self):
        return self.item.product.weight_grams * self.item.quantity


@dataclass
class ShopGroup:
    shop: Shop
    lines: list = field(default_factory=list)

    @property
    def subtotal(self):
        return pricing.items_total(line.total for line in self.lines)

    @property
    def weight_grams(self):
        return sum(line.weight_grams for line in self.lines)


def line_problem(line: CartLine) -> str:
    """Why this line cannot be bought as it is, in words the buyer can act on; "" if it can."""
    product, name = line.item.product, line.name
    if (
        product.status != product.Status.ACTIVE
        or product.taken_down_at is not None
        or product.shop.status != Shop.Status.APPROVED
    ):
        return _("“%(name)s” is no longer available; remove it from your cart.") % {"name": name}
    if line.stock == 0:
        return _("“%(name)s” is out of stock; remove it from your cart.") % {"name": name}
    if line.item.quantity > line.stock:
        return _("Only %(left)s left of “%(name)s”; lower the quantity.") % {"left": line.stock, "name": name}
    if line.item.quantity < product.min_order_quantity:
        return _("The minimum order of “%(name)s” is %(min)s.") % {
            "name": name,
            "min": product.min_order_quantity,
        }
    if line.item.price_seen != line.unit_price:
        return _("The price of “%(name)s” changed from %(old)s to %(new)s; press Update to accept it.") % {
            "name": name,
            "old": format_rupiah(line.item.price_seen),
            "new": format_rupiah(line.unit_price),
        }
    return ""


def cart_lines(cart) -> list[CartLine]:
    if cart is None:
        return []
    items = CartItem.objects.filter(cart=cart).select_related("product__shop__district__regency", "variant")
    lines = [CartLine(item) for item in items]
    for line in lines:
        line.problem = line_problem(line)
    return lines


def cart_lines_again(cart, lines=None) -> list[CartLine]:
    """The cart's lines as checkout reads them again under the cart's lock: `lines`, read earlier
    in this request, while the cart still holds exactly those rows; a full read otherwise.

    The lock keeps other tabs from changing the cart's rows, not the products: stock is taken
    by one checked statement (catalog.stock) and prices are compared with what the buyer saw,
    so a second full read would be no surer of them than the first.
    """
    if lines is None:
        return cart_lines(cart)
    rows = CartItem.objects.filter(cart=cart).values_list("pk", "variant_id", "quantity", "price_seen")
    read = {(line.item.pk, line.item.variant_id, line.item.quantity, line.item.price_seen) for line in lines}
    return lines if set(rows) == read else cart_lines(cart)


def group_by_shop(lines) -> list[ShopGroup]:
    groups = {}
    for line in lines:
        shop = line.item.product.shop
        groups.setdefault(shop.pk, ShopGroup(shop)).lines.append(line)
    return sorted(groups.values(), key=lambda group: group.shop.name)


# --- Payment options ---------------------------------------------------------------------------


def payment_methods(shop) -> list[str]:
    """What the buyer may choose for `shop`'s order: in transaksi aman mode the checkout's one
    payment through the marketplace replaces the transfer to the shop; COD stays the shop's choice."""
    methods = [PaymentMethod.AMAN if settings.PAYMENT_MODE == "aman" else PaymentMethod.TRANSFER]
    if shop.cod_enabled:
        methods.append(PaymentMethod.COD)
    return methods


# --- Addresses --------------------------------------------------------------------------------


def addresses_of(user):
    return Address.objects.filter(user=user).select_related("district__regency__province")


# --- Orders -----------------------------------------------------------------------------------


def buyer_orders(user):
    return Order.objects.for_buyer(user).select_related("shop").prefetch_related("items")


def buyer_order(user, number) -> Order:
    orders = Order.objects.for_buyer(user).select_related("shop", "checkout")
    return get_object_or_404(orders, number=number)


def member_orders(user, shop):
    """The only way the shop's pages reach orders: of the shops `user` works for, and of `shop`."""
    return Order.objects.for_shop_member(user).filter(shop=shop)


def shop_orders(shop, status="", *, user):
    orders = member_orders(user, shop).select_related("buyer")
    return orders.filter(status=status) if status in S.values else orders


def shop_order(shop, number, *, user) -> Order:
    return get_object_or_404(member_orders(user, shop).select_related("buyer", "shop"), number=number)


def status_counts(shop) -> dict:
    rows = Order.objects.filter(shop=shop).values("status").annotate(n=Count("id")).order_by()
    counts = {row["status"]: row["n"] for row in rows}
    return {status: counts.get(status, 0) for status in S.values}


def shop_overview(shop) -> dict:
    """Orders needing action and sales of orders placed this month (Asia/Jakarta), in one query.

    Sales follow the one rule (`orders.models.SALE`) the dinas reports use too.
    """
    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    this_month = SALE & Q(created_at__gte=start)
    figures = Order.objects.filter(shop=shop).aggregate(
        needing_action=Count("id", filter=Q(status__in=NEEDS_SHOP_ACTION)),
        sales=pricing.sales_amount(this_month),
        orders_this_month=Count("id", filter=this_month),
    )
    return figures


def order_timeline(order):
    return order.events.select_related("actor")


def order_with_details(order):
    """Items, payments and events of one order, loaded in three queries."""
    return (
        Order.objects.filter(pk=order.pk)
        .select_related("shop", "buyer")
        .prefetch_related(
            Prefetch("items", queryset=OrderItem.objects.order_by("id")),
            "payments",
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
        )
        .get()
    )


def shop_order_url(order) -> str:
    return reverse("orders:shop_order", args=[order.shop.slug, order.number])


def payment_for_viewer(user, payment_id):
    """A proof of payment, for the order's buyer or the shop's members; 404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    payments = Payment.objects.filter(Q(order__buyer=user) | Q(order__shop__in=Shop.objects.for_member(user)))
    return get_object_or_404(payments, pk=payment_id)


# --- Reviews ----------------------------------------------------------------------------------


def can_review(user, product_id) -> bool:
    return (
        OrderItem.objects.filter(order__buyer=user, order__status=S.COMPLETED, product_id=product_id).exists()
        and not Review.objects.filter(author=user, product_id=product_id).exists()
    )


def reviewable_items(order, user):
    """Items of a completed order the buyer has not reviewed yet."""
    if order.status != S.COMPLETED or order.buyer_id != user.pk:
        return []
    reviewed = set(
        Review.objects.filter(
            author=user, product_id__in=[i.product_id for i in order.items.all()]
        ).values_list("product_id", flat=True)
    )
    seen, items = set(), []
    for item in order.items.all():
        if item.product_id and item.product_id not in reviewed and item.product_id not in seen:
            seen.add(item.product_id)
            items.append(item)
    return items


# --- The new shop's checklist -------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistStep:
    key: str
    label: str
    done: bool
    url: str = ""


def setup_checklist(shop, *, is_owner) -> list[ChecklistStep]:
    """What a new shop still has to do to sell, each step done or not according to the data."""
    has_product_with_photo = (
        Product.objects.filter(shop=shop, images__isnull=False)
        .exclude(status=Product.Status.ARCHIVED)
        .exists()
    )
    ships = shop.cod_enabled or shop.own_delivery_areas.exists() or shop.courier_services.exists()
    slug = shop.slug
    return [
        ChecklistStep(
            "product",
            _("Add your first product with a photo"),
            has_product_with_photo,
            reverse("catalog:dashboard_create", args=[slug]),
        ),
        ChecklistStep(
            "shipping",
            _("Set how you deliver: own delivery, cash on delivery or courier rates"),
            ships,
            reverse("vendors:shipping", args=[slug]),
        ),
        ChecklistStep(
            "bank",
            _("Add a bank account for buyers' transfers"),
            shop.bank_accounts.exists(),
            reverse("vendors:bank_accounts", args=[slug]) if is_owner else "",
        ),
        ChecklistStep(
            "share",
            _("Share your shop on WhatsApp"),
            shop.shared_on_whatsapp_at is not None,
            reverse("vendors:share_whatsapp", args=[slug]),
        ),
    ]
