"""Writes of the orders app: the cart, the address book, checkout and reviews.

Status changes of an order are not here: they live in `orders.transitions`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import stock
from catalog.models import Product, ProductVariant, Review
from marketplace import notifications
from marketplace.money import format_rupiah
from marketplace.pagecache import cart_changed, products_changed
from marketplace.text import parse_id
from orders import pricing, selectors
from orders.models import (
    MAX_QUANTITY,
    Address,
    Cart,
    CartItem,
    Checkout,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    new_order_number,
)
from vendors.models import ShopMember

SESSION_CART = selectors.SESSION_CART
# A cart found empty this soon after its owner's last checkout was most likely emptied by it.
ALREADY_PLACED = timedelta(minutes=10)


class CheckoutError(ValidationError):
    """Checkout refused: nothing was created. `messages` say what to change."""


@dataclass(frozen=True)
class ShopChoice:
    """What the buyer picked for one shop's order."""

    shipping: str
    payment: str
    note: str = ""


# --- The cart ---------------------------------------------------------------------------------


def cart_for(request, *, create=False) -> Cart | None:
    """The user's cart, or the guest's (through a token kept in the session)."""
    if request.user.is_authenticated:
        if create:
            return Cart.objects.get_or_create(user=request.user)[0]
        return Cart.objects.filter(user=request.user).first()
    token = request.session.get(SESSION_CART)
    cart = Cart.objects.filter(token=token, user__isnull=True).first() if token else None
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[SESSION_CART] = str(cart.token)
    return cart


def check_quantity(quantity) -> int:
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter the quantity as a whole number."), code="quantity") from None
    if quantity < 1 or quantity > MAX_QUANTITY:
        raise ValidationError(
            _("The quantity must be between 1 and %(max)s.") % {"max": MAX_QUANTITY}, code="quantity"
        )
    return quantity


@transaction.atomic
def add_to_cart(*, cart, product_id, variant_id=None, quantity=1) -> CartItem:
    quantity = check_quantity(quantity)
    # Two tabs adding at once: the second waits and then adds to the line the first made,
    # instead of failing on the one-line-per-variant constraint.
    Cart.objects.select_for_update().filter(pk=cart.pk).first()
    cart_changed(cart)
    product_id = parse_id(product_id)
    product = Product.objects.visible().filter(pk=product_id).first() if product_id else None
    if product is None:
        raise ValidationError(_("This product is not available."), code="unavailable")
    check_not_own_shop(cart.user_id, [product.shop_id])
    variant = chosen_variant(product, (parse_id(variant_id) or 0) if variant_id else None)
    price = variant.price
    item = CartItem.objects.filter(cart=cart, product=product, variant=variant).first()
    wanted = max((item.quantity if item else 0) + quantity, product.min_order_quantity)
    check_available(product, variant, wanted)
    if item:
        item.quantity, item.price_seen = wanted, price
        item.save(update_fields=["quantity", "price_seen"])
        return item
    return CartItem.objects.create(
        cart=cart, product=product, variant=variant, quantity=wanted, price_seen=price
    )


def check_not_own_shop(user_id, shop_ids):
    """A seller buying from their own shop could complete the order alone and review it."""
    if user_id and ShopMember.objects.filter(user_id=user_id, shop_id__in=shop_ids).exists():
        raise CheckoutError(
            _("You cannot buy from a shop you run. Use another account to test your shop."),
            code="own_shop",
        )


def chosen_variant(product, variant_id):
    """The variant asked for, or the product's only one when it has no options."""
    variants = ProductVariant.objects.filter(product=product)
    if variant_id is not None:
        variants = variants.filter(pk=variant_id)
    found = list(variants[:2])
    if len(found) != 1:
        raise ValidationError(_("Choose one of the product's variants."), code="variant")
    found[0].product = product
    return found[0]


def check_available(product, variant, quantity):
    """Refuse more than the stock or less than the minimum order, saying what is possible."""
    name = variant.full_name
    stock = variant.stock
    if stock == 0:
        raise ValidationError(_("“%(name)s” is out of stock.") % {"name": name}, code="out_of_stock")
    if quantity > stock:
        raise ValidationError(
            _("Only %(left)s left of “%(name)s”.") % {"left": stock, "name": name}, code="out_of_stock"
        )
    if quantity < product.min_order_quantity:
        raise ValidationError(
            _("The minimum order of “%(name)s” is %(min)s.")
            % {"name": name, "min": product.min_order_quantity},
            code="min_order",
        )


