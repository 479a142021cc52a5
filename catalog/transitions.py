"""A product's status: one table of allowed moves, one `change_status`, one function per move.

Nothing else assigns `Product.status`. The vendor's dashboard, the dinas admin and moderation
all call these functions; every real move locks the row, checks the table and who makes it,
writes a `ProductStatusEvent` (who, when, why), tells the shop when the dinas decided, and moves
the storefront cache version. Asking for the status a product already has changes nothing: no
event, no notification, no new take-down to appeal. The table also decides which choices and
buttons a page shows (`vendor_targets`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import ModerationEvent, Product, ProductReport, ProductStatusEvent
from catalog.services import notify_shop_owners, status_after_review_rule
from marketplace.pagecache import storefront_changed
from vendors.permissions import WORK, ShopRole, role_in_shop

S = Product.Status
VENDOR, DINAS, SYSTEM = "vendor", "dinas", "system"
SHELF = (S.DRAFT, S.IN_REVIEW, S.ACTIVE, S.ARCHIVED)

# (from, to) -> who may make the move.
ALLOWED_MOVES = {
    (S.DRAFT, S.ACTIVE): {VENDOR, SYSTEM},
    (S.DRAFT, S.IN_REVIEW): {VENDOR, SYSTEM},
    (S.DRAFT, S.ARCHIVED): {VENDOR, SYSTEM},
    (S.IN_REVIEW, S.ACTIVE): {DINAS, SYSTEM},  # approved by dinas staff
    (S.IN_REVIEW, S.DRAFT): {VENDOR, SYSTEM},
    (S.IN_REVIEW, S.ARCHIVED): {VENDOR, SYSTEM},
    (S.ACTIVE, S.DRAFT): {VENDOR, SYSTEM},
    (S.ACTIVE, S.ARCHIVED): {VENDOR, SYSTEM},
    (S.ARCHIVED, S.DRAFT): {VENDOR, SYSTEM},
    (S.ARCHIVED, S.ACTIVE): {VENDOR, SYSTEM},
    (S.ARCHIVED, S.IN_REVIEW): {VENDOR, SYSTEM},
    # Dinas staff take down from any status, and restore to the status it had before.
    **{(source, S.TAKEN_DOWN): {DINAS, SYSTEM} for source in SHELF},
    **{(S.TAKEN_DOWN, target): {DINAS, SYSTEM} for target in SHELF},
}
MOVED_FIELDS = ("status", "taken_down_at", "takedown_reason", "reviewed_at")
# The vendor reads why; an empty take-down reason would leave them guessing.
REASON_REQUIRED = {(source, S.TAKEN_DOWN) for source in SHELF}

# What the shop reads after a dinas decision; the vendor's own moves need no message.
MESSAGES = {
    S.TAKEN_DOWN: gettext_lazy("Your product “%(name)s” was taken down"),
    "restored": gettext_lazy("Your product “%(name)s” is visible again"),
    "approved": gettext_lazy("Your product “%(name)s” is approved and visible"),
}


class IllegalMove(ValidationError):
    """A move the table does not allow, or not for this person: nothing was changed."""


def role_of(actor, product) -> str:
    if actor is None:
        return SYSTEM
    role = role_in_shop(actor, product.shop)
    if role in WORK:
        return VENDOR
    if role == ShopRole.MODERATOR:
        return DINAS
    return ""


def wanted_status(product, to, role):
    """A vendor's never-reviewed product may have to wait for dinas staff (the review rule)."""
    return status_after_review_rule(product, to) if role == VENDOR else to


def may_move(product, to, role) -> bool:
    return role in ALLOWED_MOVES.get((product.status, to), ())


def vendor_targets(product) -> list:
    """The statuses a shop member may choose now, the current one first: for forms and buttons."""
    if product.pk is None:
        return [S.DRAFT, S.ACTIVE]
    return [product.status] + [to for to in S if may_move(product, to, VENDOR)]


