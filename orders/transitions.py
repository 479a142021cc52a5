"""The order life cycle: one table of allowed moves, one `transition`, one function per move.

Nothing else assigns `Order.status`. Every move locks the order row, checks the move and
who makes it, records an `OrderEvent`, tells the other side, and gives stock back when an
order is cancelled.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import stock
from catalog.models import Product
from marketplace import notifications
from marketplace.celery import enqueue_on_commit
from marketplace.pagecache import products_changed
from orders.models import Order, OrderEvent, OrderStatus, Payment
from orders.selectors import shop_order_url
from shipping import tracking
from vendors.permissions import works_for

logger = logging.getLogger(__name__)

S = OrderStatus
BUYER, SHOP, SYSTEM, DINAS = "buyer", "shop", "system", "dinas"

# (from, to) -> who may make the move. Read with the diagram in DESIGN.md ("Order life cycle").
ALLOWED_MOVES = {
    (S.AWAITING_PAYMENT, S.PAYMENT_SUBMITTED): {BUYER},
    (S.PAYMENT_SUBMITTED, S.PAID): {SHOP},
    # Transaksi aman: the provider's verified payment of the checkout (payments), never a person.
    (S.AWAITING_PAYMENT, S.PAID): {SYSTEM},
    (S.PAYMENT_SUBMITTED, S.AWAITING_PAYMENT): {SHOP},  # proof rejected
    (S.PAID, S.PROCESSING): {SHOP},
    (S.PLACED, S.PROCESSING): {SHOP},
    (S.PROCESSING, S.SHIPPED): {SHOP},
    (S.SHIPPED, S.COMPLETED): {BUYER, SYSTEM},
    # Before shipping: the buyer before paying, the shop with a reason, the system after the deadline.
    (S.AWAITING_PAYMENT, S.CANCELLED): {BUYER, SHOP, SYSTEM},
    (S.PLACED, S.CANCELLED): {BUYER, SHOP},
    (S.PAYMENT_SUBMITTED, S.CANCELLED): {SHOP},
    (S.PAID, S.CANCELLED): {SHOP},
    (S.PROCESSING, S.CANCELLED): {SHOP},
    # Complaints (payments.complaints): the money stays held until the shop or the dinas decides.
    # The shop may give the money back but never release it to itself.
    (S.SHIPPED, S.IN_COMPLAINT): {BUYER},
    (S.IN_COMPLAINT, S.REFUNDED): {SHOP, DINAS, SYSTEM},
    (S.IN_COMPLAINT, S.COMPLETED): {BUYER, DINAS, SYSTEM},
}
# Moves the shop must explain to the buyer.
REASON_REQUIRED = {(S.PAYMENT_SUBMITTED, S.AWAITING_PAYMENT)} | {
    (source, S.CANCELLED) for source in S if (source, S.CANCELLED) in ALLOWED_MOVES
}

# What the other side reads in its inbox and e-mail after each move.
MESSAGES = {
    S.PAYMENT_SUBMITTED: gettext_lazy("Order %(number)s: the buyer sent a proof of payment"),
    S.PAID: gettext_lazy("Order %(number)s: payment confirmed"),
    S.AWAITING_PAYMENT: gettext_lazy("Order %(number)s: proof of payment rejected"),
    S.PROCESSING: gettext_lazy("Order %(number)s is being prepared"),
    S.SHIPPED: gettext_lazy("Order %(number)s has been shipped"),
    S.COMPLETED: gettext_lazy("Order %(number)s is completed"),
    S.CANCELLED: gettext_lazy("Order %(number)s was cancelled"),
    S.IN_COMPLAINT: gettext_lazy("Order %(number)s: the buyer opened a complaint"),
    S.REFUNDED: gettext_lazy("Order %(number)s was refunded"),
}


class IllegalMove(ValidationError):
    """A move the table does not allow, or not for this person: nothing was changed."""


def roles_of(user, order) -> set:
    if user is None:
        return {SYSTEM}
    roles = set()
    if order.buyer_id == user.pk:
        roles.add(BUYER)
    if works_for(user, order.shop_id):
        roles.add(SHOP)
    if user.is_staff and not roles:
        roles.add(DINAS)
    return roles


def allowed_targets(order, user) -> set:
    """The statuses `user` (None for the system) may move `order` to now: for showing buttons."""
    roles = roles_of(user, order)
    return {
        to for (source, to), allowed in ALLOWED_MOVES.items() if source == order.status and allowed & roles
    }


def transition(*, order, to, actor, reason="", changes=None) -> Order:
    """Move `order` to `to` on behalf of `actor` (None for the system), or raise IllegalMove.

    `changes` are other fields set in the same save (courier, tracking number, ...).
    Returns the locked, updated order; the caller's instance is left as it was.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        # The row lock makes two moves of one order (a buyer's cancel and the shop's
        # confirmation at the same moment) happen one after the other, each seeing the other's result.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        source = locked.status
        check_move(locked, source, to, actor, reason)
        for field, value in (changes or {}).items():
            setattr(locked, field, value)
        locked.status = to
        stamp(locked, to)
        locked.save()
        OrderEvent.objects.create(order=locked, actor=actor, from_status=source, to_status=to, reason=reason)
        if to == S.CANCELLED:
            return_stock(locked)
        if to == S.COMPLETED:
            count_as_sold(locked)
        tell_other_side(locked, to, actor, reason)
        after_move(locked, source, to)
    return locked


