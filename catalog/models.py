import uuid
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.storage import private_storage
from vendors.models import Shop

MAX_PRICE = 1_000_000_000_000  # Rp1.000.000.000.000: anything above is a typing mistake
MAX_IMAGES_PER_PRODUCT = 8
RENDITION_WIDTHS = (160, 400, 800, 1600)


class Category(models.Model):
    """A shallow tree: top-level categories and their sub-categories, nothing deeper."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    icon = models.CharField(_("icon"), max_length=8, blank=True, help_text=_("One emoji."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:category", args=[self.slug])


class ProductQuerySet(models.QuerySet):
    def visible(self):
        """What buyers may see: active, not taken down, in an approved shop."""
        return self.filter(
            status=Product.Status.ACTIVE,
            taken_down_at__isnull=True,
            shop__status=Shop.Status.APPROVED,
        )

    def editable_by(self, user):
        """Products of the shops `user` works for (vendors.permissions); empty for anyone else."""
        return self.filter(shop__in=Shop.objects.for_member(user))


def product_url(shop_slug, product_slug):
    """A product page's path, for a card that has its shop's slug without the shop."""
    return reverse("catalog:product", args=[shop_slug, product_slug])


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("Waiting for review")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")
        TAKEN_DOWN = "taken_down", _("Taken down")

    class Condition(models.TextChoices):
        NEW = "new", _("New")
        USED = "used", _("Used")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products", verbose_name=_("shop"))
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    # Listing figures derived from the variants (lowest price, total stock), so listings filter
    # and sort on one indexed row per product. Written only by catalog.stock, in the same
    # transaction as the variant change they follow; never by a form.
    price = models.PositiveBigIntegerField(
        _("lowest variant price (Rp)"),
        default=1,
        editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PRICE)],
    )
    stock = models.PositiveIntegerField(_("stock of all variants"), default=0, editable=False)
    sku = models.CharField(_("SKU"), max_length=40, blank=True)
    weight_grams = models.PositiveIntegerField(
        _("weight (grams)"), default=0, validators=[MaxValueValidator(1_000_000)]
    )
    # Packed size, for the volumetric weight couriers charge on light but bulky parcels.
    length_cm = models.PositiveSmallIntegerField(
        _("packed length (cm)"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    width_cm = models.PositiveSmallIntegerField(
        _("packed width (cm)"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    height_cm = models.PositiveSmallIntegerField(
        _("packed height (cm)"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    min_order_quantity = models.PositiveIntegerField(
        _("minimum order quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, default=Condition.NEW
    )
    halal_certificate = models.CharField(_("halal certificate no."), max_length=40, blank=True)
    pirt_number = models.CharField(_("PIRT no."), max_length=20, blank=True)
    # Changed only by catalog.transitions.
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    reviewed_at = models.DateTimeField(_("reviewed by dinas staff"), null=True, blank=True)
    taken_down_at = models.DateTimeField(_("taken down"), null=True, blank=True)
    takedown_reason = models.TextField(_("reason for taking down"), blank=True)
    sold_count = models.PositiveIntegerField(_("sold"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Kept up to date by catalog.services on every save (PostgreSQL only; NULL elsewhere).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["shop", "slug"], name="product_slug_unique_per_shop"),
            models.CheckConstraint(
                condition=Q(price__gte=1, price__lte=MAX_PRICE), name="product_price_in_range"
            ),
            # The take-down's date (which appeals refer to) exists exactly while it is taken down.
            models.CheckConstraint(
                condition=Q(status="taken_down", taken_down_at__isnull=False)
                | (~Q(status="taken_down") & Q(taken_down_at__isnull=True)),
                name="product_taken_down_has_a_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="product_listing"),
            models.Index(fields=["price"], name="product_price"),
            models.Index(fields=["-sold_count"], name="product_best_selling"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return product_url(self.shop.slug, self.slug)

    @property
    def is_taken_down(self):
        return self.taken_down_at is not None

    @property
    def in_stock(self):
        return self.stock > 0


class ProductStatusEvent(models.Model):
    """One change of a product's status: who, when, from, to and why. Never edited."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="status_events", verbose_name=_("product")
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Product.Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Product.Status.choices)
    actor = models.ForeignKey(
        "marketplace.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product status change")
        verbose_name_plural = _("product status changes")

    def __str__(self):
        return f"{self.product}: {self.from_status} → {self.to_status}"


