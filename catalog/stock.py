"""The only writer of stock: take (checkout), give back (cancel, expiry), adjust (vendors, staff).

Stock lives on variants. The product row carries listing figures derived from its variants
(lowest price, total stock); `refresh_listing` rewrites them in the same transaction as every
variant change, so a listing never says "in stock" about a sold-out product.

Locking rule, the same in every function: inside one transaction, first lock the products
involved in primary-key order, then write their variants in primary-key order. Every path
(checkout, cancellation, vendor edits, admin) takes the locks in that one global order, so
two of them can wait for each other but never deadlock.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from catalog.models import Product, ProductVariant
from marketplace.pagecache import storefront_changed


class OutOfStock(ValidationError):
    """A take found fewer units than asked; nothing was taken. `left` is what there is now."""

    def __init__(self, *, variant, left):
        self.variant, self.left = variant, left
        name = variant.full_name
        if left == 0:
            message = _("“%(name)s” has just sold out; remove it from your cart.") % {"name": name}
        else:
            message = _("Only %(left)s left of “%(name)s”; change the quantity in your cart.") % {
                "left": left,
                "name": name,
            }
        super().__init__(message, code="out_of_stock")


class StockChanged(ValidationError):
    """A vendor typed a new stock over a number that has moved since the page was shown."""

    def __init__(self, *, variant_id, current):
        self.variant_id, self.current = variant_id, current
        super().__init__(
            _("Stock changed to %(n)s since you opened this page.") % {"n": current}, code="stock_changed"
        )


@dataclass(frozen=True)
class Units:
    variant_id: int
    quantity: int


def lock_products(product_ids):
    """Lock the products' rows in primary-key order (step one of the locking rule)."""
    products = Product.objects.select_for_update().filter(pk__in=sorted(set(product_ids)))
    return list(products.order_by("pk").values_list("pk", flat=True))


def lock_products_of(variant_ids):
    """Lock the products of these variants in primary-key order; returns their ids. One query."""
    owners = ProductVariant.objects.filter(pk__in=set(variant_ids)).values("product_id")
    products = Product.objects.select_for_update().filter(pk__in=owners)
    return list(products.order_by("pk").values_list("pk", flat=True))


# Written in SQL: the ORM's spelling (two Subquery annotations) took 1.9 ms of Python to build on
# every call, on every checkout; this takes 0.14 ms (PostgreSQL) and says the same.
LISTING_FIGURES_SQL = """
    UPDATE catalog_product SET
        price = COALESCE(
            (SELECT MIN(v.price) FROM catalog_productvariant AS v WHERE v.product_id = catalog_product.id),
            price
        ),
        stock = COALESCE(
            (SELECT SUM(v.stock) FROM catalog_productvariant AS v WHERE v.product_id = catalog_product.id),
            0
        )
    WHERE id IN ({ids})
"""


def refresh_listing(product_ids):
    """Rewrite the products' lowest price and total stock from their variants, in one statement.

    Called under the product locks, so no other variant change of these products is in flight.
    """
    product_ids = sorted(set(product_ids))
    if not product_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(LISTING_FIGURES_SQL.format(ids=", ".join(["%s"] * len(product_ids))), product_ids)


def merged(units):
    """One entry per variant, in primary-key order: the order rows are written in."""
    totals = {}
    for unit in units:
        totals[unit.variant_id] = totals.get(unit.variant_id, 0) + unit.quantity
    return [Units(variant_id, quantity) for variant_id, quantity in sorted(totals.items())]


