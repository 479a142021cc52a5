"""Money coming in: start a checkout's payment, apply a provider's notification, manual transfers.

A notification is applied only after its provider adapter verified it and asked the provider
again (`Provider.verify_notification`). Applying it is idempotent: the payment row is locked and
its status only moves from pending, so the same notification ten times, or several in any
order, change the payment once. Every refusal names its reason for the log.
"""

import contextlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders import transitions
from orders.models import Checkout, OrderStatus
from orders.transitions import IllegalMove
from payments import providers, services
from payments.models import ManualTransfer, Payment, PaymentStatus, ReceivedNotification
from payments.providers.base import NotificationRefused
from payments.services import PaymentRefused

APPLIED, UNCHANGED = ReceivedNotification.Outcome.APPLIED, ReceivedNotification.Outcome.UNCHANGED
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(checkout) -> str:
    suffix = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"{settings.PAYMENT_REFERENCE_PREFIX}-{checkout.pk}-{suffix}"


def is_ours(reference: str) -> bool:
    return reference.startswith(f"{settings.PAYMENT_REFERENCE_PREFIX}-")


# What the buyer may choose on the checkout's payment page: QRIS, a bank's virtual account at
# the deployment's provider, or a transfer to the operator's account with proof ("manual").
PAY_METHODS = {
    "qris": gettext_lazy("QRIS (any bank or e-wallet app)"),
    "va_bca": gettext_lazy("BCA virtual account"),
    "va_bni": gettext_lazy("BNI virtual account"),
    "va_bri": gettext_lazy("BRI virtual account"),
    "manual": gettext_lazy("Transfer to the Warung Online account (upload the proof)"),
}
MANUAL = "manual"


def offered_methods() -> dict:
    """PAY_METHODS this deployment offers: only the transfer when its provider is the manual one."""
    if settings.PAYMENT_PROVIDER == MANUAL:
        return {MANUAL: PAY_METHODS[MANUAL]}
    return PAY_METHODS


def orders_to_pay(checkout) -> list:
    return list(services.orders_paid_through_us(checkout.pk).select_related("shop").order_by("pk"))


def can_be_paid(orders) -> bool:
    """Every order the payment covers still waits for it (none cancelled or paid meanwhile)."""
    return bool(orders) and all(order.status == OrderStatus.AWAITING_PAYMENT for order in orders)


def waiting_payment(checkout, method) -> Payment | None:
    """The buyer's earlier attempt with this method, if the provider gave a way to pay it."""
    provider = MANUAL if method == MANUAL else settings.PAYMENT_PROVIDER
    payments = checkout.provider_payments.filter(
        status=PaymentStatus.PENDING, provider=provider, method=method
    )
    return next(
        (p for p in payments.order_by("-pk")[:5] if p.redirect_url or p.va_number or p.qris_string), None
    )


def pay_checkout(*, checkout, method) -> Payment:
    """The buyer chose how to pay the checkout: its one payment (the same one on a second click)."""
    if method not in offered_methods():
        raise PaymentRefused(_("Choose one of the ways to pay."), code="method")
    if not can_be_paid(orders_to_pay(checkout)):
        raise PaymentRefused(
            _("This checkout can no longer be paid: its orders were paid or cancelled."), code="not_payable"
        )
    existing = waiting_payment(checkout, method)
    if existing:
        return existing
    return start_payment(checkout=checkout, provider=MANUAL if method == MANUAL else None, method=method)


def start_payment(*, checkout, provider=None, method="qris") -> Payment:
    """One payment for the whole checkout at the deployment's provider (or `provider`)."""
    provider = provider or settings.PAYMENT_PROVIDER
    adapter = providers.get(provider)
    if adapter is None:
        raise PaymentRefused(_("This way of paying is not offered."), code="provider")
    checkout = Checkout.objects.get(pk=checkout.pk)
    if checkout.provider_payments.filter(status=PaymentStatus.PAID).exists():
        raise PaymentRefused(_("This checkout is already paid."), code="already_paid")
    amount = sum(order.total for order in orders_to_pay(checkout))
    if amount == 0:
        raise PaymentRefused(_("Nothing in this checkout is paid through Warung Online."), code="nothing")
    payment = Payment.objects.create(
        checkout=checkout, provider=provider, reference=new_reference(checkout), amount=amount, method=method
    )
    # Outside any transaction of ours: the provider's answer takes time and may fail (the payment
    # stays pending without a way to pay, and the buyer can start another).
    intent = adapter.create_payment(payment, method=method)
    payment.provider_reference = intent.provider_reference
    payment.redirect_url, payment.va_number, payment.qris_string = (
        intent.redirect_url,
        intent.va_number,
        intent.qris_string,
    )
    payment.save(update_fields=["provider_reference", "redirect_url", "va_number", "qris_string"])
    return payment