def update_cart_item(*, cart, item_id, quantity) -> CartItem:
    """Set a line's quantity; the buyer has now seen today's price."""
    quantity = check_quantity(quantity)
    item = CartItem.objects.select_related("product", "variant").filter(cart=cart, pk=item_id).first()
    if item is None:
        raise ValidationError(_("This item is no longer in your cart."), code="missing")
    check_available(item.product, item.variant, quantity)
    item.quantity = quantity
    item.price_seen = item.variant.price
    item.save(update_fields=["quantity", "price_seen"])
    cart_changed(cart)
    return item


def remove_cart_item(*, cart, item_id) -> None:
    CartItem.objects.filter(cart=cart, pk=item_id).delete()
    cart_changed(cart)


def merge_carts(*, guest_cart, user) -> Cart:
    """Move a guest's lines into the user's cart; a product in both keeps the larger quantity."""
    with transaction.atomic():
        cart, _created = Cart.objects.get_or_create(user=user)
        cart_changed(cart)
        if guest_cart is None or guest_cart.pk == cart.pk:
            return cart
        existing = {(i.product_id, i.variant_id): i for i in cart.items.all()}
        for item in guest_cart.items.all():
            mine = existing.get((item.product_id, item.variant_id))
            if mine:
                mine.quantity = max(mine.quantity, item.quantity)
                mine.price_seen = item.price_seen
                mine.save(update_fields=["quantity", "price_seen"])
            else:
                item.cart = cart
                item.save(update_fields=["cart"])
        cart_changed(guest_cart)
        guest_cart.delete()
    return cart


def merge_cart_at_login(sender, request, user, **kwargs):
    token = request.session.get(SESSION_CART) if hasattr(request, "session") else None
    if not token:
        return
    guest_cart = Cart.objects.filter(token=token, user__isnull=True).first()
    if guest_cart:
        merge_carts(guest_cart=guest_cart, user=user)
    request.session.pop(SESSION_CART, None)


# --- The address book --------------------------------------------------------------------------


def save_address(*, user, address=None, **fields) -> Address:
    """Create (or edit the user's own) address; the first one, or one asked for, becomes the default."""
    with transaction.atomic():
        make_default = fields.pop("is_default", False)
        if address is None:
            address = Address(user=user)
            make_default = make_default or not Address.objects.filter(user=user).exists()
        for name, value in fields.items():
            setattr(address, name, value)
        address.save()
        if make_default:
            set_default_address(user=user, address=address)
    return address


def set_default_address(*, user, address) -> None:
    with transaction.atomic():
        Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
        Address.objects.filter(user=user, pk=address.pk).update(is_default=True)


def delete_address(*, user, address) -> None:
    with transaction.atomic():
        was_default = address.is_default
        Address.objects.filter(user=user, pk=address.pk).delete()
        if was_default:
            successor = Address.objects.filter(user=user).order_by("-created_at").first()
            if successor:
                set_default_address(user=user, address=successor)


# --- Checkout -----------------------------------------------------------------------------------


class AlreadyCheckedOut(CheckoutError):
    """The cart was emptied by another checkout (another tab) while this one waited for it."""


ALREADY_CHECKED_OUT = gettext_lazy(
    "This cart has already been checked out in another tab; here is your order."
)


def recently_placed(buyer_id) -> Checkout | None:
    """The buyer's checkout of the last few minutes, if any: what emptied a cart found empty."""
    since = timezone.now() - ALREADY_PLACED
    return Checkout.objects.filter(buyer_id=buyer_id, created_at__gte=since).order_by("-created_at").first()


