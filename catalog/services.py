"""Writes for the catalogue: products, variants, photos, moderation, search vectors."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Min, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import MAX_IMAGES_PER_PRODUCT, ModerationEvent, Product, ProductImage, ProductReport
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


def refresh_search_vectors(*, product_ids=None, shop_id=None):
    """Rebuild stored search vectors: of some products, of one shop's, or of all (None)."""
    if connection.vendor != "postgresql":
        return
    sql, params = SEARCH_VECTOR_SQL, []
    if product_ids is not None:
        sql += " AND p.id = ANY(%s)"
        params.append(list(product_ids))
    if shop_id is not None:
        sql += " AND p.shop_id = %s"
        params.append(shop_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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
    """Fill what the vendor does not choose: the slug and the status the review rule allows."""
    if not product.slug:
        product.slug = unique_product_slug(shop=product.shop, name=product.name, exclude_pk=product.pk)
    product.status = status_after_review_rule(product, product.status)


@transaction.atomic
def create_product(*, shop, **fields) -> Product:
    """A product from plain values (CSV import, demo data); validated like the dashboard form."""
    product = Product(shop=shop, **fields)
    product.name = product.name.strip()
    prepare(product)
    product.full_clean()
    product.save()
    refresh_search_vectors(product_ids=[product.pk])
    storefront_changed()
    return product


@transaction.atomic
def save_product_form(*, form, variant_formset=None, photos=()) -> Product:
    """Save a validated product form, its variants and new photos together: all or nothing."""
    product = form.save(commit=False)
    prepare(product)
    product.save()
    if variant_formset is not None:
        variant_formset.instance = product
        variant_formset.save()
        follow_variants(product=product)
    for upload in photos:
        add_image(product=product, upload=upload)
    refresh_search_vectors(product_ids=[product.pk])
    storefront_changed()
    return product


def follow_variants(*, product):
    """With variants, the product's price is the lowest variant price and its stock their sum.

    Listings, filters and sorting then read one row per product, whatever the variants.
    """
    figures = product.variants.aggregate(price=Min("price"), stock=Sum("stock"))
    if figures["price"] is not None:
        Product.objects.filter(pk=product.pk).update(price=figures["price"], stock=figures["stock"])
        product.price, product.stock = figures["price"], figures["stock"]


@transaction.atomic
def archive_product(*, product) -> Product:
    Product.objects.filter(pk=product.pk).update(status=Status.ARCHIVED, updated_at=timezone.now())
    product.refresh_from_db()
    storefront_changed()
    return product


def set_price_and_stock(*, shop, changes) -> int:
    """Apply {product_id: (price, stock)} to `shop`'s products in one transaction.

    Ids of other shops' products are ignored: the queryset is narrowed to the shop first.
    """
    with transaction.atomic():
        products = Product.objects.select_for_update().filter(shop=shop, pk__in=list(changes)).order_by("pk")
        updated = []
        for product in products:
            product.price, product.stock = changes[product.pk]
            product.full_clean(exclude=["shop", "category", "slug"], validate_constraints=False)
            updated.append(product)
        Product.objects.bulk_update(updated, ["price", "stock"])
    storefront_changed()
    return len(updated)


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
    storefront_changed()


@transaction.atomic
def make_primary(*, image):
    ProductImage.objects.filter(product_id=image.product_id, is_primary=True).update(is_primary=False)
    ProductImage.objects.filter(pk=image.pk).update(is_primary=True, position=0)
    ProductImage.objects.filter(product_id=image.product_id).exclude(pk=image.pk).update(
        position=F("position") + 1
    )
    storefront_changed()


def retry_image(*, image):
    from catalog.tasks import render_product_image

    ProductImage.objects.filter(pk=image.pk).update(status=ProductImage.Status.PENDING, failure_reason="")
    enqueue_on_commit(render_product_image, image.pk)


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


@transaction.atomic
def take_down(*, product, actor, reason) -> Product:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason; the vendor will read it."), code="reason_required")
    now = timezone.now()
    Product.objects.filter(pk=product.pk).update(taken_down_at=now, takedown_reason=reason)
    product.refresh_from_db()
    # Whichever admin page took it down: the buyers' reports are answered and the decision logged.
    ProductReport.objects.filter(product=product, status=ProductReport.Status.OPEN).update(
        status=ProductReport.Status.ACTIONED, resolved_at=now
    )
    ModerationEvent.objects.create(
        actor=actor,
        action=ModerationEvent.Action.TAKEN_DOWN,
        product=product,
        shop_id=product.shop_id,
        reason=reason,
    )
    notify_shop_owners(product, gettext_lazy("Your product “%(name)s” was taken down"), reason)
    storefront_changed()
    return product


@transaction.atomic
def restore(*, product, actor) -> Product:
    Product.objects.filter(pk=product.pk).update(taken_down_at=None, takedown_reason="")
    product.refresh_from_db()
    ModerationEvent.objects.create(
        actor=actor, action=ModerationEvent.Action.RESTORED, product=product, shop_id=product.shop_id
    )
    notify_shop_owners(product, gettext_lazy("Your product “%(name)s” is visible again"))
    storefront_changed()
    return product


@transaction.atomic
def approve_review(*, product, actor) -> Product:
    """Dinas staff let a product waiting for review go live."""
    now = timezone.now()
    status = Status.ACTIVE if product.status == Status.IN_REVIEW else product.status
    Product.objects.filter(pk=product.pk).update(reviewed_at=now, status=status)
    product.refresh_from_db()
    if status == Status.ACTIVE:
        notify_shop_owners(product, gettext_lazy("Your product “%(name)s” is approved and visible"))
    storefront_changed()
    return product