def after_move(order, source, to):
    """Run the deployment's ORDER_MOVE_HOOKS for this move once it is committed (a task).

    The hooks are named in settings because they live in apps that read orders (payments
    settles the money of a completed order): orders never imports them. A hook that fails,
    or a task lost with the broker, is made up by that app's own periodic sweep.
    """
    if settings.ORDER_MOVE_HOOKS:
        from orders.tasks import run_order_move_hooks  # the task module imports this one

        enqueue_on_commit(run_order_move_hooks, order.pk, source, to)


def run_move_hooks(*, order_id, from_status, to_status) -> int:
    """Call each hook of ORDER_MOVE_HOOKS; how many ran without an error (a failure is logged)."""
    done = 0
    for path in settings.ORDER_MOVE_HOOKS:
        try:
            import_string(path)(order_id=order_id, from_status=from_status, to_status=to_status)
        except Exception:
            logger.exception("Order move hook %s failed for order %s", path, order_id)
        else:
            done += 1
    return done


def check_move(order, source, to, actor, reason):
    allowed = ALLOWED_MOVES.get((source, to))
    if allowed == {SYSTEM} and actor is not None:
        allowed = None  # a move only the system makes is, for a person, no move at all
    if allowed is None:
        raise IllegalMove(
            _("An order that is “%(from)s” cannot become “%(to)s”.")
            % {"from": S(source).label, "to": S(to).label},
            code="illegal_move",
        )
    if not allowed & roles_of(actor, order):
        raise IllegalMove(_("You may not make this change to the order."), code="not_allowed")
    shop_must_explain = (
        (source, to) in REASON_REQUIRED and actor is not None and SHOP in roles_of(actor, order)
    )
    if shop_must_explain and not reason:
        raise IllegalMove(_("Tell the buyer why."), code="reason_required")


def stamp(order, to):
    now = timezone.now()
    if to == S.SHIPPED:
        order.shipped_at = now
    elif to == S.COMPLETED:
        order.completed_at = now


def return_stock(order):
    """Give the units of a cancelled order back through catalog.stock (its locking rule)."""
    stock.give_back(
        [stock.Units(item.variant_id, item.quantity) for item in order.items.all() if item.variant_id]
    )


def count_as_sold(order):
    # Counted at completion, not at checkout: a cancelled or never-paid order is not a sale,
    # and "best selling" should not be inflated by orders that never happened.
    items = list(order.items.filter(product__isnull=False).order_by("product_id"))
    for item in items:
        Product.objects.filter(pk=item.product_id).update(sold_count=F("sold_count") + item.quantity)
    products_changed(item.product_id for item in items)


def tell_other_side(order, to, actor, reason):
    """Each side hears of a move the other made, in the recipient's own language."""
    roles = roles_of(actor, order)
    params = {"number": order.number}
    if (BUYER not in roles or SYSTEM in roles) and order.buyer_id != getattr(actor, "pk", None):
        notifications.notify(
            user=order.buyer, title=MESSAGES[to], body=reason, url=order.get_absolute_url(), params=params
        )
    if SHOP not in roles:
        notifications.notify_shop(
            shop=order.shop,
            roles=notifications.ORDERS,
            title=MESSAGES[to],
            body=reason,
            url=shop_order_url(order),
            params=params,
            except_user=actor if getattr(actor, "pk", None) else None,
        )


def record_step(*, order, actor, reason) -> OrderEvent:
    """A step on the order's timeline that does not change its status (a complaint's answer)."""
    return OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=order.status, reason=reason
    )


# --- One function per move ------------------------------------------------------------------


def submit_payment_proof(*, order, buyer, upload, content_type) -> Payment:
    if not order.is_transfer:
        raise IllegalMove(_("This order is not paid by transfer to the shop."), code="not_transfer")
    with transaction.atomic():
        locked = transition(order=order, to=S.PAYMENT_SUBMITTED, actor=buyer)
        payment = Payment(order=locked, content_type=content_type)
        payment.proof.save("proof", upload, save=False)
        payment.save()
    return payment