@transaction.atomic
def take(units) -> None:
    """Take every variant's units, or take nothing and raise OutOfStock for the first short one.

    `UPDATE ... WHERE stock >= n` checks and decrements in one statement, so two buyers can
    never both take the last unit, whatever the isolation level.
    """
    units = merged(units)
    if not units:
        return
    product_ids = lock_products_of(u.variant_id for u in units)
    for unit in units:
        taken = ProductVariant.objects.filter(pk=unit.variant_id, stock__gte=unit.quantity).update(
            stock=F("stock") - unit.quantity
        )
        if not taken:
            variant = ProductVariant.objects.select_related("product").get(pk=unit.variant_id)
            raise OutOfStock(variant=variant, left=variant.stock)
    refresh_listing(product_ids)
    if Product.objects.filter(pk__in=product_ids, stock=0).exists():
        # Sold out: listings and the "in stock" filter change, so cached pages must too.
        storefront_changed(product_ids)


@transaction.atomic
def give_back(units) -> None:
    """Return units (a cancelled or expired order). Variants deleted meanwhile are skipped."""
    units = merged(units)
    if not units:
        return
    product_ids = lock_products_of(u.variant_id for u in units)
    sold_out = ProductVariant.objects.filter(pk__in=[u.variant_id for u in units], stock=0).exists()
    for unit in units:
        ProductVariant.objects.filter(pk=unit.variant_id).update(stock=F("stock") + unit.quantity)
    refresh_listing(product_ids)
    if sold_out:
        # A product or option that had sold out is back on the shelves of cached pages. Units
        # back on a shelf that was never empty change no page beyond the count it shows, as a
        # sale does not: every expired unpaid order would otherwise renew every stored page.
        storefront_changed(product_ids)


@dataclass(frozen=True)
class Adjustment:
    """A vendor's new stock for a variant, with the number the page showed when they typed it."""

    variant_id: int
    shown: int
    to: int


@transaction.atomic
def adjust(adjustments) -> None:
    """Set vendors' stock numbers, all or none; StockChangedMany names every one that moved.

    An adjustment whose `to` equals `shown` is no change and writes nothing, so a save that
    only edits a description or a price never touches stock. A typed number is applied only
    when the stock is still what the vendor saw: otherwise the sales made meanwhile would be
    undone, and the vendor is asked to look again instead.
    """
    wanted = sorted((a for a in adjustments if a.to != a.shown), key=lambda a: a.variant_id)
    if not wanted:
        return
    product_ids = lock_products_of(a.variant_id for a in wanted)
    moved = []
    for adjustment in wanted:
        written = ProductVariant.objects.filter(pk=adjustment.variant_id, stock=adjustment.shown).update(
            stock=adjustment.to
        )
        if not written:
            current = ProductVariant.objects.filter(pk=adjustment.variant_id).values_list("stock", flat=True)
            moved.append(StockChanged(variant_id=adjustment.variant_id, current=current.first() or 0))
    if moved:
        raise StockChangedMany(moved)
    refresh_listing(product_ids)


class StockChangedMany(ValidationError):
    """Several StockChanged at once; `changes` maps variant id -> current stock."""

    def __init__(self, errors):
        self.errors_by_variant = {error.variant_id: error for error in errors}
        super().__init__(list(errors), code="stock_changed")

    @property
    def changes(self):
        return {pk: error.current for pk, error in self.errors_by_variant.items()}


@transaction.atomic
def add_variant(*, product, name="", price, stock=0, sku="", position=0, weight_grams=None) -> ProductVariant:
    """A new variant with its opening stock; nobody can have sold from a row that did not exist."""
    lock_products([product.pk])
    variant = ProductVariant(
        product=product,
        name=name,
        price=price,
        stock=stock,
        sku=sku,
        position=position,
        weight_grams=weight_grams,
    )
    variant.full_clean(exclude=["product"])
    variant.save()
    refresh_listing([product.pk])
    return variant


def save_variant_details(variant, fields) -> None:
    """Save a variant's name, price, SKU or position: never its stock (adjust does that)."""
    fields = [name for name in fields if name != "stock"]
    if fields:
        variant.save(update_fields=fields)


def product_changed(product_ids) -> None:
    """After variants were added, deleted or repriced: lock, then refresh the listing figures."""
    lock_products(product_ids)
    refresh_listing(product_ids)
