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