def confirm_payment(*, order, actor) -> Order:
    with transaction.atomic():
        locked = transition(order=order, to=S.PAID, actor=actor)
        decide_latest_payment(locked, Payment.Status.ACCEPTED)
    return locked


def reject_payment(*, order, actor, reason) -> Order:
    with transaction.atomic():
        locked = transition(order=order, to=S.AWAITING_PAYMENT, actor=actor, reason=reason)
        decide_latest_payment(locked, Payment.Status.REJECTED, reason)
    return locked


def decide_latest_payment(order, status, reason=""):
    payment = order.payments.filter(status=Payment.Status.SUBMITTED).first()
    if payment:
        payment.status, payment.reason, payment.decided_at = status, reason, timezone.now()
        payment.save(update_fields=["status", "reason", "decided_at"])


def mark_paid_by_marketplace(*, order, reason="") -> Order:
    """The checkout's payment to the marketplace was verified: the order is paid (a system move)."""
    return transition(order=order, to=S.PAID, actor=None, reason=reason)


def start_processing(*, order, actor) -> Order:
    return transition(order=order, to=S.PROCESSING, actor=actor)


def ship(*, order, actor, courier, tracking_number) -> Order:
    courier, tracking_number = (courier or "").strip(), (tracking_number or "").strip()
    if order.shipping_method == "courier" and not (courier and tracking_number):
        raise IllegalMove(_("Enter the courier and the tracking number."), code="tracking_required")
    return transition(
        order=order,
        to=S.SHIPPED,
        actor=actor,
        changes={"courier": courier[:60], "tracking_number": tracking_number[:60]},
    )


def confirm_receipt(*, order, buyer) -> Order:
    return transition(order=order, to=S.COMPLETED, actor=buyer)


def cancel(*, order, actor, reason="") -> Order:
    return transition(order=order, to=S.CANCELLED, actor=actor, reason=reason)


def auto_cancel_unpaid(*, order_id) -> bool:
    """Cancel one transfer order left unpaid after its deadline; False if it no longer applies."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.status != S.AWAITING_PAYMENT or not order.payment_deadline:
            return False
        if order.payment_deadline > timezone.now():
            return False
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Not paid before the deadline.")
        transition(order=order, to=S.CANCELLED, actor=None, reason=reason)
    return True


def auto_complete_shipped(*, order_id) -> bool:
    """Complete one order ORDER_AUTO_COMPLETE_DAYS after delivery (when a tracking provider
    reported it) or else after shipping; False if it no longer applies."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.status != S.SHIPPED or order.shipped_at is None:
            return False
        clock = tracking.delivered_at(order.tracking_number, since=order.shipped_at) or order.shipped_at
        if clock > timezone.now() - timedelta(days=settings.ORDER_AUTO_COMPLETE_DAYS):
            return False
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Completed automatically: the buyer did not report a problem.")
        transition(order=order, to=S.COMPLETED, actor=None, reason=reason)
    return True


def unpaid_order_ids(limit=500):
    return list(
        Order.objects.filter(status=S.AWAITING_PAYMENT, payment_deadline__lt=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def shipped_order_ids_to_complete(limit=500):
    cutoff = timezone.now() - timedelta(days=settings.ORDER_AUTO_COMPLETE_DAYS)
    # The clock starts at delivery when a provider reported it, else at shipping.
    delivered = tracking.delivered_at_expression(
        waybill=OuterRef("tracking_number"), since=OuterRef("shipped_at")
    )
    return list(
        Order.objects.filter(status=S.SHIPPED, shipped_at__lt=cutoff)
        .annotate(delivered_at=delivered)
        .filter(Q(delivered_at__isnull=True) | Q(delivered_at__lt=cutoff))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- Periodic work: each order on its own ------------------------------------------------------


def cancel_unpaid_orders() -> int:
    """Cancel every transfer order left unpaid after its deadline; how many were cancelled."""
    return each_order(unpaid_order_ids(), auto_cancel_unpaid)


def complete_shipped_orders() -> int:
    """Complete every order shipped more than ORDER_AUTO_COMPLETE_DAYS ago; how many were completed."""
    return each_order(shipped_order_ids_to_complete(), auto_complete_shipped)


def each_order(order_ids, move) -> int:
    """Apply `move` to each order in its own transaction (the move's own `atomic`).

    One order that fails (bad data, a bug in one path) is rolled back, logged and left as it
    was, so the next run tries it again; it never stops the others.
    """
    done = 0
    for order_id in order_ids:
        try:
            done += move(order_id=order_id)
        except Exception:
            logger.exception("%s failed for order %s; retried on the next run", move.__name__, order_id)
    return done
