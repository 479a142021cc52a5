"""Writes for the catalogue: products, variants, photos, moderation, search vectors."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catalog import search
from catalog import stock as stock_module
from catalog.models import (
    MAX_IMAGES_PER_PRODUCT,
    Product,
    ProductImage,
    ProductVariant,
)
from marketplace import notifications
from marketplace.celery import enqueue_on_commit
from marketplace.images import validate_image
from marketplace.pagecache import storefront_changed

Status = Product.Status

# One statement, so the vector always matches the names it is built from. Weights: the product
# name counts most, then its category and shop, then the description. 'simple' keeps Indonesian
# words as typed (no English stemming); prefix matching and trigrams cover word forms and typos.
SEARCH_VECTOR_SQL = """
UPDATE catalog_product AS p SET search_vector =
    setweight(to_tsvector('simple', p.name), 'A')
    || setweight(to_tsvector('simple', c.name || ' ' || coalesce(pc.name, '')), 'B')
    || setweight(to_tsvector('simple', s.name), 'B')
    || setweight(to_tsvector('simple', p.description), 'C')
FROM catalog_category AS c
LEFT JOIN catalog_category AS pc ON pc.id = c.parent_id, vendors_shop AS s
WHERE c.id = p.category_id AND s.id = p.shop_id
"""
# The words of the names just indexed, for the typo pass (catalog.selectors.near_words), in one
# order so that two writers adding the same new words wait for each other instead of deadlocking.
# Words no name has any more stay until every product is indexed again (no ids, no shop).
SEARCH_WORDS_SQL = """
INSERT INTO catalog_search_word (word)
SELECT DISTINCT lexeme FROM catalog_product AS p, unnest(p.search_vector)
WHERE 'A' = ANY(weights){where}
ORDER BY lexeme
ON CONFLICT DO NOTHING
"""


def refresh_search_vectors(*, product_ids=None, shop_id=None):
    """Reindex products for search: some, one shop's, or all (None).

    The one writer of the search index on both databases: the stored tsvector and the words of
    the names on PostgreSQL, the FTS5 row on SQLite (catalog.search).
    """
    if connection.vendor == "sqlite":
        search.reindex(product_ids=product_ids, shop_id=shop_id)
        return
    if connection.vendor != "postgresql":
        return
    where, params = "", []
    if product_ids is not None:
        where += " AND p.id = ANY(%s)"
        params.append(list(product_ids))
    if shop_id is not None:
        where += " AND p.shop_id = %s"
        params.append(shop_id)
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_VECTOR_SQL + where, params)
        if not where:
            cursor.execute("DELETE FROM catalog_search_word")  # every name again: only theirs stay
        cursor.execute(SEARCH_WORDS_SQL.format(where=where), params)


def unique_product_slug(*, shop, name, exclude_pk=None):
    base = slugify(name)[:120].strip("-") or "produk"
    taken = set(
        Product.objects.filter(shop=shop, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def status_after_review_rule(product, wanted):
    """With REQUIRE_PRODUCT_REVIEW on, a product never reviewed waits for dinas staff first."""
    if wanted == Status.ACTIVE and settings.REQUIRE_PRODUCT_REVIEW and product.reviewed_at is None:
        return Status.IN_REVIEW
    return wanted


def prepare(product):
    """Fill what the vendor does not choose: the slug and a new product's first status, which
    the review rule allows (later changes go through catalog.transitions)."""
    if not product.slug:
        product.slug = unique_product_slug(shop=product.shop, name=product.name, exclude_pk=product.pk)
    if product.pk is None:
        product.status = status_after_review_rule(product, product.status)


@transaction.atomic
def create_product(*, shop, price=None, stock=0, sku="", variants=None, **fields) -> Product:
    """A product from plain values (CSV import, onboarding, demo data), validated like the form.

    `variants` is a list of dicts (name, price, stock, sku); without it the product gets one
    default variant carrying `price`, `stock` and `sku`.
    """
    product = Product(shop=shop, sku=sku, **fields)
    product.name = product.name.strip()
    prepare(product)
    product.full_clean(exclude=["price"])
    product.save()
    if variants is None:
        variants = [{"name": "", "price": price, "stock": stock, "sku": sku}]
    for position, variant in enumerate(variants):
        stock_module.add_variant(product=product, position=position, **variant)
    reread_listing_figures(product)
    refresh_search_vectors(product_ids=[product.pk])
    storefront_changed([product.pk])
    return product


@transaction.atomic
def save_product_form(*, form, variant_formset=None, photos=(), actor=None) -> Product:
    """Save a validated product form, its variants and new photos together: all or nothing.

    Only the fields the form edits are written: a take-down or a sale meanwhile stays. A new
    status chosen in the form is a move checked by catalog.transitions. Stock of existing
    variants is written only where the vendor typed a number other than the one shown, and only
    if that number is still current (catalog.stock.adjust); otherwise StockChangedMany is raised
    and nothing is saved.
    """
    from catalog.transitions import change_status

    product = form.save(commit=False)
    wanted, is_new = product.status, product.pk is None
    prepare(product)
    if is_new:
        product.save()
    else:
        stock_module.lock_products([product.pk])
        edited = [name for name in form._meta.fields if name != "status"]
        product.save(update_fields=[*edited, "slug", "updated_at"])
        product = change_status(product=product, to=wanted, actor=actor)
    if variant_formset is not None:
        save_variants(product, variant_formset)
    for upload in photos:
        add_image(product=product, upload=upload)
    reread_listing_figures(product)
    refresh_search_vectors(product_ids=[product.pk])
    storefront_changed([product.pk])
    return product


def save_variants(product, formset):
    adjustments = []
    for position, form in enumerate(formset.forms):
        if not form.has_changed() and form.instance.pk is None:
            continue
        if form in formset.deleted_forms:
            if form.instance.pk:
                form.instance.delete()
            continue
        data = form.cleaned_data
        if form.instance.pk is None:
            stock_module.add_variant(
                product=product,
                name=data["name"],
                price=data["price"],
                stock=data["stock"],
                sku=data.get("sku", ""),
                position=position,
                weight_grams=data.get("weight_grams"),
            )
            continue
        variant = form.instance
        variant.name, variant.price, variant.sku, variant.position = (
            data["name"],
            data["price"],
            data.get("sku", ""),
            position,
        )
        variant.weight_grams = data.get("weight_grams")
        stock_module.save_variant_details(variant, ["name", "price", "sku", "position", "weight_grams"])
        adjustments.append(
            stock_module.Adjustment(variant_id=variant.pk, shown=data["stock_shown"], to=data["stock"])
        )
    stock_module.adjust(adjustments)
    stock_module.product_changed([product.pk])


def reread_listing_figures(product):
    """The lowest price and total stock catalog.stock just wrote (keeps loaded relations)."""
    product.price, product.stock = Product.objects.filter(pk=product.pk).values_list("price", "stock").get()


@dataclass(frozen=True)
class VariantChange:
    """One row of the bulk page: the price typed, and the stock typed with the stock shown."""

    variant_id: int
    price: int
    stock: int
    stock_shown: int


@dataclass(frozen=True)
class WeightChange:
    """A weight and packed size from an imported row; None leaves what is stored."""

    variant_id: int
    weight_grams: int | None = None
    sizes: tuple[int, int, int] | None = None


def set_weights(*, shop, changes: list[WeightChange]) -> int:
    """Write imported weights and sizes onto `shop`'s products; how many products changed.

    A product's only variant takes the weight on the product; one of several variants takes
    it as its own (variants may override the product's weight). Sizes belong to the product.
    """
    by_id = {change.variant_id: change for change in changes}
    variants = ProductVariant.objects.filter(product__shop=shop, pk__in=list(by_id)).select_related("product")
    changed = set()
    for variant in variants.order_by("pk"):
        change, product = by_id[variant.pk], variant.product
        weight = change.weight_grams
        if weight and weight != (variant.weight_grams or product.weight_grams):
            if product.variants.count() == 1:
                variant.weight_grams, product.weight_grams = None, weight
                variant.save(update_fields=["weight_grams"])
                product.save(update_fields=["weight_grams", "updated_at"])
            else:
                variant.weight_grams = weight
                variant.save(update_fields=["weight_grams"])
            changed.add(product.pk)
        if change.sizes and change.sizes != (product.length_cm, product.width_cm, product.height_cm):
            product.length_cm, product.width_cm, product.height_cm = change.sizes
            product.save(update_fields=["length_cm", "width_cm", "height_cm", "updated_at"])
            changed.add(product.pk)
    return len(changed)


def set_prices_and_stock(*, shop, changes: list[VariantChange]) -> int:
    """Apply the bulk page's rows to `shop`'s variants in one transaction, all or none.

    Ids of other shops' variants are ignored: the queryset is narrowed to the shop first.
    A row's stock is written only where the vendor typed a new number (see catalog.stock.adjust),
    so saving one product's price never touches another's stock. Returns the number of rows changed.
    """
    by_id = {change.variant_id: change for change in changes}
    with transaction.atomic():
        variants = list(ProductVariant.objects.filter(product__shop=shop, pk__in=list(by_id)).order_by("pk"))
        product_ids = {v.product_id for v in variants}
        stock_module.lock_products(product_ids)
        touched = 0
        for variant in variants:
            change = by_id[variant.pk]
            if variant.price != change.price:
                variant.price = change.price
                stock_module.save_variant_details(variant, ["price"])
                touched += 1
            elif change.stock != change.stock_shown:
                touched += 1
        stock_module.adjust(
            [
                stock_module.Adjustment(v.pk, shown=by_id[v.pk].stock_shown, to=by_id[v.pk].stock)
                for v in variants
            ]
        )
        stock_module.refresh_listing(product_ids)
    storefront_changed(product_ids)
    return touched


# --- Photos ------------------------------------------------------------------------------


def add_image(*, product, upload, alt_text="") -> ProductImage:
    """Validate an uploaded photo at once; the renditions are made by a worker after commit."""
    from catalog.tasks import render_product_image

    validate_image(
        upload, max_bytes=settings.PRODUCT_IMAGE_MAX_BYTES, max_pixels=settings.PRODUCT_IMAGE_MAX_PIXELS
    )
    with transaction.atomic():
        # Locked so two uploads at once cannot both be the 8th photo, or both the primary one.
        Product.objects.select_for_update().filter(pk=product.pk).get()
        existing = ProductImage.objects.filter(product=product)
        count = existing.count()
        if count >= MAX_IMAGES_PER_PRODUCT:
            raise ValidationError(
                _("A product can have at most %(max)s photos.") % {"max": MAX_IMAGES_PER_PRODUCT},
                code="too_many_images",
            )
        image = ProductImage(product=product, position=count, is_primary=count == 0, alt_text=alt_text[:150])
        image.original.save("original", upload, save=False)
        image.save()
        enqueue_on_commit(render_product_image, image.pk)
    return image


@transaction.atomic
def delete_image(*, image):
    from catalog.images import delete_files

    was_primary, product = image.is_primary, image.product
    image.delete()
    transaction.on_commit(lambda: delete_files(image))
    if was_primary:
        successor = ProductImage.objects.filter(product=product).order_by("position", "id").first()
        if successor is not None:
            ProductImage.objects.filter(pk=successor.pk).update(is_primary=True)
    storefront_changed([product.pk])


@transaction.atomic
def make_primary(*, image):
    ProductImage.objects.filter(product_id=image.product_id, is_primary=True).update(is_primary=False)
    ProductImage.objects.filter(pk=image.pk).update(is_primary=True, position=0)
    ProductImage.objects.filter(product_id=image.product_id).exclude(pk=image.pk).update(
        position=F("position") + 1
    )
    storefront_changed([image.product_id])


def retry_image(*, image):
    from catalog.tasks import render_product_image

    ProductImage.objects.filter(pk=image.pk).exclude(status=ProductImage.Status.READY).update(
        status=ProductImage.Status.PENDING, failure_reason="", queued_at=timezone.now()
    )
    enqueue_on_commit(render_product_image, image.pk)


def requeue_stuck_images() -> int:
    """Send again every photo pending for longer than a render can take; the number sent.

    Covers a worker killed mid-render whose task the broker has not yet redelivered, and a
    broker that lost its queue (restarted without persistence). Rendering is idempotent, so
    a photo sent twice is still rendered into one set of files.
    """
    from catalog.tasks import render_product_image

    cutoff = timezone.now() - timedelta(minutes=settings.IMAGE_STUCK_MINUTES)
    with transaction.atomic():
        stuck = list(
            ProductImage.objects.filter(status=ProductImage.Status.PENDING, queued_at__lt=cutoff)
            .values_list("pk", flat=True)
            .order_by("pk")[:500]
        )
        ProductImage.objects.filter(pk__in=stuck).update(queued_at=timezone.now())
        for image_id in stuck:
            enqueue_on_commit(render_product_image, image_id)
    return len(stuck)


# --- Moderation by dinas staff ---------------------------------------------------------------


def notify_shop_owners(product, title, body=""):
    """Moderation decisions go to the shop's owners, in each one's language."""
    url = reverse("catalog:dashboard_edit", args=[product.shop.slug, product.pk])
    notifications.notify_shop(
        shop=product.shop,
        roles=notifications.OWNERS,
        title=title,
        body=body,
        url=url,
        params={"name": product.name},
    )
