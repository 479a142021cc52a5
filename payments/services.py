"""Writes of the payments app: money received, held, released, refunded, charged and paid out.

Every function posts through `payments.ledger` with an idempotency key, so a retry, a double
click or a duplicated notification changes nothing the second time. The rules:
- the money of a paid checkout is held per order until the order completes;
- at completion it is released to the shop less commission (first settling what the shop
  still owes from COD commission);
- a refund comes only out of what is still held for the order;
- COD and direct orders owe commission, taken from the shop's balance (the rest is owed);
- a payout never exceeds the available balance (the balance row is locked while checking).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.money import format_rupiah
from orders.models import Order, OrderStatus, PaymentMethod
from payments import ledger
from payments.commission import commission_for
from payments.models import Payment, PaymentStatus, Payout, Refund


class PaymentRefused(ValidationError):
    """A money movement the rules do not allow: nothing was changed."""


def hold_key(order) -> str:
    return f"hold:{order.pk}"


def held_amount(order) -> int:
    return ledger.held(order).balance


def available_balance(shop) -> int:
    return ledger.shop_available(shop).balance


def owed_by_shop(shop) -> int:
    return ledger.shop_receivable(shop).balance


# --- Money in ----------------------------------------------------------------------------------


def hold_for_order(*, order, payment) -> "ledger.LedgerTransaction":
    """The order's share of a received payment, held until the order completes (once per order)."""
    return ledger.post(
        key=hold_key(order),
        description=f"Held for {order.number} from {payment.reference}",
        legs=[ledger.debit(ledger.clearing(), order.total), ledger.credit(ledger.held(order), order.total)],
        order=order,
        shop=order.shop,
    )


def orders_paid_through_us(checkout_id):
    """The checkout's orders its one payment to the marketplace covers (not the COD ones)."""
    return Order.objects.filter(checkout_id=checkout_id, payment_method=PaymentMethod.AMAN)


def record_payment_received(*, payment) -> list:
    """A checkout's payment has reached the provider: hold each of its orders' totals."""
    orders = list(orders_paid_through_us(payment.checkout_id).select_related("shop").order_by("pk"))
    if sum(order.total for order in orders) != payment.amount:
        raise PaymentRefused(_("The amount paid does not match the orders."), code="amount_mismatch")
    with transaction.atomic():
        return [hold_for_order(order=order, payment=payment) for order in orders]


def mark_paid(*, payment) -> bool:
    """Mark a pending payment paid and hold its money; False when it was already paid."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status == PaymentStatus.PAID:
            return False
        if locked.status != PaymentStatus.PENDING:
            raise PaymentRefused(
                _("This payment is %(status)s and cannot be paid any more.")
                % {"status": locked.get_status_display()},
                code="not_pending",
            )
        locked.status, locked.paid_at = PaymentStatus.PAID, timezone.now()
        locked.save(update_fields=["status", "paid_at"])
        record_payment_received(payment=locked)
    return True


def record_late_payment(*, payment):
    """Money that arrived after its checkout expired: received, and owed back to the buyer."""
    return ledger.post(
        key=f"late:{payment.pk}",
        description=f"Paid after expiry: {payment.reference}, to refund",
        legs=[
            ledger.debit(ledger.clearing(), payment.amount),
            ledger.credit(ledger.refunds_payable(), payment.amount),
        ],
    )


# --- Money out of held -------------------------------------------------------------------------


def release_order(*, order) -> "ledger.LedgerTransaction":
    """A completed order's held money goes to the shop, less commission and what the shop owes."""
    key = f"release:{order.pk}"
    with transaction.atomic():
        order = Order.objects.select_related("shop").get(pk=order.pk)
        if order.status != OrderStatus.COMPLETED:
            raise PaymentRefused(
                _("Money is released only when the order is completed."), code="not_completed"
            )
        accounts = [ledger.held(order), ledger.shop_receivable(order.shop), ledger.shop_available(order.shop)]
        locked = ledger.lock(*accounts)
        hold, receivable, available = (locked[a.pk] for a in accounts)
        done = ledger.LedgerTransaction.objects.filter(key=key).first()
        if done:
            return done
        amount = hold.balance
        if amount == 0:
            raise PaymentRefused(_("Nothing is held for this order."), code="nothing_held")
        commission = min(commission_for(order), amount)
        settled = min(receivable.balance, amount - commission)
        return ledger.post(
            key=key,
            description=f"Released {order.number}",
            legs=[
                ledger.debit(hold, amount),
                ledger.credit(ledger.commission_income(), commission),
                ledger.credit(receivable, settled),
                ledger.credit(available, amount - commission - settled),
            ],
            order=order,
            shop=order.shop,
        )


