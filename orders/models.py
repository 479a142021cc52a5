"""Carts, checkouts, orders and their history.

Money is whole rupiah in integer fields. An order copies what it needs at the moment of
purchase (address, names, prices), so later edits to a product or an address book never
change what a buyer agreed to pay.
"""

import secrets
import uuid
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketplace.storage import private_storage
from vendors.models import Shop

# Order numbers avoid characters people confuse when reading them out (0/O, 1/I/L).
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_QUANTITY = 10_000


class Cart(models.Model):
    """A guest's cart (found through a token kept in their session) or a user's one cart."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
        verbose_name=_("user"),
    )
    # The guest's session holds this token; it survives the session key change at log-in.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self):
        return str(self.user or self.token)


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items", verbose_name=_("cart"))
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("variant"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # The price the buyer saw when adding: a different price today is flagged in the cart.
    price_seen = models.PositiveBigIntegerField(_("price when added"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("cart item")
        verbose_name_plural = _("cart items")
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "product", "variant"], nulls_distinct=False, name="one_cart_line_per_product"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_id}"


class Address(models.Model):
    """One entry of a buyer's address book."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("user")
    )
    recipient = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone number"), max_length=16, help_text=_("Stored as +62…"))
    street_address = models.CharField(_("street address"), max_length=255)
    district = models.ForeignKey(
        "marketplace.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at", "-id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(is_default=True), name="one_default_address")
        ]

    def __str__(self):
        return f"{self.recipient}, {self.street_address}"


