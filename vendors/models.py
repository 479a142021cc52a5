from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.phones import whatsapp_link
from marketplace.storage import private_storage

# Whole rupiah; anything above is a typing mistake (an extra zero), not a real fee.
MAX_SHIPPING_FEE = 5_000_000


class CommunityQuerySet(models.QuerySet):
    def managed_by(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(managers__user=user)


class Community(models.Model):
    """A cooperative (koperasi) or a sellers' association that groups member shops."""

    class Kind(models.TextChoices):
        COOPERATIVE = "koperasi", _("Cooperative")
        ASSOCIATION = "asosiasi", _("Sellers' association")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COOPERATIVE)
    description = models.TextField(_("description"), blank=True)
    regency = models.ForeignKey(
        "marketplace.Regency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("regency or city"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vendors:community", args=[self.slug])


class ShopCategory(models.Model):
    """What a shop mainly sells (food and drink, crafts, ...): for filters and reports."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("shop category")
        verbose_name_plural = _("shop categories")

    def __str__(self):
        return self.name


class ShopQuerySet(models.QuerySet):
    def visible(self):
        """Shops buyers may see: approved ones only."""
        return self.filter(status=Shop.Status.APPROVED)

    def for_member(self, user):
        """Shops `user` works for (owner or staff): vendors.permissions.WORK for many shops at once."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        # A subquery, not a join: chained filters and counts never see a shop twice.
        return self.filter(pk__in=ShopMember.objects.filter(user=user).values("shop_id"))

    def in_communities_managed_by(self, user):
        """Member shops of the communities `user` manages."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(communities__in=Community.objects.managed_by(user)).distinct()


class Shop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting for verification")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("shop name"), max_length=80)
    slug = models.SlugField(_("shop address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    logo = models.ImageField(_("logo"), upload_to="shops/logos/", blank=True)
    banner = models.ImageField(_("banner"), upload_to="shops/banners/", blank=True)
    whatsapp = models.CharField(
        _("WhatsApp number"), max_length=16, blank=True, help_text=_("Stored as +62…")
    )
    instagram = models.CharField(_("Instagram"), max_length=30, blank=True)
    facebook = models.CharField(_("Facebook"), max_length=80, blank=True)
    categories = models.ManyToManyField(ShopCategory, blank=True, verbose_name=_("what the shop sells"))
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)

    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    district = models.ForeignKey(
        "marketplace.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shops",
        verbose_name=_("district"),
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)

    nib = models.CharField(
        _("business registration number (NIB)"),
        max_length=13,
        blank=True,
        help_text=_("Optional, 13 digits."),
    )
    identity_document = models.FileField(
        _("owner's identity card (KTP) photo"),
        upload_to="shops/identity/",
        storage=private_storage,
        blank=True,
    )
    communities = models.ManyToManyField(
        Community, blank=True, related_name="shops", verbose_name=_("communities")
    )

    pickup_enabled = models.BooleanField(_("buyers may pick up at the shop"), default=True)
    # Superseded by the shipping app's own-delivery areas (migration shipping 0004 copied it);
    # nothing reads or writes it any more, the column goes next release.
    own_delivery_fee = models.PositiveBigIntegerField(
        _("own delivery fee inside the regency (Rp)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the shop does not deliver itself."),
    )
    cod_enabled = models.BooleanField(_("accepts cash on delivery"), default=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    onboarding_step = models.PositiveSmallIntegerField(_("onboarding step reached"), default=1)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    shared_on_whatsapp_at = models.DateTimeField(_("first shared on WhatsApp"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Made by the demo seeders, which touch nothing else: a real shop is never theirs.
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    objects = ShopQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        indexes = [models.Index(fields=["status", "submitted_at"], name="shop_review_queue")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vendors:shop", args=[self.slug])

    @property
    def is_visible(self):
        return self.status == self.Status.APPROVED

    def whatsapp_chat_url(self):
        """A click-to-chat link that opens WhatsApp with a greeting already typed in."""
        if not self.whatsapp:
            return ""
        message = gettext("Hello %(shop)s, I found your shop on %(site)s and would like to ask.") % {
            "shop": self.name,
            "site": settings.SITE_NAME,
        }
        return whatsapp_link(self.whatsapp, message)

    @property
    def instagram_url(self):
        return f"https://www.instagram.com/{self.instagram}/" if self.instagram else ""

    @property
    def facebook_url(self):
        return f"https://www.facebook.com/{self.facebook}" if self.facebook else ""


class ShopMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="members", verbose_name=_("shop"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shop_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop member")
        verbose_name_plural = _("shop members")
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="one_membership_per_shop")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.shop})"

    @property
    def is_owner(self):
        return self.role == self.Role.OWNER


class ShopInvitation(models.Model):
    """An owner's invitation to a staff member, accepted through a link sent by e-mail."""

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("shop")
    )
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # Withdrawn invitations are kept: they count towards the daily limits on sending.
    cancelled_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")

    def __str__(self):
        return self.email


class ShopStatusEvent(models.Model):
    """One change of a shop's verification status: who, when, why. Never edited."""

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="status_events", verbose_name=_("shop")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Shop.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Shop.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shop status change")
        verbose_name_plural = _("shop status changes")

    def __str__(self):
        return f"{self.shop}: {self.from_status} → {self.to_status}"


class BankAccount(models.Model):
    """Where buyers transfer money for a shop's orders."""

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="bank_accounts", verbose_name=_("shop")
    )
    bank = models.CharField(_("bank"), max_length=60)
    account_number = models.CharField(_("account number"), max_length=20)
    holder_name = models.CharField(_("account holder"), max_length=100)
    # Set by dinas staff who checked the account belongs to the shop; only a verified account
    # receives payouts (docs/payments.md). Who and when are the audit trail.
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "bank", "account_number"], name="one_bank_account_per_shop"
            )
        ]

    def __str__(self):
        return f"{self.bank} {self.account_number} a.n. {self.holder_name}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class CourierRate(models.Model):
    """A shop's courier price to one destination province, by weight: superseded.

    Checkout prices couriers with the shipping app; migration shipping 0004 copied these rows
    into the shops' own tariffs. Nothing reads or writes them; the table goes next release.
    """

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="courier_rates", verbose_name=_("shop")
    )
    province = models.ForeignKey("marketplace.Province", on_delete=models.PROTECT, verbose_name=_("province"))
    first_kg_fee = models.PositiveBigIntegerField(_("first kilogram (Rp)"))
    next_kg_fee = models.PositiveBigIntegerField(_("each further kilogram (Rp)"))

    class Meta:
        ordering = ["province__name"]
        verbose_name = _("courier rate")
        verbose_name_plural = _("courier rates")
        constraints = [models.UniqueConstraint(fields=["shop", "province"], name="one_rate_per_province")]

    def __str__(self):
        return f"{self.shop} → {self.province}"

    def fee_for(self, weight_grams: int) -> int:
        """Whole kilograms, rounded up, as couriers charge; at least one."""
        kilograms = max(1, -(-weight_grams // 1000))
        return self.first_kg_fee + (kilograms - 1) * self.next_kg_fee


class CommunityManager(models.Model):
    """A user who looks after a community's members: sees their shops and figures, onboards new ones."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="managers", verbose_name=_("community")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="managed_communities",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("community manager")
        verbose_name_plural = _("community managers")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="one_manager_entry_per_community")
        ]

    def __str__(self):
        return f"{self.user} ({self.community})"
