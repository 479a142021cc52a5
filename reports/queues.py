"""What needs the dinas staff's attention, for the admin start page: a few queries, whatever the size."""

from dataclasses import dataclass

from django.utils import timezone

from catalog import moderation
from vendors.models import Shop

SHOWN = 8


@dataclass
class Queue:
    total: int
    items: list


def waiting_shops(limit=SHOWN) -> Queue:
    """Shops waiting for verification, oldest first, each with its waiting time in days."""
    pending = Shop.objects.filter(status=Shop.Status.PENDING)
    now = timezone.now()
    shops = list(pending.select_related("district__regency").order_by("submitted_at", "id")[:limit])
    for shop in shops:
        shop.waiting_days = (now - (shop.submitted_at or shop.created_at)).days
    return Queue(total=pending.count(), items=shops)


def reported_products(limit=SHOWN) -> Queue:
    products = moderation.reported_products()
    return Queue(total=products.count(), items=list(products[:limit]))


def open_appeals(limit=SHOWN) -> Queue:
    appeals = moderation.open_appeals()
    return Queue(total=appeals.count(), items=list(appeals[:limit]))


def attention_for(user) -> dict:
    """Only the queues this staff member may work on."""
    queues = {}
    if user.has_perm("vendors.change_shop"):
        queues["shops"] = waiting_shops()
    if user.has_perm("catalog.change_reportedproduct"):
        queues["reports"] = reported_products()
    if user.has_perm("catalog.change_takedownappeal"):
        queues["appeals"] = open_appeals()
    return queues
