"""Dinas moderation of products: buyers' reports, take-downs, appeals, and their history.

The rules live here, once: who may report, that a take-down needs a reason the vendor reads,
that a take-down may be appealed once, and that every decision is written to ModerationEvent.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import services
from catalog.models import ModerationEvent, Product, ProductReport, TakedownAppeal

Action = ModerationEvent.Action
REPORT_OPEN = ProductReport.Status.OPEN
APPEAL_OPEN = TakedownAppeal.Status.OPEN


def _required(text, message):
    text = (text or "").strip()
    if not text:
        raise ValidationError(message, code="reason_required")
    return text


# --- Buyers report, vendors appeal -------------------------------------------------------------


def report_product(*, product, reporter, reason, text="") -> ProductReport:
    """A buyer's report; a second open report by the same buyer on the same product is refused."""
    if product.shop.members.filter(user=reporter).exists():
        raise ValidationError(_("You cannot report your own shop's product."), code="own_product")
    if reason == ProductReport.Reason.OTHER:
        _required(text, _("Tell us what is wrong with this product."))
    try:
        with transaction.atomic():
            return ProductReport.objects.create(
                product=product, reporter=reporter, reason=reason, text=(text or "").strip()
            )
    except IntegrityError:
        raise ValidationError(
            _("You already reported this product; a moderator will look at it."), code="already_reported"
        ) from None


def can_appeal(product) -> bool:
    return (
        product.taken_down_at is not None
        and not TakedownAppeal.objects.filter(product=product, taken_down_at=product.taken_down_at).exists()
    )


def appeal_takedown(*, product, author, text) -> TakedownAppeal:
    """The vendor's one appeal against the current take-down of `product`."""
    text = _required(text, _("Explain why the product should be shown again."))
    if product.taken_down_at is None:
        raise ValidationError(_("This product is not taken down."), code="not_taken_down")
    try:
        with transaction.atomic():
            return TakedownAppeal.objects.create(
                product=product, taken_down_at=product.taken_down_at, author=author, text=text
            )
    except IntegrityError:
        raise ValidationError(
            _("This take-down was already appealed once."), code="already_appealed"
        ) from None


# --- Moderators decide -----------------------------------------------------------------------


def _record(*, actor, action, product=None, shop=None, reason=""):
    return ModerationEvent.objects.create(
        actor=actor,
        action=action,
        product=product,
        shop=shop or (product.shop if product else None),
        reason=reason,
    )


def _close_open_reports(product, status):
    return ProductReport.objects.filter(product=product, status=REPORT_OPEN).update(
        status=status, resolved_at=timezone.now()
    )


def take_down(*, product, actor, reason) -> Product:
    """Hide the product from buyers; the vendor is told why. catalog.services closes the open
    reports and logs the decision, so a take-down from the product page in the admin counts too."""
    reason = _required(reason, _("Write the reason; the vendor will read it."))
    return services.take_down(product=product, actor=actor, reason=reason)


def restore(*, product, actor) -> Product:
    return services.restore(product=product, actor=actor)


@transaction.atomic
def dismiss_reports(*, product, actor, reason="") -> int:
    """The reports were unfounded: close them and keep the product visible."""
    closed = _close_open_reports(product, ProductReport.Status.DISMISSED)
    if closed:
        _record(actor=actor, action=Action.REPORTS_DISMISSED, product=product, reason=(reason or "").strip())
    return closed


@transaction.atomic
def decide_appeal(*, appeal, actor, accept, reason="") -> TakedownAppeal:
    """Accepting restores the product; rejecting needs a reason the vendor reads."""
    appeal = TakedownAppeal.objects.select_for_update().select_related("product__shop").get(pk=appeal.pk)
    if appeal.status != APPEAL_OPEN:
        raise ValidationError(_("This appeal was already decided."), code="decided")
    reason = (reason or "").strip()
    product = appeal.product
    if accept:
        if product.taken_down_at is not None:
            services.restore(product=product, actor=actor)
        appeal.status, action = TakedownAppeal.Status.ACCEPTED, Action.APPEAL_ACCEPTED
    else:
        reason = _required(reason, _("Write the reason; the vendor will read it."))
        services.notify_shop_owners(product, gettext_lazy("Your appeal for “%(name)s” was rejected"), reason)
        appeal.status, action = TakedownAppeal.Status.REJECTED, Action.APPEAL_REJECTED
    appeal.decision_reason, appeal.decided_at = reason, timezone.now()
    appeal.save(update_fields=["status", "decision_reason", "decided_at"])
    _record(actor=actor, action=action, product=product, reason=reason)
    return appeal


# --- The queues ------------------------------------------------------------------------------


def reported_products():
    """Products with open reports, one row each, most reported first, with the latest reports."""
    open_reports = Q(reports__status=REPORT_OPEN)
    latest = ProductReport.objects.filter(status=REPORT_OPEN).order_by("-created_at", "-id")
    return (
        Product.objects.filter(open_reports)
        .annotate(
            open_report_count=Count("reports", filter=open_reports),
            last_reported_at=Max("reports__created_at"),
        )
        .select_related("shop")
        .prefetch_related(Prefetch("reports", queryset=latest, to_attr="open_reports"))
        .order_by("-open_report_count", "-last_reported_at")
    )


def open_appeals():
    return (
        TakedownAppeal.objects.filter(status=APPEAL_OPEN)
        .select_related("product__shop")
        .order_by("created_at")
    )
