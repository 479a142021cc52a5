"""Money held and moved by the marketplace: the ledger, provider payments, payouts, commission.

Amounts are whole rupiah in integer fields. Ledger entries are signed: positive is a debit,
negative a credit; the entries of one transaction add up to zero (docs/payments.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.storage import private_storage


class AccountKind(models.TextChoices):
    CLEARING = "clearing", _("Provider clearing (cash received)")
    HELD = "held", _("Held for an order")
    COMMISSION = "commission", _("Commission income")
    PAYOUT_FEES = "payout_fees", _("Payout fee income")
    SHOP_AVAILABLE = "shop_available", _("Shop balance available")
    SHOP_RECEIVABLE = "shop_receivable", _("Commission owed by a shop")
    PAYOUTS_IN_TRANSIT = "payouts_in_transit", _("Payouts in transit")
    REFUNDS_PAYABLE = "refunds_payable", _("Refunds payable")


# Assets of the operator: their balance is the sum of their entries (debits). Every other
# account is money owed to someone (a shop, a buyer) or earned: its balance is minus the sum.
DEBIT_NORMAL = (AccountKind.CLEARING, AccountKind.SHOP_RECEIVABLE)


class Account(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    shop = models.ForeignKey(
        "vendors.Shop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shop"),
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    # The sum of the entries, kept in the same transaction that writes them (signed like entries).
    entries_sum = models.BigIntegerField(_("sum of entries (Rp)"), default=0)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "shop", "order"], nulls_distinct=False, name="one_ledger_account_per_owner"
            ),
            # No account ever goes below zero on its own side: a bug that would overdraw one
            # fails in the database instead of writing a wrong balance.
            models.CheckConstraint(
                condition=(Q(kind__in=DEBIT_NORMAL) & Q(entries_sum__gte=0))
                | (~Q(kind__in=DEBIT_NORMAL) & Q(entries_sum__lte=0)),
                name="ledger_account_never_negative",
            ),
        ]

    def __str__(self):
        owner = f" {self.shop}" if self.shop_id else ""
        owner += f" {self.order}" if self.order_id else ""
        return f"{self.get_kind_display()}{owner}"

    @property
    def sign(self):
        return 1 if self.kind in DEBIT_NORMAL else -1

    @property
    def balance(self) -> int:
        """What the account holds, on its own side (never negative)."""
        return self.sign * self.entries_sum


class LedgerTransaction(models.Model):
    """One balanced movement of money; posted once per idempotency key."""

    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=200)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    shop = models.ForeignKey(
        "vendors.Shop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shop"),
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")

    def __str__(self):
        return self.key


class Entry(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries", verbose_name=_("transaction")
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account")
    )
    # Positive: debit; negative: credit.
    amount = models.BigIntegerField(_("amount (Rp)"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self):
        return f"{self.account}: {self.amount}"


class CommissionRate(models.Model):
    """A rate that replaces the deployment's for one shop, community or category."""

    shop = models.OneToOneField(
        "vendors.Shop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shop"),
    )
    community = models.OneToOneField(
        "vendors.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    category = models.OneToOneField(
        "catalog.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    basis_points = models.PositiveIntegerField(
        _("rate (basis points)"), help_text=_("1/100 of a percent: 250 is 2.5 %, 0 is no commission.")
    )

    class Meta:
        verbose_name = _("commission rate")
        verbose_name_plural = _("commission rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(basis_points__lte=10_000), name="commission_at_most_everything"
            ),
            models.CheckConstraint(
                condition=(
                    Q(shop__isnull=False, community__isnull=True, category__isnull=True)
                    | Q(shop__isnull=True, community__isnull=False, category__isnull=True)
                    | Q(shop__isnull=True, community__isnull=True, category__isnull=False)
                ),
                name="commission_rate_for_one_thing",
            ),
        ]

    def __str__(self):
        return f"{self.shop or self.community or self.category}: {self.basis_points / 100:g} %"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")


