"""Virtual expos: which are public, who takes part, applications from shops, visits."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Expo, ExpoShop, Product
from marketplace.pagecache import storefront_changed
from vendors.models import Shop

Entry = ExpoShop.Status


def today():
    return timezone.localdate()


def running_expos():
    return Expo.objects.running(today()).order_by("ends_on")


def public_expo(slug) -> Expo:
    """An expo during its dates; 404 before and after."""
    return get_object_or_404(running_expos(), slug=slug)


def participating_shops(expo):
    return (
        Shop.objects.visible()
        .filter(expo_entries__expo=expo, expo_entries__status=Entry.ACCEPTED)
        .select_related("district__regency")
        .order_by("name")
    )


def expo_products(expo):
    return Product.objects.visible().filter(
        shop__expo_entries__expo=expo, shop__expo_entries__status=Entry.ACCEPTED
    )


def count_visit(expo):
    # One UPDATE, no row read: concurrent visits never overwrite each other's count.
    Expo.objects.filter(pk=expo.pk).update(visit_count=F("visit_count") + 1)


def with_entry_counts(expos):
    return expos.annotate(
        accepted_count=Count("entries", filter=Q(entries__status=Entry.ACCEPTED)),
        applied_count=Count("entries", filter=Q(entries__status=Entry.APPLIED)),
    )


def expos_open_to(shop):
    """Expos a shop may apply to (not over yet, open for applications), with its own entry if any."""
    upcoming = Expo.objects.filter(ends_on__gte=today(), open_for_applications=True).order_by("starts_on")
    entries = {e.expo_id: e for e in ExpoShop.objects.filter(shop=shop, expo__in=upcoming)}
    return [(expo, entries.get(expo.pk)) for expo in upcoming]


def apply(*, expo, shop, note="") -> ExpoShop:
    """A shop asks to take part; staff accept or refuse it in the admin."""
    if not shop.is_visible:
        raise ValidationError(_("Only an approved shop can take part in an expo."), code="not_approved")
    if not expo.open_for_applications or expo.ends_on < today():
        raise ValidationError(_("This expo does not take applications."), code="closed")
    try:
        with transaction.atomic():
            return ExpoShop.objects.create(expo=expo, shop=shop, status=Entry.APPLIED, note=note.strip())
    except IntegrityError:
        raise ValidationError(_("Your shop already applied to this expo."), code="already_applied") from None


def accept_applications(*, expos) -> int:
    """Staff take every shop that applied to `expos` (refusing one is done on the expo's page)."""
    accepted = ExpoShop.objects.filter(expo__in=expos, status=Entry.APPLIED).update(status=Entry.ACCEPTED)
    storefront_changed()
    return accepted
