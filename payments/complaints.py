"""Complaints (komplain) on orders paid through the marketplace, and the refunds they decide.

The held money stays held while a complaint is open (docs/payments.md, "Complaints"):

    buyer opens (order shipped, money held) ──> the shop answers before the deadline:
      accept  → refund what was asked; for "return and refund" the goods come back first
                (the buyer enters the return receipt, the shop confirms receiving them)
      offer   → a partial refund: the buyer accepts (part back, the rest to the shop) or rejects
      reject  → the dinas
    nobody acts before the deadline → the dinas (beat: `escalate_overdue`)
    the dinas decides: refund all, refund part (the rest released) or release to the shop.

Every step is a `ComplaintEvent` (the complaint's conversation) and an `OrderEvent` (the order's
timeline, through `orders.transitions`), and tells the other side. A refund goes through the
ledger (`services.refund_order`, never above what is held) and then, after commit, through the
provider's refund API (`send_refund`), retried until it is sent and never sent twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace import notifications
from marketplace.celery import enqueue_on_commit
from marketplace.money import format_rupiah
from orders import transitions
from orders.models import Order, OrderStatus
from payments import ledger, providers, services
from payments.models import (
    COMPLAINT_OPEN_STATUSES,
    Account,
    AccountKind,
    Complaint,
    ComplaintEvent,
    ComplaintOutcome,
    ComplaintPhoto,
    ComplaintRequest,
    ComplaintStatus,
    Payment,
    PaymentStatus,
    ProviderRefund,
)
from payments.providers.base import ProviderError
from vendors.permissions import works_for

logger = logging.getLogger(__name__)

S = ComplaintStatus
Kind = ComplaintEvent.Kind
Side = ComplaintEvent.Side
# After this many failed calls a provider refund waits for staff (admin) instead of the beat.
MAX_REFUND_ATTEMPTS = 20

MESSAGES = {
    Kind.ACCEPTED: gettext_lazy("Complaint on order %(number)s: the shop accepted it"),
    Kind.RETURN_ACCEPTED: gettext_lazy("Complaint on order %(number)s: send the goods back"),
    Kind.OFFERED: gettext_lazy("Complaint on order %(number)s: the shop offers a partial refund"),
    Kind.REJECTED: gettext_lazy("Complaint on order %(number)s: the shop rejected it, the dinas decides"),
    Kind.OFFER_REJECTED: gettext_lazy("Complaint on order %(number)s: the buyer rejected the offer"),
    Kind.RETURN_SENT: gettext_lazy("Complaint on order %(number)s: the goods are on their way back"),
    Kind.ESCALATED: gettext_lazy("Complaint on order %(number)s: nobody answered in time, the dinas decides"),
}


class ComplaintRefused(ValidationError):
    """A complaint step the rules do not allow: nothing was changed."""


def refuse(message, code, *, order, user):
    logger.warning(
        "Complaint step refused (%s) on order %s for user %s", code, order.number, getattr(user, "pk", None)
    )
    raise ComplaintRefused(message, code=code)


# --- Questions -----------------------------------------------------------------------------------


def open_complaint_of(order):
    return Complaint.objects.filter(order=order, status__in=COMPLAINT_OPEN_STATUSES).first()


def latest_complaint_of(order):
    return Complaint.objects.filter(order=order).first()


def can_open(order) -> bool:
    """For showing the button: a shipped order whose money the marketplace holds, no complaint open.

    Reads only (a page view must not create the order's ledger account).
    """
    if order.status != OrderStatus.SHIPPED:
        return False
    held = (
        Account.objects.filter(kind=AccountKind.HELD, order=order)
        .values_list("entries_sum", flat=True)
        .first()
    )
    return (
        bool(held) and not Complaint.objects.filter(order=order, status__in=COMPLAINT_OPEN_STATUSES).exists()
    )


def paid_payment(order):
    return Payment.objects.filter(checkout_id=order.checkout_id, status=PaymentStatus.PAID).first()


def answer_deadline():
    return timezone.now() + timedelta(hours=settings.COMPLAINT_ANSWER_HOURS)


def return_deadline():
    return timezone.now() + timedelta(days=settings.COMPLAINT_RETURN_DAYS)


# --- The buyer opens --------------------------------------------------------------------------


def open_complaint(*, order, buyer, reason, description, request, amount=None, photos=()) -> Complaint:
    """Open a complaint on the buyer's own shipped order; its money stays held until decided.

    `amount` is asked only for a partial refund; `photos` are uploads already re-encoded
    without metadata (`payments.forms.clean_photo`).
    """
    if order.buyer_id != getattr(buyer, "pk", None):
        refuse(_("This is not your order."), "not_yours", order=order, user=buyer)
    with transaction.atomic():
        # The order's row lock makes two tabs opening a complaint at once take turns.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if open_complaint_of(locked):
            refuse(
                _("A complaint about this order is already open."), "already_open", order=order, user=buyer
            )
        if locked.status in (OrderStatus.COMPLETED, OrderStatus.REFUNDED):
            refuse(
                _("This order is completed: a complaint can only be opened before completion."),
                "completed",
                order=order,
                user=buyer,
            )
        if locked.status != OrderStatus.SHIPPED:
            refuse(
                _("A complaint can be opened once the order is shipped."),
                "not_shipped",
                order=order,
                user=buyer,
            )
        held = services.held_amount(locked)
        if held == 0:
            refuse(
                _("This order was not paid through the marketplace: contact the shop."),
                "not_held",
                order=order,
                user=buyer,
            )
        requested = (
            checked_amount(amount, held, order=order, user=buyer)
            if request == ComplaintRequest.REFUND_PART
            else held
        )
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    order=locked,
                    reason=reason,
                    description=description.strip(),
                    request=request,
                    requested_amount=requested,
                    deadline=answer_deadline(),
                )
        except IntegrityError:
            refuse(
                _("A complaint about this order is already open."), "already_open", order=order, user=buyer
            )
        for upload in list(photos)[: settings.COMPLAINT_MAX_PHOTOS]:
            photo = ComplaintPhoto(complaint=complaint, content_type=upload.content_type)
            photo.image.save("photo", upload, save=False)
            photo.save()
        add_event(
            complaint, Side.BUYER, Kind.OPENED, actor=buyer, amount=requested, text=complaint.description
        )
        transitions.transition(
            order=locked, to=OrderStatus.IN_COMPLAINT, actor=buyer, reason=complaint.description[:500]
        )
    return complaint


def checked_amount(amount, held, *, order, user) -> int:
    if type(amount) is not int or amount <= 0:
        refuse(
            _("Enter the amount as a whole number of rupiah above zero."), "amount", order=order, user=user
        )
    if amount > held:
        refuse(
            _("The amount cannot be more than what was paid for the order (%(held)s).")
            % {"held": format_rupiah(held)},
            "above_paid",
            order=order,
            user=user,
        )
    return amount


# --- The shop answers --------------------------------------------------------------------------


def locked_for_shop(complaint, actor, *statuses) -> Complaint:
    """The complaint's row locked, if `actor` works for its shop and it is waiting for the shop."""
    locked = Complaint.objects.select_for_update().select_related("order__shop").get(pk=complaint.pk)
    if not works_for(actor, locked.order.shop_id):
        refuse(_("You may not answer this complaint."), "not_your_shop", order=locked.order, user=actor)
    if locked.status not in statuses:
        refuse(
            _("This complaint is “%(status)s”: it is not waiting for the shop.")
            % {"status": locked.get_status_display()},
            "not_waiting",
            order=locked.order,
            user=actor,
        )
    return locked


def seller_accept(*, complaint, actor, message="") -> Complaint:
    """The shop agrees: the refund asked for is made, or for a return the goods come back first."""
    with transaction.atomic():
        locked = locked_for_shop(complaint, actor, S.OPEN)
        locked.seller_answer = message.strip()
        if locked.request == ComplaintRequest.RETURN_AND_REFUND:
            locked.status, locked.deadline = S.AWAITING_RETURN, return_deadline()
            locked.save()
            step(
                locked,
                Side.SHOP,
                Kind.RETURN_ACCEPTED,
                actor=actor,
                text=locked.seller_answer,
                tell_buyer=True,
            )
            return locked
        step(locked, Side.SHOP, Kind.ACCEPTED, actor=actor, amount=locked.requested_amount, text=message)
        return settle(locked, refund=locked.requested_amount, actor=actor, mover=actor)


def seller_offer(*, complaint, actor, amount, message="") -> Complaint:
    """The shop offers part of the money back; the buyer accepts or sends it to the dinas."""
    with transaction.atomic():
        locked = locked_for_shop(complaint, actor, S.OPEN)
        held = services.held_amount(locked.order)
        offered = checked_amount(amount, held, order=locked.order, user=actor)
        locked.offered_amount, locked.seller_answer = offered, message.strip()
        locked.status, locked.deadline = S.OFFERED, answer_deadline()
        locked.save()
        step(
            locked,
            Side.SHOP,
            Kind.OFFERED,
            actor=actor,
            amount=offered,
            text=locked.seller_answer,
            tell_buyer=True,
        )
    return locked


def seller_reject(*, complaint, actor, reason) -> Complaint:
    """The shop disagrees (or disputes the returned goods), with a reason: the dinas decides."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = locked_for_shop(complaint, actor, S.OPEN, S.RETURNING)
        if not reason:
            refuse(_("Tell the buyer and the dinas why."), "reason_required", order=locked.order, user=actor)
        locked.seller_answer = reason
        escalate_locked(locked)
        step(locked, Side.SHOP, Kind.REJECTED, actor=actor, text=reason, tell_buyer=True)
    return locked


def seller_confirm_return(*, complaint, actor) -> Complaint:
    """The goods are back with the shop: the buyer gets the money asked for."""
    with transaction.atomic():
        locked = locked_for_shop(complaint, actor, S.RETURNING)
        step(locked, Side.SHOP, Kind.RETURN_RECEIVED, actor=actor, amount=locked.requested_amount)
        return settle(locked, refund=locked.requested_amount, actor=actor, mover=actor)


# --- The buyer answers -------------------------------------------------------------------------


def locked_for_buyer(complaint, buyer, *statuses) -> Complaint:
    locked = Complaint.objects.select_for_update().select_related("order__shop").get(pk=complaint.pk)
    if locked.order.buyer_id != getattr(buyer, "pk", None):
        refuse(_("This is not your order."), "not_yours", order=locked.order, user=buyer)
    if locked.status not in statuses:
        refuse(
            _("This complaint is “%(status)s”: it is not waiting for you.")
            % {"status": locked.get_status_display()},
            "not_waiting",
            order=locked.order,
            user=buyer,
        )
    return locked


def buyer_accept_offer(*, complaint, buyer) -> Complaint:
    with transaction.atomic():
        locked = locked_for_buyer(complaint, buyer, S.OFFERED)
        step(locked, Side.BUYER, Kind.OFFER_ACCEPTED, actor=buyer, amount=locked.offered_amount)
        return settle(locked, refund=locked.offered_amount, actor=buyer, mover=buyer)


def buyer_reject_offer(*, complaint, buyer, reason="") -> Complaint:
    with transaction.atomic():
        locked = locked_for_buyer(complaint, buyer, S.OFFERED)
        escalate_locked(locked)
        step(
            locked, Side.BUYER, Kind.OFFER_REJECTED, actor=buyer, text=(reason or "").strip(), tell_shop=True
        )
    return locked


def buyer_send_return(*, complaint, buyer, courier, tracking_number) -> Complaint:
    """The buyer sent the goods back with a courier's receipt number; the shop checks them."""
    courier, tracking_number = (courier or "").strip()[:60], (tracking_number or "").strip()[:60]
    with transaction.atomic():
        locked = locked_for_buyer(complaint, buyer, S.AWAITING_RETURN)
        if not (courier and tracking_number):
            refuse(
                _("Enter the courier and the return receipt number."),
                "tracking_required",
                order=locked.order,
                user=buyer,
            )
        locked.return_courier, locked.return_tracking_number = courier, tracking_number
        locked.status, locked.deadline = S.RETURNING, return_deadline()
        locked.save()
        step(
            locked,
            Side.BUYER,
            Kind.RETURN_SENT,
            actor=buyer,
            text=f"{courier} · {tracking_number}",
            tell_shop=True,
        )
    return locked


# --- The dinas ---------------------------------------------------------------------------------


def escalate_locked(complaint):
    complaint.status, complaint.deadline, complaint.escalated_at = S.ESCALATED, None, timezone.now()
    complaint.save()


def escalate_if_overdue(*, complaint_id) -> bool:
    """Hand one complaint whose deadline passed to the dinas; False if it no longer applies."""
    with transaction.atomic():
        locked = (
            Complaint.objects.select_for_update()
            .select_related("order__shop")
            .filter(pk=complaint_id)
            .first()
        )
        waiting = (S.OPEN, S.OFFERED, S.AWAITING_RETURN, S.RETURNING)
        if locked is None or locked.status not in waiting or not locked.deadline:
            return False
        if locked.deadline > timezone.now():
            return False
        escalate_locked(locked)
        step(locked, Side.SYSTEM, Kind.ESCALATED, actor=None, tell_buyer=True, tell_shop=True)
    return True


def overdue_complaint_ids(limit=500):
    return list(
        Complaint.objects.filter(
            status__in=(S.OPEN, S.OFFERED, S.AWAITING_RETURN, S.RETURNING), deadline__lt=timezone.now()
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def escalate_overdue() -> int:
    """Every complaint nobody answered in time goes to the dinas; how many went.

    Each in its own transaction: one that fails is logged and tried again on the next run.
    """
    done = 0
    for complaint_id in overdue_complaint_ids():
        try:
            done += escalate_if_overdue(complaint_id=complaint_id)
        except Exception:
            logger.exception("Escalating complaint %s failed; retried on the next run", complaint_id)
    return done


class Decision:
    REFUND_ALL = "refund_all"
    REFUND_PART = "refund_part"
    RELEASE = "release"
    CHOICES = [
        (REFUND_ALL, gettext_lazy("Refund everything to the buyer")),
        (REFUND_PART, gettext_lazy("Refund part, release the rest to the shop")),
        (RELEASE, gettext_lazy("Release everything to the shop")),
    ]


def dinas_decide(*, complaint, staff, decision, reason, amount=None) -> Complaint:
    """Dinas staff decide an escalated complaint, with a reason both sides read."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().select_related("order__shop").get(pk=complaint.pk)
        order = locked.order
        if not (staff and staff.is_staff and staff.has_perm("payments.change_complaint")):
            refuse(_("Only dinas staff decide complaints."), "not_staff", order=order, user=staff)
        if locked.status != S.ESCALATED:
            refuse(
                _("Only complaints handed to the dinas are decided here."),
                "not_escalated",
                order=order,
                user=staff,
            )
        if not reason:
            refuse(_("Give the reason for the decision."), "reason_required", order=order, user=staff)
        held = services.held_amount(order)
        if decision == Decision.REFUND_ALL:
            refund = held
        elif decision == Decision.RELEASE:
            refund = 0
        elif decision == Decision.REFUND_PART:
            refund = checked_amount(amount, held, order=order, user=staff)
        else:
            refuse(_("Choose a decision."), "decision", order=order, user=staff)
        locked.decided_by, locked.decision_reason = staff, reason
        step(locked, Side.DINAS, Kind.DECIDED, actor=staff, amount=refund, text=reason)
        return settle(locked, refund=refund, actor=staff, mover=staff, reason=reason)


# --- Settling: the ledger, the order, the provider -----------------------------------------------


def settle(complaint, *, refund, actor, mover, reason="") -> Complaint:
    """Refund `refund` of what is held; the rest, if any, is released and the order completes.

    Called inside the complaint's lock. `mover` makes the order's move when the table lets
    them (the shop may refund but never release money to itself: the system does it then).
    """
    order = complaint.order
    held = services.held_amount(order)
    if refund > held:
        refuse(
            _("A refund cannot be more than what is held for the order (%(held)s).")
            % {"held": format_rupiah(held)},
            "above_paid",
            order=order,
            user=actor,
        )
    if refund:
        refund_row = services.refund_order(
            order=order,
            amount=refund,
            key=f"complaint:{complaint.pk}",
            reason=reason or complaint.description[:500],
        )
        queue_provider_refund(refund_row, order)
    everything_back = refund > 0 and refund == held
    to = OrderStatus.REFUNDED if everything_back else OrderStatus.COMPLETED
    note = reason or (refund_note(refund) if refund else "")
    mover = mover if to in transitions.allowed_targets(order, mover) else None
    transitions.transition(order=order, to=to, actor=mover, reason=note)
    if everything_back:
        outcome = ComplaintOutcome.REFUNDED
    else:
        services.release_order(order=order)
        outcome = ComplaintOutcome.PARTLY_REFUNDED if refund else ComplaintOutcome.RELEASED
    complaint.status, complaint.outcome, complaint.refunded_amount = S.RESOLVED, outcome, refund
    complaint.deadline, complaint.decided_at = None, timezone.now()
    complaint.save()
    return complaint


def refund_note(amount):
    # Kept on the order's timeline, which both sides read: in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(amount)s goes back to the buyer.") % {"amount": format_rupiah(amount)}


def queue_provider_refund(refund, order):
    """After commit, send the refund through the provider that took the payment (or mark it manual)."""
    payment = paid_payment(order)
    if payment is None:
        logger.error("Refund %s of order %s has no paid provider payment", refund.pk, order.number)
        return None
    adapter = providers.ADAPTERS.get(payment.provider)
    status = (
        ProviderRefund.Status.PENDING if adapter and adapter.has_refund_api else ProviderRefund.Status.MANUAL
    )
    provider_refund, created = ProviderRefund.objects.get_or_create(
        refund=refund, defaults={"payment": payment, "provider": payment.provider, "status": status}
    )
    if created and status == ProviderRefund.Status.PENDING:
        from payments.tasks import send_provider_refund

        enqueue_on_commit(send_provider_refund, provider_refund.pk)
    return provider_refund


def provider_key(provider_refund) -> str:
    """Ours, stable across retries, and unique across deployments sharing a provider account."""
    return f"{settings.PAYMENT_REFERENCE_PREFIX}-RF-{provider_refund.refund_id}"


def send_refund(*, provider_refund_id) -> bool:
    """Ask the provider to refund once; False when it failed (retried by the beat) or was done.

    The row stays locked during the call, so two workers never send the same refund at once;
    a call that timed out after the provider acted is sent again with the same key, which the
    provider answers with the first refund instead of paying twice.
    """
    with transaction.atomic():
        row = (
            ProviderRefund.objects.select_for_update()
            .select_related("refund__order", "payment")
            .filter(pk=provider_refund_id)
            .first()
        )
        if row is None or row.status != ProviderRefund.Status.PENDING:
            return False
        adapter = providers.ADAPTERS[row.provider]()
        row.attempts += 1
        try:
            reference = adapter.refund(
                row.payment,
                amount=row.refund.amount,
                key=provider_key(row),
                reason=f"Refund {row.refund.order.number}",
            )
        except ProviderError as error:
            row.last_error = str(error)[:300]
            if row.attempts >= MAX_REFUND_ATTEMPTS:
                row.status = ProviderRefund.Status.FAILED
                logger.error("Refund %s failed %s times; staff must look: %s", row.pk, row.attempts, error)
            else:
                logger.warning("Refund %s not sent (attempt %s): %s", row.pk, row.attempts, error)
            row.save(update_fields=["attempts", "last_error", "status"])
            return False
        row.status, row.provider_reference, row.sent_at = (
            ProviderRefund.Status.SENT,
            reference[:100],
            timezone.now(),
        )
        row.last_error = ""
        row.save()
        money_left(row)
    return True


def mark_refunded_by_hand(*, provider_refund, staff, reference) -> ProviderRefund:
    """Staff transferred a refund from the operator's account (manual transfer, or a failed API)."""
    reference = (reference or "").strip()
    with transaction.atomic():
        row = ProviderRefund.objects.select_for_update().select_related("refund").get(pk=provider_refund.pk)
        if row.status in (ProviderRefund.Status.SENT, ProviderRefund.Status.DONE):
            return row
        row.status, row.provider_reference, row.sent_at = (
            ProviderRefund.Status.DONE,
            reference[:100],
            timezone.now(),
        )
        row.save()
        money_left(row)
    logger.info("Refund %s marked transferred by %s (%s)", row.pk, staff.pk, reference)
    return row


def money_left(row):
    """The refund left the provider (or the operator's account): refunds payable → clearing."""
    ledger.post(
        key=f"refund:{row.refund_id}:sent",
        description=f"Refund {row.refund_id} sent ({row.provider} {row.provider_reference})",
        legs=[
            ledger.debit(ledger.refunds_payable(), row.refund.amount),
            ledger.credit(ledger.clearing(), row.refund.amount),
        ],
        order=row.refund.order,
    )


def pending_provider_refund_ids(limit=200):
    return list(
        ProviderRefund.objects.filter(status=ProviderRefund.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def retry_provider_refunds() -> int:
    sent = 0
    for pk in pending_provider_refund_ids():
        try:
            sent += send_refund(provider_refund_id=pk)
        except Exception:
            logger.exception("Sending refund %s failed; retried on the next run", pk)
    return sent


# --- Steps: the conversation, the order's timeline, the other side ------------------------------


def add_event(complaint, side, kind, *, actor, amount=None, text=""):
    return ComplaintEvent.objects.create(
        complaint=complaint, side=side, kind=kind, actor=actor, amount=amount, text=text
    )


def step(complaint, side, kind, *, actor, amount=None, text="", tell_buyer=False, tell_shop=False):
    """One step: in the conversation, on the order's timeline, and told to whom it concerns."""
    add_event(complaint, side, kind, actor=actor, amount=amount, text=text)
    order = complaint.order
    transitions.record_step(order=order, actor=actor, reason=timeline_text(kind, amount, text))
    params = {"number": order.number}
    title = MESSAGES.get(kind)
    if title is None:
        return
    if tell_buyer:
        notifications.notify(
            user=order.buyer, title=title, body=text, url=buyer_url(complaint), params=params
        )
    if tell_shop:
        notifications.notify_shop(
            shop=order.shop,
            roles=notifications.ORDERS,
            title=title,
            body=text,
            url=shop_url(complaint),
            params=params,
        )


def timeline_text(kind, amount, text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        parts = [str(Kind(kind).label)]
        if amount:
            parts.append(format_rupiah(amount))
        if text:
            parts.append(text)
        return " · ".join(parts)[:1000]


def buyer_url(complaint) -> str:
    return reverse("payments:complaint", args=[complaint.order.number])


def shop_url(complaint) -> str:
    return reverse("payments:shop_complaint", args=[complaint.order.shop.slug, complaint.pk])