class Payment(models.Model):
    """One attempt to pay a whole checkout through a provider."""

    checkout = models.ForeignKey(
        "orders.Checkout",
        on_delete=models.PROTECT,
        related_name="provider_payments",
        verbose_name=_("checkout"),
    )
    provider = models.CharField(_("provider"), max_length=20)
    # What we call it at the provider (Midtrans order_id, Xendit external_id): prefixed per deployment.
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    provider_reference = models.CharField(_("provider's reference"), max_length=100, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    method = models.CharField(_("method"), max_length=20, blank=True)
    redirect_url = models.URLField(_("payment page"), max_length=500, blank=True)
    va_number = models.CharField(_("virtual account number"), max_length=40, blank=True)
    qris_string = models.TextField(_("QRIS"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("provider payment")
        verbose_name_plural = _("provider payments")

    def __str__(self):
        return self.reference


class ReceivedNotification(models.Model):
    """Every notification a provider sent, whatever became of it: the audit trail."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        UNCHANGED = "unchanged", _("Already applied, nothing changed")
        REFUSED = "refused", _("Refused")

    provider = models.CharField(_("provider"), max_length=20)
    payment = models.ForeignKey(
        Payment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("payment"),
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    body = models.TextField(_("body"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    remote_addr = models.GenericIPAddressField(_("from"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received notification")
        verbose_name_plural = _("received notifications")

    def __str__(self):
        return f"{self.provider} {self.reference} {self.outcome}"


class SandboxCharge(models.Model):
    """The local sandbox provider's own record of a charge: what `fetch_status` reads back."""

    reference = models.CharField(max_length=60, unique=True)
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=20, default="pending")
    method = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox charge")
        verbose_name_plural = _("sandbox charges")

    def __str__(self):
        return self.reference


def transfer_proof_path(transfer, filename):
    """A server-chosen name: the uploader's file name never reaches storage."""
    return f"payments/proofs/{transfer.token.hex}"


class ManualTransfer(models.Model):
    """A buyer's transfer to the operator's account, with proof, waiting for staff."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for staff")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="manual_transfers", verbose_name=_("payment")
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proof = models.FileField(
        _("proof of transfer"), upload_to=transfer_proof_path, storage=private_storage, max_length=200
    )
    content_type = models.CharField(max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("manual transfer")
        verbose_name_plural = _("manual transfers")

    def __str__(self):
        return f"{self.payment} ({self.get_status_display()})"


class Refund(models.Model):
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="+", verbose_name=_("order")
    )
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self):
        return f"{self.order} {self.amount}"


class Payout(models.Model):
    """A shop's withdrawal of its available balance to its bank account."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PAID = "paid", _("Paid")

    shop = models.ForeignKey(
        "vendors.Shop", on_delete=models.PROTECT, related_name="+", verbose_name=_("shop")
    )
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    # Taken from the balance: the shop receives amount − fee.
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    fee = models.PositiveBigIntegerField(_("fee (Rp)"))
    bank = models.CharField(_("bank"), max_length=60)
    account_number = models.CharField(_("account number"), max_length=20)
    holder_name = models.CharField(_("account holder"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    # Set when the payout is sent through a disbursement API (`payments/providers/disbursement.py`).
    provider = models.CharField(_("sent through"), max_length=20, blank=True)
    provider_reference = models.CharField(_("provider's reference"), max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.CheckConstraint(condition=Q(fee__lt=models.F("amount")), name="payout_fee_below_amount")
        ]

    def __str__(self):
        return f"{self.shop} {self.amount}"

    @property
    def net(self) -> int:
        return self.amount - self.fee


# --- Complaints (payments.complaints) ----------------------------------------------------------


class ComplaintReason(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Not received")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    DAMAGED = "damaged", _("Damaged")
    INCOMPLETE = "incomplete", _("Incomplete")


class ComplaintRequest(models.TextChoices):
    REFUND_ALL = "refund_all", _("Refund everything")
    REFUND_PART = "refund_part", _("Refund part")
    RETURN_AND_REFUND = "return_refund", _("Return the goods and refund")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the shop")
    OFFERED = "offered", _("Partial refund offered")
    AWAITING_RETURN = "awaiting_return", _("Waiting for the buyer to send the goods back")
    RETURNING = "returning", _("Goods on their way back")
    ESCALATED = "escalated", _("With the dinas")
    RESOLVED = "resolved", _("Resolved")


class ComplaintOutcome(models.TextChoices):
    REFUNDED = "refunded", _("Refunded in full")
    PARTLY_REFUNDED = "partly_refunded", _("Refunded in part, the rest released to the shop")
    RELEASED = "released", _("Released to the shop")


# Statuses in which someone still has to act; one such complaint per order at a time.
COMPLAINT_OPEN_STATUSES = (
    ComplaintStatus.OPEN,
    ComplaintStatus.OFFERED,
    ComplaintStatus.AWAITING_RETURN,
    ComplaintStatus.RETURNING,
    ComplaintStatus.ESCALATED,
)


class Complaint(models.Model):
    """A buyer's complaint about an order paid through the marketplace (transaksi aman)."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="+", verbose_name=_("order")
    )
    reason = models.CharField(_("problem"), max_length=20, choices=ComplaintReason.choices)
    description = models.TextField(_("what happened"))
    request = models.CharField(_("request"), max_length=20, choices=ComplaintRequest.choices)
    requested_amount = models.PositiveBigIntegerField(_("amount asked back (Rp)"))
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    # Who must act next must act before this; then the complaint goes to the dinas.
    deadline = models.DateTimeField(_("answer before"), null=True, blank=True)
    seller_answer = models.TextField(_("shop's answer"), blank=True)
    offered_amount = models.PositiveBigIntegerField(_("amount offered (Rp)"), null=True, blank=True)
    return_courier = models.CharField(_("return courier"), max_length=60, blank=True)
    return_tracking_number = models.CharField(_("return receipt number"), max_length=60, blank=True)
    outcome = models.CharField(_("decision"), max_length=20, choices=ComplaintOutcome.choices, blank=True)
    refunded_amount = models.PositiveBigIntegerField(_("refunded (Rp)"), default=0)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    escalated_at = models.DateTimeField(_("sent to the dinas"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["status", "deadline"], name="complaint_status_deadline")]
        constraints = [
            # Two tabs (or two clicks) opening a complaint at once: the database keeps one.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=COMPLAINT_OPEN_STATUSES),
                name="one_open_complaint_per_order",
            ),
        ]

    def __str__(self):
        return f"{self.order} · {self.get_reason_display()}"

    @property
    def is_open(self):
        return self.status in COMPLAINT_OPEN_STATUSES


def complaint_photo_path(photo, filename):
    return f"payments/complaints/{photo.token.hex}"


class ComplaintPhoto(models.Model):
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="photos", verbose_name=_("complaint")
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    image = models.FileField(
        _("photo"), upload_to=complaint_photo_path, storage=private_storage, max_length=200
    )
    content_type = models.CharField(max_length=40)

    class Meta:
        ordering = ["id"]
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")

    def __str__(self):
        return str(self.token)


class ComplaintEvent(models.Model):
    """One step of a complaint, for the conversation on the complaint page."""

    class Side(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SHOP = "shop", _("Shop")
        DINAS = "dinas", _("Dinas")
        SYSTEM = "system", _("Automatic")

    class Kind(models.TextChoices):
        OPENED = "opened", _("Complaint opened")
        ACCEPTED = "accepted", _("The shop accepted the request")
        RETURN_ACCEPTED = "return_accepted", _("The shop asks for the goods back")
        OFFERED = "offered", _("The shop offers a partial refund")
        REJECTED = "rejected", _("The shop rejected the complaint")
        OFFER_ACCEPTED = "offer_accepted", _("The buyer accepted the offer")
        OFFER_REJECTED = "offer_rejected", _("The buyer rejected the offer")
        RETURN_SENT = "return_sent", _("The buyer sent the goods back")
        RETURN_RECEIVED = "return_received", _("The shop received the goods back")
        ESCALATED = "escalated", _("Sent to the dinas: nobody answered in time")
        DECIDED = "decided", _("The dinas decided")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), null=True, blank=True)
    text = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")

    def __str__(self):
        return f"{self.complaint_id}: {self.kind}"


class ProviderRefund(models.Model):
    """Sending a decided refund back through the provider that took the payment.

    The ledger already owes the money (refunds payable) when this row is made; the row only
    tracks the provider call, which is retried until it succeeds, always with the refund's
    own key so that the provider never pays it twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        SENT = "sent", _("Sent to the provider")
        MANUAL = "manual", _("To transfer by hand")
        DONE = "done", _("Transferred by hand")
        FAILED = "failed", _("Failed: staff must look")

    refund = models.OneToOneField(
        Refund, on_delete=models.PROTECT, related_name="provider_refund", verbose_name=_("refund")
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment")
    )
    provider = models.CharField(_("provider"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    provider_reference = models.CharField(_("provider's reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("provider refund")
        verbose_name_plural = _("provider refunds")

    def __str__(self):
        return f"{self.refund} {self.get_status_display()}"


class Settlement(models.Model):
    """An order whose money was settled once it finished: released, charged or refunded.

    The periodic sweep settles every finished order without one, so a lost task never loses
    money; a COD order at 0 % commission posts nothing and is still marked here.
    """

    class Outcome(models.TextChoices):
        RELEASED = "released", _("Released to the shop")
        COMMISSION = "commission", _("Commission charged")
        NO_COMMISSION = "none", _("No commission due")
        REFUNDED = "refunded", _("Refunded to the buyer")

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="+", verbose_name=_("order")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    created_at = models.DateTimeField(_("settled"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self):
        return f"{self.order} {self.get_outcome_display()}"