def place_order(
    *,
    buyer,
    cart,
    address,
    choices: dict,
    token: str,
    seen_total: int | None = None,
    priced: pricing.PricedShipping | None = None,
    lines: list | None = None,
) -> Checkout:
    """Turn the cart into one checkout with one order per shop, or raise CheckoutError.

    `choices` maps shop id -> ShopChoice. Prices, fees and totals come from the database.
    The same `token` (one per form shown) always gives the same checkout; one cart is checked
    out once whatever the number of tabs: the cart row is locked and its lines read under it.
    `seen_total` is the grand total the page showed: if today's total differs, nothing is
    placed (code "total_changed"). `priced` and `lines` are the shipping and the cart's lines the
    caller read for this cart in this request (`pricing.shipping_options_for` and
    `selectors.cart_lines_again` say when they are reused).
    """
    token = (token or "").strip()[:64]
    if not token:
        raise CheckoutError(_("The form has expired. Please check your order and send it again."))
    if address.user_id != buyer.pk:
        raise CheckoutError(_("Choose one of your own addresses."), code="address")
    if cart is None:
        raise CheckoutError(_("Your cart is empty."), code="empty")
    check_not_own_shop(buyer.pk, cart.items.values_list("product__shop_id", flat=True))
    try:
        with transaction.atomic():
            # Two tabs (two tokens) posting one cart: the second waits here, then reads the
            # lines the first left, none, instead of buying the same lines again.
            Cart.objects.select_for_update().filter(pk=cart.pk).first()
            lines = selectors.cart_lines_again(cart, lines)
            plans = plan_checkout(
                lines=lines, buyer_id=buyer.pk, address=address, choices=choices, priced=priced
            )
            total = pricing.checkout_total(plan.total for plan in plans)
            check_seen_total(total, seen_total)
            # A second post of the same form (or the same token sent again later) waits here on
            # the unique index until the first commits, then fails with IntegrityError: it never
            # takes stock a second time, and the except below answers with the first checkout.
            checkout = Checkout.objects.create(buyer=buyer, token=token, total=total.total)
            tell_buyer_and_shops(checkout, [create_order(checkout, plan, address) for plan in plans])
            CartItem.objects.filter(pk__in=[line.item.pk for line in lines]).delete()
            cart_changed(cart)
            take_stock(lines)
    except (IntegrityError, CheckoutError):
        # The same form may have been placed meanwhile (its cart is then empty): show that one.
        done = Checkout.objects.filter(buyer=buyer, token=token).first()
        if done is None:
            raise
        return done
    return checkout


@dataclass(frozen=True)
class OrderPlan:
    group: selectors.ShopGroup
    shipping: pricing.ShippingOption
    total: pricing.ShopTotal
    payment: str
    note: str = ""


def check_seen_total(total: pricing.CheckoutTotal, seen_total: int | None):
    """Refuse to place a total other than the one the buyer saw (a price or a fee moved meanwhile).

    None means the post carried no total (a script, a page from before this check): the
    server's totals apply, as they always do.
    """
    if seen_total is not None and seen_total != total.total:
        raise CheckoutError(
            _(
                "The total is now %(new)s instead of %(old)s: a price or a shipping fee changed. Check it and place your order again."
            )
            % {"new": format_rupiah(total.total), "old": format_rupiah(seen_total)},
            code="total_changed",
        )


def plan_checkout(*, lines, buyer_id, address, choices, priced=None) -> list[OrderPlan]:
    """One plan per shop of the cart's lines, or CheckoutError saying what to change."""
    if not lines:
        if recently_placed(buyer_id):
            raise AlreadyCheckedOut(ALREADY_CHECKED_OUT, code="checked_out")
        raise CheckoutError(_("Your cart is empty."), code="empty")
    problems = [line.problem for line in lines if line.problem]
    if problems:
        raise CheckoutError(problems, code="cart_problems")
    groups = selectors.group_by_shop(lines)
    if set(choices) != {group.shop.pk for group in groups}:
        raise CheckoutError(_("Choose shipping and payment for every shop."), code="choices")
    options = pricing.shipping_options_for(groups, address, priced=priced)
    return [plan_order(group, options[group.shop.pk], choices[group.shop.pk]) for group in groups]


def plan_order(group, options, choice: ShopChoice) -> OrderPlan:
    shipping = chosen_shipping(group.shop, options, choice.shipping)
    if choice.payment not in selectors.payment_methods(group.shop):
        raise CheckoutError(
            _("“%(shop)s” does not accept this payment method.") % {"shop": group.shop.name}, code="payment"
        )
    return OrderPlan(
        group=group,
        shipping=shipping,
        total=pricing.shop_total(shop_id=group.shop.pk, lines=pricing.group_lines(group), shipping=shipping),
        payment=choice.payment,
        note=(choice.note or "").strip()[:300],
    )


def chosen_shipping(shop, options, key) -> pricing.ShippingOption:
    """The offered option the buyer picked, priced now; a key not offered, or not available for
    this parcel and address, is refused with the reason (code "shipping")."""
    offered = {option.key: option for option in options}
    option = offered.get(key)
    if option is None:
        raise CheckoutError(
            _("“%(shop)s” does not offer this shipping to your address; choose another option.")
            % {"shop": shop.name},
            code="shipping",
        )
    if not option.available:
        raise CheckoutError(
            _("“%(shop)s”: %(option)s cannot be chosen: %(reason)s Choose another option.")
            % {"shop": shop.name, "option": option.label, "reason": option.note},
            code="shipping",
        )
    return option


def take_stock(lines):
    """Take every line's units (catalog.stock), or raise CheckoutError naming the short item."""
    try:
        stock.take([stock.Units(line.item.variant_id, line.item.quantity) for line in lines])
    except stock.OutOfStock as error:
        raise CheckoutError(error.messages[0], code="out_of_stock") from None