def refund_order(*, order, amount: int, key: str, reason="") -> Refund:
    """Give `amount` of what is held for `order` back to the buyer (owed until sent).

    `key` names the decision (a complaint's, a cancellation's): the same key refunds once.
    """
    if type(amount) is not int or amount <= 0:
        raise PaymentRefused(_("Enter the refund as a whole number of rupiah above zero."), code="amount")
    with transaction.atomic():
        hold = ledger.lock(ledger.held(order))
        hold = next(iter(hold.values()))
        existing = Refund.objects.filter(key=key).first()
        if existing:
            return existing
        if amount > hold.balance:
            raise PaymentRefused(
                _("A refund cannot be more than what is held for the order (%(held)s).")
                % {"held": format_rupiah(hold.balance)},
                code="above_held",
            )
        refund = Refund.objects.create(order=order, key=key, amount=amount, reason=reason)
        ledger.post(
            key=f"refund:{refund.pk}",
            description=f"Refund for {order.number}",
            legs=[ledger.debit(hold, amount), ledger.credit(ledger.refunds_payable(), amount)],
            order=order,
            shop=order.shop,
        )
    return refund


# --- Commission on orders the marketplace did not hold ----------------------------------------


def charge_commission_on_cod(*, order):
    """A completed COD or direct order's commission, from the shop's balance (the rest is owed).

    None when there is no commission to charge (a 0 % rate).
    """
    key = f"commission:{order.pk}"
    with transaction.atomic():
        order = Order.objects.select_related("shop").get(pk=order.pk)
        if order.status != OrderStatus.COMPLETED:
            raise PaymentRefused(
                _("Commission is charged when the order is completed."), code="not_completed"
            )
        if ledger.posted(hold_key(order)):
            raise PaymentRefused(_("This order was paid through the marketplace."), code="held_order")
        accounts = [ledger.shop_available(order.shop), ledger.shop_receivable(order.shop)]
        locked = ledger.lock(*accounts)
        available, receivable = (locked[a.pk] for a in accounts)
        done = ledger.LedgerTransaction.objects.filter(key=key).first()
        if done:
            return done
        commission = commission_for(order)
        if commission == 0:
            return None
        from_balance = min(available.balance, commission)
        return ledger.post(
            key=key,
            description=f"Commission on {order.number}",
            legs=[
                ledger.debit(available, from_balance),
                ledger.debit(receivable, commission - from_balance),
                ledger.credit(ledger.commission_income(), commission),
            ],
            order=order,
            shop=order.shop,
        )


# --- Payouts -----------------------------------------------------------------------------------


def payout_fee() -> int:
    """The fee taken from every payout (shown before the owner confirms)."""
    return settings.PAYOUT_FEE