def change_status(*, product, to, actor, reason="") -> Product:
    """Move `product` to `to` on behalf of `actor` (None for the system), or raise IllegalMove.

    Returns the locked, updated product (and updates the status fields of `product`); asking
    for the current status changes nothing.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        # The lock makes a vendor's archive and a moderator's take-down of one product happen
        # one after the other, each checking the table against the other's result.
        locked = Product.objects.select_for_update().select_related("shop").get(pk=product.pk)
        role, source = role_of(actor, locked), locked.status
        if to == source:
            return locked
        to = wanted_status(locked, to, role)
        if to == source:
            return locked
        check_move(locked, to, role, reason)
        apply(locked, source, to, reason)
        ProductStatusEvent.objects.create(
            product=locked, actor=actor, from_status=source, to_status=to, reason=reason
        )
        record_dinas_decision(locked, source, to, actor, reason)
        storefront_changed([locked.pk])
    for field in MOVED_FIELDS:  # the caller's copy says what is now true, as after a save
        setattr(product, field, getattr(locked, field))
    return locked


def check_move(product, to, role, reason):
    if (product.status, to) not in ALLOWED_MOVES:
        raise IllegalMove(
            _("A product that is “%(from)s” cannot become “%(to)s”.")
            % {"from": S(product.status).label, "to": S(to).label},
            code="illegal_move",
        )
    if not may_move(product, to, role):
        raise IllegalMove(_("You may not make this change to the product."), code="not_allowed")
    if (product.status, to) in REASON_REQUIRED and not reason:
        raise IllegalMove(_("Write the reason; the vendor will read it."), code="reason_required")


def apply(product, source, to, reason):
    now = timezone.now()
    product.status = to
    if to == S.TAKEN_DOWN:
        product.taken_down_at, product.takedown_reason = now, reason
    elif source == S.TAKEN_DOWN:
        product.taken_down_at, product.takedown_reason = None, ""
    if source == S.IN_REVIEW and to == S.ACTIVE:
        product.reviewed_at = now
    product.save(update_fields=[*MOVED_FIELDS, "updated_at"])


def record_dinas_decision(product, source, to, actor, reason):
    """Take-downs and restorations also go to the moderation history and answer the reports."""
    if to == S.TAKEN_DOWN:
        ProductReport.objects.filter(product=product, status=ProductReport.Status.OPEN).update(
            status=ProductReport.Status.ACTIONED, resolved_at=product.taken_down_at
        )
        ModerationEvent.objects.create(
            actor=actor,
            action=ModerationEvent.Action.TAKEN_DOWN,
            product=product,
            shop_id=product.shop_id,
            reason=reason,
        )
        notify_shop_owners(product, MESSAGES[S.TAKEN_DOWN], reason)
    elif source == S.TAKEN_DOWN:
        ModerationEvent.objects.create(
            actor=actor, action=ModerationEvent.Action.RESTORED, product=product, shop_id=product.shop_id
        )
        notify_shop_owners(product, MESSAGES["restored"])
    elif source == S.IN_REVIEW and to == S.ACTIVE:
        notify_shop_owners(product, MESSAGES["approved"])


# --- One function per move ------------------------------------------------------------------


def take_down(*, product, actor, reason) -> Product:
    """Hide the product from buyers; the vendor is told why and may appeal once."""
    return change_status(product=product, to=S.TAKEN_DOWN, actor=actor, reason=reason)


def status_before_takedown(product):
    event = (
        ProductStatusEvent.objects.filter(product=product, to_status=S.TAKEN_DOWN)
        .order_by("-created_at", "-id")
        .first()
    )
    return event.from_status if event else S.ACTIVE


def restore(*, product, actor) -> Product:
    """Undo a take-down: the product gets back the status it had before."""
    if Product.objects.filter(pk=product.pk).values_list("status", flat=True).get() != S.TAKEN_DOWN:
        return product
    return change_status(product=product, to=status_before_takedown(product), actor=actor)


def approve_review(*, product, actor) -> Product:
    """Dinas staff let a product waiting for review go live."""
    return change_status(product=product, to=S.ACTIVE, actor=actor)


def archive(*, product, actor) -> Product:
    return change_status(product=product, to=S.ARCHIVED, actor=actor)