class Checkout(models.Model):
    """One submission of the checkout form by one buyer: one order per shop."""

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts", verbose_name=_("buyer")
    )
    # Put in the form when it is shown: the same form posted twice carries the same token.
    token = models.CharField(_("form token"), max_length=64)
    total = models.PositiveBigIntegerField(_("total (Rp)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        constraints = [models.UniqueConstraint(fields=["buyer", "token"], name="one_checkout_per_form")]

    def __str__(self):
        return f"{self.buyer} {self.created_at:%Y-%m-%d %H:%M}"


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAYMENT_SUBMITTED = "payment_submitted", _("Payment proof sent")
    PAID = "paid", _("Paid")
    PLACED = "placed", _("Placed (cash on delivery)")
    PROCESSING = "processing", _("Being prepared")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    # Transaksi aman: the buyer opened a complaint; the money stays held until it is decided.
    IN_COMPLAINT = "in_complaint", _("In complaint")
    REFUNDED = "refunded", _("Refunded")


class ShippingMethod(models.TextChoices):
    PICKUP = "pickup", _("Pick up at the shop")
    OWN_DELIVERY = "own_delivery", _("Delivered by the shop")
    COURIER = "courier", _("Courier")


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    COD = "cod", _("Cash on delivery")
    # Transaksi aman (PAYMENT_MODE=aman): one payment for the whole checkout to the operator,
    # held until the order completes (docs/payments.md).
    AMAN = "aman", _("Through Warung Online (transaksi aman)")


# What counts as a sale, for the vendor overview and every dinas figure (docs/dinas.md): the money
# has reached the shop. A transfer once the shop confirmed it; cash on delivery only once the
# order is completed, because the cash changes hands at the door. Cancelled orders never count,
# and a status added later counts only once it is listed here.
SALE_STATUSES = {
    PaymentMethod.TRANSFER: (
        OrderStatus.PAID,
        OrderStatus.PROCESSING,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
    ),
    PaymentMethod.COD: (OrderStatus.COMPLETED,),
    PaymentMethod.AMAN: (
        OrderStatus.PAID,
        OrderStatus.PROCESSING,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
    ),
}
SALE = reduce(
    or_, (Q(payment_method=method, status__in=statuses) for method, statuses in SALE_STATUSES.items())
)


def new_order_number(now) -> str:
    """WO-2611-7Q4K: year and month, then four characters that are easy to read out."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(4))
    return f"WO-{now:%y%m}-{suffix}"


class OrderQuerySet(models.QuerySet):
    def for_buyer(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(buyer=user)

    def for_shop_member(self, user):
        """Orders of the shops `user` works for (vendors.permissions)."""
        return self.filter(shop__in=Shop.objects.for_member(user))

    def sales(self):
        """Orders that count as sales (`SALE_STATUSES`)."""
        return self.filter(SALE)


class Order(models.Model):
    checkout = models.ForeignKey(
        Checkout, on_delete=models.PROTECT, related_name="orders", verbose_name=_("checkout")
    )
    number = models.CharField(_("order number"), max_length=20, unique=True)
    shop = models.ForeignKey(
        "vendors.Shop", on_delete=models.PROTECT, related_name="+", verbose_name=_("shop")
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name=_("buyer")
    )
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices)

    # The delivery address as it was at checkout.
    recipient = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone number"), max_length=16)
    street_address = models.CharField(_("street address"), max_length=255)
    district_name = models.CharField(_("district"), max_length=100)
    regency_name = models.CharField(_("regency or city"), max_length=100)
    province_name = models.CharField(_("province"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)

    shipping_method = models.CharField(_("shipping"), max_length=20, choices=ShippingMethod.choices)
    shipping_fee = models.PositiveBigIntegerField(_("shipping fee (Rp)"))
    # What the buyer chose at checkout, as it was priced then (labels, tracking and the shop's
    # order page read these): the option's key ("pickup", "own_delivery", "jne:REG"), the
    # service's code (the courier's name goes in `courier`), the promised days and the weight
    # the courier charges.
    shipping_option = models.CharField(_("shipping option"), max_length=30, blank=True)
    courier_service = models.CharField(_("courier service"), max_length=20, blank=True)
    shipping_min_days = models.PositiveSmallIntegerField(_("fastest delivery (days)"), null=True, blank=True)
    shipping_max_days = models.PositiveSmallIntegerField(_("slowest delivery (days)"), null=True, blank=True)
    chargeable_weight_kg = models.PositiveSmallIntegerField(
        _("chargeable weight (kg)"), null=True, blank=True
    )
    payment_method = models.CharField(_("payment"), max_length=10, choices=PaymentMethod.choices)
    subtotal = models.PositiveBigIntegerField(_("subtotal (Rp)"))
    total = models.PositiveBigIntegerField(_("total (Rp)"))
    weight_grams = models.PositiveIntegerField(_("weight (grams)"), default=0)
    payment_deadline = models.DateTimeField(_("pay before"), null=True, blank=True)
    courier = models.CharField(_("courier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    note = models.CharField(_("note to the shop"), max_length=300, blank=True)

    created_at = models.DateTimeField(_("ordered"), auto_now_add=True, db_index=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["shop", "status"], name="order_shop_status"),
            models.Index(fields=["status", "payment_deadline"], name="order_payment_deadline"),
            models.Index(fields=["status", "shipped_at"], name="order_shipped_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("shipping_fee")), name="order_total_adds_up"
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.number])

    @property
    def is_transfer(self):
        return self.payment_method == PaymentMethod.TRANSFER

    @property
    def is_cod(self):
        return self.payment_method == PaymentMethod.COD

    @property
    def is_aman(self):
        return self.payment_method == PaymentMethod.AMAN

    @property
    def awaits_aman_payment(self):
        """Unpaid, and paid on the checkout's payment page (payments), not with a proof."""
        return self.is_aman and self.status == OrderStatus.AWAITING_PAYMENT

    @property
    def needs_proof(self):
        return self.is_transfer and self.status == OrderStatus.AWAITING_PAYMENT

    @property
    def is_sale(self):
        return self.status in SALE_STATUSES.get(self.payment_method, ())

    def can_cancel_as_buyer(self):
        return self.status in (OrderStatus.AWAITING_PAYMENT, OrderStatus.PLACED)

    def can_confirm_receipt(self):
        return self.status == OrderStatus.SHIPPED


class OrderItem(models.Model):
    """What was bought, copied at the moment of purchase."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items", verbose_name=_("order"))
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("variant"),
    )
    name = models.CharField(_("name"), max_length=120)
    variant_name = models.CharField(_("variant"), max_length=80, blank=True)
    unit_price = models.PositiveBigIntegerField(_("unit price (Rp)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    weight_grams = models.PositiveIntegerField(_("unit weight (grams)"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_item_quantity_positive")
        ]

    def __str__(self):
        return f"{self.quantity} × {self.name}"

    @property
    def line_total(self):
        from orders.pricing import line_total  # pricing reads this module's choices

        return line_total(unit_price=self.unit_price, quantity=self.quantity).amount


def proof_path(payment, filename):
    """A server-chosen name: the uploader's file name never reaches storage."""
    return f"orders/proofs/{payment.token.hex}"


class Payment(models.Model):
    """A proof of transfer sent by the buyer, and the shop's decision about it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for the shop")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="payments", verbose_name=_("order")
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proof = models.FileField(
        _("proof of transfer"), upload_to=proof_path, storage=private_storage, max_length=200
    )
    content_type = models.CharField(max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.order} ({self.get_status_display()})"


class OrderEvent(models.Model):
    """One change of an order's status: who, when, from, to and why. Never edited."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")

    def __str__(self):
        return f"{self.order}: {self.from_status} → {self.to_status}"