def request_payout(*, shop, amount: int, bank_account, key: str, actor=None) -> Payout:
    """Withdraw `amount` (the fee included) of the shop's available balance to its bank account.

    `key` comes from the form shown: a double click or a retry returns the first payout.
    """
    if bank_account.shop_id != shop.pk:
        raise PaymentRefused(_("Choose one of this shop's bank accounts."), code="bank_account")
    if not bank_account.is_verified:
        raise PaymentRefused(
            _("This bank account is not verified yet: the dinas checks it before payouts go to it."),
            code="unverified",
        )
    if type(amount) is not int or amount < settings.PAYOUT_MINIMUM:
        raise PaymentRefused(
            _("The minimum payout is %(minimum)s.") % {"minimum": format_rupiah(settings.PAYOUT_MINIMUM)},
            code="minimum",
        )
    if amount <= settings.PAYOUT_FEE:
        raise PaymentRefused(_("The payout must be more than its fee."), code="fee")
    with transaction.atomic():
        # Two requests at once (two tabs, a double click with two keys) wait here one after the
        # other, so the second sees the balance the first left: money is never paid out twice.
        available = next(iter(ledger.lock(ledger.shop_available(shop)).values()))
        existing = Payout.objects.filter(key=key).first()
        if existing:
            return existing
        if amount > available.balance:
            raise PaymentRefused(
                _("The payout cannot be more than the available balance (%(balance)s).")
                % {"balance": format_rupiah(available.balance)},
                code="above_balance",
            )
        try:
            with transaction.atomic():
                payout = Payout.objects.create(
                    shop=shop,
                    key=key,
                    amount=amount,
                    fee=payout_fee(),
                    bank=bank_account.bank,
                    account_number=bank_account.account_number,
                    holder_name=bank_account.holder_name,
                    requested_by=actor,
                )
        except IntegrityError:
            return Payout.objects.get(key=key)
        ledger.post(
            key=f"payout:{payout.pk}:requested",
            description=f"Payout to {shop} ({payout.bank} {payout.account_number})",
            legs=[
                ledger.debit(available, amount),
                ledger.credit(ledger.payouts_in_transit(), payout.net),
                ledger.credit(ledger.payout_fees(), payout.fee),
            ],
            shop=shop,
        )
    return payout


def mark_payout_paid(*, payout, reference: str) -> Payout:
    """Staff sent the money (bank reference): it leaves the provider's account. Once."""
    reference = (reference or "").strip()
    if not reference:
        raise PaymentRefused(_("Enter the bank's reference of the transfer."), code="reference")
    with transaction.atomic():
        locked = Payout.objects.select_for_update().get(pk=payout.pk)
        if locked.status == Payout.Status.PAID:
            return locked
        locked.status, locked.reference, locked.paid_at = Payout.Status.PAID, reference[:100], timezone.now()
        locked.save(update_fields=["status", "reference", "paid_at"])
        ledger.post(
            key=f"payout:{locked.pk}:paid",
            description=f"Payout {locked.pk} paid ({locked.reference})",
            legs=[
                ledger.debit(ledger.payouts_in_transit(), locked.net),
                ledger.credit(ledger.clearing(), locked.net),
            ],
            shop=locked.shop,
        )
    return locked


def send_payout(*, payout, adapter) -> Payout:
    """Send a requested payout through a disbursement API (`payments/providers/disbursement.py`).

    Safe to retry after a timeout, an error or a crash: the provider gets the payout's own
    idempotency key, so a request whose answer was lost is not paid a second time, and once
    the provider has named the payout only the approval is asked again. Raises ProviderError
    (nothing recorded as paid) when the provider cannot be asked or refuses.
    """
    with transaction.atomic():
        # Two staff sending the same batch at once: the second waits, then sees it sent.
        locked = Payout.objects.select_for_update().get(pk=payout.pk)
        if locked.status == Payout.Status.PAID:
            return locked
        if locked.provider and locked.provider != adapter.name:
            raise PaymentRefused(
                _("This payout was already sent through %(provider)s.") % {"provider": locked.provider},
                code="other_provider",
            )
        if not locked.provider_reference:
            locked.provider_reference = adapter.create(locked)
            locked.provider = adapter.name
            locked.save(update_fields=["provider", "provider_reference"])
    # Committed: if the approval fails now, the next try approves the same payout again.
    adapter.approve(locked)
    return mark_payout_paid(payout=locked, reference=f"{adapter.name} {locked.provider_reference}")