def apply_notification(*, provider: str, notification) -> str:
    """Act on a verified notification: APPLIED or UNCHANGED, or raise NotificationRefused."""
    reference = notification.reference
    if not is_ours(reference):
        raise NotificationRefused("the reference belongs to another deployment", reference=reference)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(reference=reference).first()
        if payment is None:
            raise NotificationRefused("unknown payment", status=404, reference=reference)
        if payment.provider != provider:
            raise NotificationRefused(f"the payment is made with {payment.provider}", reference=reference)
        if notification.amount != payment.amount:
            raise NotificationRefused(
                f"amount {notification.amount} does not match {payment.amount}", reference=reference
            )
        if notification.status in (payment.status, PaymentStatus.PENDING):
            return UNCHANGED
        if payment.status == PaymentStatus.PENDING:
            apply_status(payment, notification.status)
            return APPLIED
        if notification.status == PaymentStatus.PAID:
            # Paid after the checkout expired: the money is real and goes back to the buyer.
            services.record_late_payment(payment=payment)
            return APPLIED
        # Paid is final: a failure reported after it cannot undo the money received.
        raise NotificationRefused(
            f"the payment is {payment.status} and cannot become {notification.status}",
            status=409,
            reference=reference,
        )


def apply_status(payment, status):
    if status == PaymentStatus.PAID:
        payment_received(payment=payment)
        return
    payment.status = status
    payment.save(update_fields=["status"])
    cancel_unpaid_orders(payment)


def payment_received(*, payment) -> bool:
    """The money of a pending payment arrived: hold it and move every order it covers to paid.

    False when the payment was already paid, or when its orders no longer wait for it
    (cancelled after the deadline, or paid by another attempt of the same checkout): then the
    money is recorded as received and owed back to the buyer.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == PaymentStatus.PAID:
            return False
        # Locked in a fixed order: a buyer's cancel or the deadline's waits, then sees "paid".
        orders = list(services.orders_paid_through_us(payment.checkout_id).select_for_update().order_by("pk"))
        if payment.status != PaymentStatus.PENDING or not can_be_paid(orders):
            if payment.status == PaymentStatus.PENDING:
                payment.status, payment.paid_at = PaymentStatus.PAID, timezone.now()
                payment.save(update_fields=["status", "paid_at"])
            services.record_late_payment(payment=payment)
            return False
        services.mark_paid(payment=payment)
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Paid through Warung Online (%(reference)s).") % {"reference": payment.reference}
        for order in orders:
            transitions.mark_paid_by_marketplace(order=order, reason=reason)
    return True


def cancel_unpaid_orders(payment):
    """An expired or failed payment gives the checkout's stock back (the orders' own move)."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The payment expired or failed.")
    for order in payment.checkout.orders.filter(status=OrderStatus.AWAITING_PAYMENT).order_by("pk"):
        # Moved meanwhile (paid by another way, cancelled by the buyer): nothing to give back.
        with contextlib.suppress(IllegalMove):
            transitions.cancel(order=order, actor=None, reason=reason)


def log(*, provider, body, outcome, reason="", reference="", remote_addr=None) -> ReceivedNotification:
    payment = Payment.objects.filter(reference=reference).first() if reference else None
    return ReceivedNotification.objects.create(
        provider=provider[:20],
        payment=payment,
        reference=reference[:100],
        body=body[:10_000],
        outcome=outcome,
        reason=reason[:200],
        remote_addr=remote_addr,
    )


# --- Manual transfer to the operator ------------------------------------------------------------


def submit_manual_transfer(*, payment, buyer, upload, content_type) -> ManualTransfer:
    """The buyer's proof of a transfer to the operator's account (checked by `orders.forms.clean_proof`)."""
    if payment.checkout.buyer_id != buyer.pk or payment.provider != "manual":
        raise PaymentRefused(_("This is not your payment."), code="not_yours")
    if payment.status != PaymentStatus.PENDING:
        raise PaymentRefused(_("This payment is no longer waiting for a transfer."), code="not_pending")
    transfer = ManualTransfer(payment=payment, content_type=content_type)
    transfer.proof.save("proof", upload, save=False)
    transfer.save()
    return transfer


def decide_manual_transfer(*, transfer, staff, accept: bool, reason="") -> ManualTransfer:
    """Staff saw the money on the operator's account (or not): the payment is paid once."""
    if not staff.is_staff:
        raise PaymentRefused(_("Only staff confirm transfers."), code="not_staff")
    if not accept and not reason.strip():
        raise PaymentRefused(_("Tell the buyer why."), code="reason_required")
    with transaction.atomic():
        decided = ManualTransfer.objects.select_for_update().get(pk=transfer.pk)
        if decided.status != ManualTransfer.Status.SUBMITTED:
            return decided
        decided.status = ManualTransfer.Status.CONFIRMED if accept else ManualTransfer.Status.REJECTED
        decided.decided_by, decided.decided_at, decided.reason = staff, timezone.now(), reason.strip()
        decided.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        if accept:
            payment_received(payment=decided.payment)
    return decided
