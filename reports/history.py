"""One readable moderation history from the two logs that record decisions.

Shop verification decisions are vendors.ShopStatusEvent (written by vendors.services.change_status);
product decisions are catalog.ModerationEvent (written by catalog.moderation). Both stay the single
record of their own decisions; this page reads them together with one UNION query per page.
"""

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from catalog.models import ModerationEvent
from vendors.models import Shop, ShopStatusEvent

SHOP_ACTIONS = {
    Shop.Status.PENDING: _("Shop submitted for verification"),
    Shop.Status.APPROVED: _("Shop approved"),
    Shop.Status.REJECTED: _("Shop rejected"),
    Shop.Status.SUSPENDED: _("Shop suspended"),
    Shop.Status.DRAFT: _("Shop created"),
}


def events(*, actor=None, since=None, until=None):
    """Newest first; `since`/`until` are aware datetimes (until excluded)."""
    shop_events = ShopStatusEvent.objects.values(
        happened_at=F("created_at"),
        who=F("actor__email"),
        kind=Concat(Value("shop:"), F("to_status"), output_field=CharField()),
        subject=F("shop__name"),
        detail=F("reason"),
    )
    product_events = ModerationEvent.objects.values(
        happened_at=F("created_at"),
        who=F("actor__email"),
        kind=F("action"),
        subject=Coalesce(F("product__name"), F("shop__name")),
        detail=F("reason"),
    )
    if actor is not None:
        shop_events, product_events = shop_events.filter(actor=actor), product_events.filter(actor=actor)
    if since is not None:
        shop_events = shop_events.filter(created_at__gte=since)
        product_events = product_events.filter(created_at__gte=since)
    if until is not None:
        shop_events = shop_events.filter(created_at__lt=until)
        product_events = product_events.filter(created_at__lt=until)
    # Each model's default ordering would put an ORDER BY inside the compound query, which
    # SQLite rejects; the union is ordered once, as a whole.
    union = shop_events.order_by().union(product_events.order_by(), all=True)
    return LabelledEvents(union.order_by("-happened_at"))


def action_label(code):
    if code.startswith("shop:"):
        status = code.split(":", 1)[1]
        return SHOP_ACTIONS.get(status, Shop.Status(status).label if status in Shop.Status.values else status)
    return ModerationEvent.Action(code).label if code in ModerationEvent.Action.values else code


class LabelledEvents:
    """The union query, sliced by the paginator, with a readable label on each row."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        rows = self.queryset[index]
        return [{**row, "label": action_label(row["kind"])} for row in rows]