class ProductVariant(models.Model):
    """What a buyer actually buys: the home of price and stock. Every product has at least one;
    a product without options has a single default variant with an empty name.

    Stock is changed only through catalog.stock.
    """

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product")
    )
    name = models.CharField(
        _("variant"), max_length=80, blank=True, help_text=_("For example “Size L / Red”.")
    )
    price = models.PositiveBigIntegerField(
        _("price (Rp)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PRICE)]
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    sku = models.CharField(_("SKU"), max_length=40, blank=True)
    weight_grams = models.PositiveIntegerField(
        _("weight (grams)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(1_000_000)],
        help_text=_("Leave empty to use the product's weight."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=1, price__lte=MAX_PRICE), name="variant_price_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.product} – {self.name}" if self.name else str(self.product)

    @property
    def full_name(self):
        """The name a buyer reads in a cart or an order: the product's, with the option if any."""
        return f"{self.product.name} ({self.name})" if self.name else self.product.name


def original_image_path(image, filename):
    """A server-chosen name: the uploader's file name never reaches storage."""
    return f"products/originals/{image.token.hex}"


class ProductImage(models.Model):
    class FailureReason(models.TextChoices):
        UNREADABLE = "unreadable", _("The photo could not be read. Upload it again as JPEG, PNG or WebP.")
        TOO_LARGE = "too_large", _("The photo is too large to process.")
        STORAGE = "storage", _("The photo could not be saved. Try uploading it again later.")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being processed")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Originals may carry GPS positions in their metadata: kept out of public media.
    original = models.FileField(
        _("original photo"), upload_to=original_image_path, storage=private_storage, max_length=200
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    alt_text = models.CharField(_("description of the photo"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_primary = models.BooleanField(_("main photo"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField(
        _("why it failed"), max_length=20, blank=True, choices=FailureReason.choices
    )
    # [{"width": 400, "height": 300, "name": "products/r/<token>/400.webp"}, ...], narrowest first.
    renditions = models.JSONField(_("renditions"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # When the render was last sent to the workers: a photo pending far longer was lost on the way.
    queued_at = models.DateTimeField(_("sent for processing"), default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=Q(is_primary=True), name="one_primary_image_per_product"
            )
        ]

    def __str__(self):
        return f"{self.product} #{self.position}"

    @property
    def is_ready(self):
        return photo_is_ready(self.status, self.renditions)

    @property
    def is_stuck(self):
        """Pending for longer than any render takes: the vendor may send it again."""
        waited = timezone.now() - self.queued_at
        return self.status == self.Status.PENDING and waited > timedelta(minutes=settings.IMAGE_STUCK_MINUTES)


def photo_is_ready(status, renditions):
    return status == ProductImage.Status.READY and bool(renditions)


class CardPhoto(NamedTuple):
    """What a product card shows of the product's main photo, read as values in the card's own
    query (`selectors.with_card_data`) rather than as a ProductImage."""

    status: str
    renditions: list
    alt_text: str

    @property
    def is_ready(self):
        return photo_is_ready(self.status, self.renditions)


class Review(models.Model):
    """A buyer's rating of a product they received; orders decides who may write one."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("product")
    )
    author = models.ForeignKey(
        "marketplace.User", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("author")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["product", "author"], name="one_review_per_product_and_author"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.product} ★{self.rating}"

    @property
    def stars(self):
        return "★" * self.rating + "☆" * (5 - self.rating)


# --- Dinas moderation: buyers' reports, take-down appeals, the moderation history ---------------


class ProductReport(models.Model):
    """A buyer's report that a product breaks the rules; moderators handle them per product."""

    class Reason(models.TextChoices):
        COUNTERFEIT = "counterfeit", _("Counterfeit or fake brand")
        PROHIBITED = "prohibited", _("Prohibited or dangerous goods")
        MISLEADING = "misleading", _("Misleading description or price")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        ACTIONED = "actioned", _("Product taken down")
        DISMISSED = "dismissed", _("Dismissed")

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reports", verbose_name=_("product")
    )
    reporter = models.ForeignKey(
        "marketplace.User",
        on_delete=models.CASCADE,
        related_name="product_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("details"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product report")
        verbose_name_plural = _("product reports")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "reporter"], condition=Q(status="open"), name="one_open_report_per_buyer"
            )
        ]
        indexes = [models.Index(fields=["status", "product"], name="product_report_queue")]

    def __str__(self):
        return f"{self.product}: {self.get_reason_display()}"


class ReportedProduct(Product):
    """The moderators' queue: products with open reports, one row per product."""

    class Meta:
        proxy = True
        verbose_name = _("reported product")
        verbose_name_plural = _("reported products")


class TakedownAppeal(models.Model):
    """A vendor's one appeal against one take-down of a product."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        ACCEPTED = "accepted", _("Accepted: product restored")
        REJECTED = "rejected", _("Rejected")

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("product")
    )
    # Which take-down is appealed: a product taken down again may be appealed again.
    taken_down_at = models.DateTimeField(_("taken down"))
    author = models.ForeignKey(
        "marketplace.User", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    text = models.TextField(_("appeal"), max_length=3000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("take-down appeal")
        verbose_name_plural = _("take-down appeals")
        constraints = [
            models.UniqueConstraint(fields=["product", "taken_down_at"], name="one_appeal_per_takedown")
        ]

    def __str__(self):
        return str(self.product)


class ModerationEvent(models.Model):
    """One moderation decision about a product or its reports: who, when, what, why. Never edited.

    Shop verification decisions stay in vendors.ShopStatusEvent; the dinas history page reads both.
    """

    class Action(models.TextChoices):
        TAKEN_DOWN = "taken_down", _("Product taken down")
        RESTORED = "restored", _("Product restored")
        REPORTS_DISMISSED = "reports_dismissed", _("Reports dismissed")
        APPEAL_ACCEPTED = "appeal_accepted", _("Appeal accepted")
        APPEAL_REJECTED = "appeal_rejected", _("Appeal rejected")

    actor = models.ForeignKey(
        "marketplace.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_events",
        verbose_name=_("product"),
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("shop")
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation event")
        verbose_name_plural = _("product decisions")

    def __str__(self):
        return f"{self.get_action_display()}: {self.product or self.shop}"


# --- Virtual expos ----------------------------------------------------------------------------


class ExpoQuerySet(models.QuerySet):
    def running(self, today):
        """Expos open to the public on `today` (a date in the site's time zone)."""
        return self.filter(starts_on__lte=today, ends_on__gte=today)


class Expo(models.Model):
    """A virtual exhibition of local businesses, public only between its dates."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    banner = models.ImageField(_("banner"), upload_to="expos/", blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    open_for_applications = models.BooleanField(_("shops may apply"), default=True)
    # Counted with one UPDATE per page view: cheap, and good enough for a report.
    visit_count = models.PositiveBigIntegerField(_("visits"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ExpoQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("virtual expo")
        verbose_name_plural = _("virtual expos")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="expo_ends_after_start"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:expo", args=[self.slug])

    def is_running(self, today):
        return self.starts_on <= today <= self.ends_on


class ExpoShop(models.Model):
    """A shop's place in an expo: added by staff, or applied for by the shop and then decided."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Taking part")
        REJECTED = "rejected", _("Not accepted")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="entries", verbose_name=_("expo"))
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="expo_entries", verbose_name=_("shop")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    note = models.TextField(_("note from the shop"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["shop__name"]
        verbose_name = _("expo participant")
        verbose_name_plural = _("expo participants")
        constraints = [models.UniqueConstraint(fields=["expo", "shop"], name="one_entry_per_expo_and_shop")]

    def __str__(self):
        return f"{self.shop} @ {self.expo}"