@dataclass(frozen=True)
class NewOrder:
    """An order as `create_order` wrote it, with its items: what the notifications tell."""

    order: Order
    items: list[OrderItem]


def create_order(checkout, plan: OrderPlan, address) -> NewOrder:
    now = timezone.now()
    group, shipping, total, payment = plan.group, plan.shipping, plan.total, plan.payment
    awaiting = payment in (PaymentMethod.TRANSFER, PaymentMethod.AMAN)
    status = OrderStatus.AWAITING_PAYMENT if awaiting else OrderStatus.PLACED
    district = address.district
    order = Order(
        checkout=checkout,
        shop=group.shop,
        buyer=checkout.buyer,
        status=status,
        recipient=address.recipient,
        phone=address.phone,
        street_address=address.street_address,
        district_name=district.name,
        regency_name=district.regency.name,
        province_name=district.regency.province.name,
        postal_code=address.postal_code,
        shipping_method=shipping.method,
        shipping_fee=total.shipping_fee,
        shipping_option=shipping.key,
        courier=shipping.courier,
        courier_service=shipping.service,
        shipping_min_days=shipping.min_days,
        shipping_max_days=shipping.max_days,
        chargeable_weight_kg=shipping.chargeable_kg,
        payment_method=payment,
        subtotal=total.items,
        total=total.total,
        weight_grams=shipping.weight_grams or group.weight_grams,
        note=plan.note,
        payment_deadline=now + timedelta(hours=settings.ORDER_PAYMENT_DEADLINE_HOURS) if awaiting else None,
    )
    save_with_unique_number(order, now)
    items = OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            product_id=line.item.product_id,
            variant_id=line.item.variant_id,
            name=line.item.product.name,
            variant_name=line.item.variant.name,
            unit_price=line.unit_price,
            quantity=line.item.quantity,
            weight_grams=line.item.variant.weight_grams or line.item.product.weight_grams,
        )
        for line in group.lines
    )
    OrderEvent.objects.create(order=order, actor=checkout.buyer, from_status="", to_status=status)
    return NewOrder(order=order, items=items)


def save_with_unique_number(order, now, attempts=8):
    for _attempt in range(attempts):
        order.number = new_order_number(now)
        try:
            with transaction.atomic():
                order.save()
            return
        except IntegrityError:
            if not Order.objects.filter(number=order.number).exists():
                raise
    raise IntegrityError("no free order number")


def tell_buyer_and_shops(checkout, new_orders: list[NewOrder]):
    """The buyer how to pay, each shop about its new order: from the orders as written, not read
    back; only the bank accounts of the shops awaiting a transfer are read (one query)."""
    awaiting_transfer = [new.order.shop for new in new_orders if new.order.needs_proof]
    prefetch_related_objects(awaiting_transfer, "bank_accounts")
    for new in new_orders:
        tell_shop_about_new_order(new)
    tell_buyer_how_to_pay(checkout, new_orders)


def tell_buyer_how_to_pay(checkout, new_orders):
    """What was ordered, how much to pay to which account and by when: in the inbox and by e-mail."""
    notifications.notify(
        user=checkout.buyer,
        title=gettext_lazy("Your order is placed: how to pay %(total)s"),
        body=lambda: render_to_string(
            "emails/_payment_instructions.txt", {"checkout": checkout, "new_orders": new_orders}
        ),
        url=reverse("orders:checkout_done", args=[checkout.pk]),
        params={"total": format_rupiah(checkout.total)},
    )


def tell_shop_about_new_order(new: NewOrder):
    order = new.order
    notifications.notify_shop(
        shop=order.shop,
        roles=notifications.ORDERS,
        title=gettext_lazy("New order %(number)s"),
        body=lambda: render_to_string("emails/_new_order_for_shop.txt", {"order": order, "items": new.items}),
        url=selectors.shop_order_url(order),
        params={"number": order.number},
    )


# --- Reviews ------------------------------------------------------------------------------------


def review_product(*, buyer, product_id, rating, text="") -> Review:
    """One review per product and buyer, only for products in one of the buyer's completed orders."""
    if Product.objects.filter(pk=product_id, shop__members__user=buyer).exists():
        raise ValidationError(_("You cannot review a product of a shop you run."), code="own_shop")
    if not selectors.can_review(buyer, product_id):
        raise ValidationError(
            _("You can review a product after your order of it is completed."), code="review"
        )
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError(_("Choose from 1 to 5 stars."), code="rating")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product_id=product_id, author=buyer, rating=rating, text=(text or "").strip()[:2000]
            )
            products_changed([product_id])  # the rating on its cards
            return review
    except IntegrityError:
        raise ValidationError(_("You have already reviewed this product."), code="reviewed") from None
