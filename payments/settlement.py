"""Money that follows an order's moves: settle an order once it is finished.

Orders never import payments: `orders.transitions` runs the hooks named in
`settings.ORDER_MOVE_HOOKS` after each committed move, in a task, and `order_moved` is ours.
A hook that never ran (broker down, worker lost) is made up by `settle_finished_orders`,
a beat task. Settling twice changes nothing: the `Settlement` row and the ledger's keys.

- a completed order paid through the marketplace: its held money is released to the shop
  less commission (`services.release_order`);
- a completed COD or direct order: its commission is charged to the shop (`charge_commission_on_cod`);
- a cancelled order with money still held (the shop cancelled it after payment): the held
  money is owed back to the buyer (`services.refund_order`) and sent back through the provider
  that took the payment, like a complaint's refund (`complaints.queue_provider_refund`).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from orders.models import Order, OrderStatus, PaymentMethod
from payments import complaints, ledger, services
from payments.models import Account, AccountKind, Settlement

logger = logging.getLogger(__name__)
FINISHED = (OrderStatus.COMPLETED, OrderStatus.CANCELLED)
Outcome = Settlement.Outcome


def order_moved(*, order_id, from_status, to_status):
    """The ORDER_MOVE_HOOKS entry: a finished order is settled."""
    if to_status in FINISHED:
        settle_order(order_id=order_id)


def settle_order(*, order_id) -> Settlement | None:
    """Settle one finished order once; None when there is nothing (or not yet anything) to do."""
    with transaction.atomic():
        # Two settlements of one order at once (the hook and the sweep) run one after the other.
        order = Order.objects.select_for_update().select_related("shop").filter(pk=order_id).first()
        if order is None or order.status not in FINISHED:
            return None
        done = Settlement.objects.filter(order=order).first()
        if done:
            return done
        outcome = settle(order)
        return Settlement.objects.create(order=order, outcome=outcome) if outcome else None


def held_now(order) -> int:
    """What is held for `order`, without opening an account for orders that never had one."""
    sums = Account.objects.filter(kind=AccountKind.HELD, order=order).values_list("entries_sum", flat=True)
    return -sum(sums)


def settle(order) -> str | None:
    held = held_now(order)
    if order.status == OrderStatus.CANCELLED:
        if held == 0:
            return None
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("The order was cancelled after it was paid.")
        refund = services.refund_order(order=order, amount=held, key=f"cancelled:{order.pk}", reason=reason)
        # Sent back through the provider like a complaint's refund (retried by the same beat).
        complaints.queue_provider_refund(refund, order)
        return Outcome.REFUNDED
    if ledger.posted(services.hold_key(order)):
        services.release_order(order=order)
        return Outcome.RELEASED
    if order.payment_method == PaymentMethod.AMAN:
        # Completed but never paid through us: a bug to look at, not money to invent.
        logger.error("Order %s is completed but nothing was ever held for it", order.number)
        return None
    charged = services.charge_commission_on_cod(order=order)
    return Outcome.COMMISSION if charged else Outcome.NO_COMMISSION


def unsettled_order_ids(limit=500) -> list:
    """Finished orders still waiting to be settled: completed without a settlement, cancelled
    with money held."""
    completed = (
        Order.objects.filter(status=OrderStatus.COMPLETED)
        .exclude(pk__in=Settlement.objects.values("order_id"))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    cancelled_held = (
        Account.objects.filter(kind=AccountKind.HELD, order__status=OrderStatus.CANCELLED)
        .exclude(entries_sum=0)
        .order_by("order_id")
        .values_list("order_id", flat=True)[:limit]
    )
    return sorted(set(completed) | set(cancelled_held))


def settle_finished_orders() -> int:
    """Settle every finished order a lost hook left; how many were settled now."""
    done = 0
    for order_id in unsettled_order_ids():
        try:
            done += settle_order(order_id=order_id) is not None
        except Exception:
            # One bad order is logged and tried again next time; it never stops the others.
            logger.exception("Settling order %s failed; retried on the next run", order_id)
    return done
