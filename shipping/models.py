from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shipping.couriers import Courier, CourierService

MAX_TARIFF_PRICE = 10_000_000
MAX_DAYS = 60


class TariffQuerySet(models.QuerySet):
    def deployment_wide(self):
        return self.filter(shop__isnull=True)

    def for_shop(self, shop):
        """The tariffs a shop's parcels are priced with: its own, then the deployment's."""
        return self.filter(Q(shop__isnull=True) | Q(shop=shop))


class Tariff(models.Model):
    """One courier service's price from a regency to a regency or to a whole province.

    A parcel costs `first_kg_fee` for its first chargeable kilogram and `next_kg_fee` for
    each one after it. A regency-to-regency row beats a regency-to-province row, and a shop's
    own row beats the deployment-wide one (see shipping.rates).
    """

    shop = models.ForeignKey(
        "vendors.Shop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tariffs",
        verbose_name=_("shop"),
        help_text=_("Empty: the tariff applies to every shop of the deployment."),
    )
    origin = models.ForeignKey(
        "marketplace.Regency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from regency or city"),
    )
    destination_regency = models.ForeignKey(
        "marketplace.Regency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to regency or city"),
    )
    destination_province = models.ForeignKey(
        "marketplace.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to province"),
    )
    courier = models.CharField(_("courier"), max_length=10, choices=Courier.choices)
    service = models.CharField(_("service"), max_length=10)
    first_kg_fee = models.PositiveBigIntegerField(
        _("first kilogram (Rp)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TARIFF_PRICE)]
    )
    next_kg_fee = models.PositiveBigIntegerField(
        _("each further kilogram (Rp)"), validators=[MaxValueValidator(MAX_TARIFF_PRICE)]
    )
    min_days = models.PositiveSmallIntegerField(
        _("fastest delivery (days)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    max_days = models.PositiveSmallIntegerField(
        _("slowest delivery (days)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TariffQuerySet.as_manager()

    class Meta:
        ordering = ["origin", "courier", "service", "id"]
        verbose_name = _("courier tariff")
        verbose_name_plural = _("courier tariffs")
        constraints = [
            models.CheckConstraint(
                condition=(Q(destination_regency__isnull=False) & Q(destination_province__isnull=True))
                | (Q(destination_regency__isnull=True) & Q(destination_province__isnull=False)),
                name="tariff_one_destination",
            ),
            models.CheckConstraint(condition=Q(min_days__lte=F("max_days")), name="tariff_days_in_order"),
            models.CheckConstraint(condition=Q(first_kg_fee__gte=1), name="tariff_first_kg_not_free"),
            # NULLs are distinct in unique indexes, so each scope and destination kind gets its own.
            models.UniqueConstraint(
                fields=["origin", "destination_regency", "courier", "service"],
                condition=Q(shop__isnull=True, destination_regency__isnull=False),
                name="tariff_unique_regency_deployment",
            ),
            models.UniqueConstraint(
                fields=["origin", "destination_province", "courier", "service"],
                condition=Q(shop__isnull=True, destination_province__isnull=False),
                name="tariff_unique_province_deployment",
            ),
            models.UniqueConstraint(
                fields=["shop", "origin", "destination_regency", "courier", "service"],
                condition=Q(shop__isnull=False, destination_regency__isnull=False),
                name="tariff_unique_regency_shop",
            ),
            models.UniqueConstraint(
                fields=["shop", "origin", "destination_province", "courier", "service"],
                condition=Q(shop__isnull=False, destination_province__isnull=False),
                name="tariff_unique_province_shop",
            ),
        ]
        indexes = [models.Index(fields=["origin", "courier"], name="tariff_route")]

    def __str__(self):
        destination = self.destination_regency or self.destination_province
        return f"{self.courier.upper()} {self.service}: {self.origin} → {destination}"

    def clean(self):
        errors = {}
        if (self.destination_regency_id is None) == (self.destination_province_id is None):
            errors["destination_regency"] = _("Choose either a destination regency or a province, not both.")
        if CourierService.of(self.courier or "", self.service or "") is None:
            errors["service"] = _("This courier has no such service.")
        if self.min_days and self.max_days and self.min_days > self.max_days:
            errors["max_days"] = _("The slowest delivery cannot be faster than the fastest.")
        if errors:
            raise ValidationError(errors)

    def fee_for(self, chargeable_kg: int) -> int:
        """The route's fee for a parcel (totals with it are orders.pricing's business)."""
        return self.first_kg_fee + max(chargeable_kg - 1, 0) * self.next_kg_fee


class Provider(models.TextChoices):
    BITESHIP = "biteship", "Biteship"
    KOMERCE = "komerce", "Komerce (RajaOngkir)"


class ProviderArea(models.Model):
    """A provider's own id for one of our districts (or a whole regency), looked up once."""

    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    region_code = models.CharField(
        _("district or regency code"), max_length=8, help_text=_("For example 32.14.01 or 32.14.")
    )
    area_id = models.CharField(_("provider's area id"), max_length=64)

    class Meta:
        ordering = ["provider", "region_code"]
        verbose_name = _("provider area")
        verbose_name_plural = _("provider areas")
        constraints = [
            models.UniqueConstraint(fields=["provider", "region_code"], name="one_area_per_provider_region")
        ]

    def __str__(self):
        return f"{self.get_provider_display()} {self.region_code} = {self.area_id}"


class ShopShippingProfile(models.Model):
    """A shop's shipping defaults, kept here so the vendors app stays free of courier details."""

    shop = models.OneToOneField(
        "vendors.Shop", on_delete=models.CASCADE, related_name="shipping_profile", verbose_name=_("shop")
    )
    default_weight_grams = models.PositiveIntegerField(
        _("default weight per item (grams)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50_000)],
        help_text=_("Used for products that have no weight of their own."),
    )

    class Meta:
        verbose_name = _("shop shipping profile")
        verbose_name_plural = _("shop shipping profiles")

    def __str__(self):
        return str(self.shop)


class OwnDeliveryArea(models.Model):
    """An area a shop delivers to itself, at a fixed fee; a district row beats its regency's row."""

    shop = models.ForeignKey(
        "vendors.Shop", on_delete=models.CASCADE, related_name="own_delivery_areas", verbose_name=_("shop")
    )
    regency = models.ForeignKey(
        "marketplace.Regency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regency or city"),
    )
    district = models.ForeignKey(
        "marketplace.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    fee = models.PositiveBigIntegerField(
        _("delivery fee (Rp)"), validators=[MaxValueValidator(MAX_TARIFF_PRICE)]
    )

    class Meta:
        ordering = ["shop", "regency", "district"]
        verbose_name = _("own delivery area")
        verbose_name_plural = _("own delivery areas")
        constraints = [
            models.CheckConstraint(
                condition=(Q(regency__isnull=False) & Q(district__isnull=True))
                | (Q(regency__isnull=True) & Q(district__isnull=False)),
                name="own_delivery_one_area",
            ),
            models.UniqueConstraint(
                fields=["shop", "regency"],
                condition=Q(regency__isnull=False),
                name="own_delivery_regency_once",
            ),
            models.UniqueConstraint(
                fields=["shop", "district"],
                condition=Q(district__isnull=False),
                name="own_delivery_district_once",
            ),
        ]

    def __str__(self):
        return f"{self.shop}: {self.district or self.regency}"


class ShopCourierService(models.Model):
    """A courier service the shop offers at checkout; a row present is a service switched on."""

    shop = models.ForeignKey(
        "vendors.Shop", on_delete=models.CASCADE, related_name="courier_services", verbose_name=_("shop")
    )
    service = models.CharField(_("courier service"), max_length=20, choices=CourierService.choices)

    class Meta:
        ordering = ["shop", "service"]
        verbose_name = _("shop courier service")
        verbose_name_plural = _("shop courier services")
        constraints = [models.UniqueConstraint(fields=["shop", "service"], name="shop_courier_service_once")]

    def __str__(self):
        return f"{self.shop}: {self.get_service_display()}"


# Biteship's tracking statuses, as buyers read them; an unknown status shows as sent.
TRACKING_STATUS_LABELS = {
    "confirmed": _("Order confirmed with the courier"),
    "allocated": _("Courier assigned"),
    "picking_up": _("Courier on the way to pick up"),
    "picked": _("Picked up by the courier"),
    "dropping_off": _("On the way to the recipient"),
    "return_in_transit": _("On the way back to the sender"),
    "on_hold": _("On hold"),
    "delivered": _("Delivered"),
    "rejected": _("Refused by the recipient"),
    "courier_not_found": _("No courier found"),
    "returned": _("Returned to the sender"),
    "cancelled": _("Cancelled"),
    "disposed": _("Disposed"),
}


class TrackingEvent(models.Model):
    """One step of a parcel's journey as a tracking provider reported it.

    `fingerprint` makes a webhook delivered twice, or a history polled again, store one row.
    """

    waybill = models.CharField(_("receipt number"), max_length=40, db_index=True)
    courier = models.CharField(_("courier"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=40)
    note = models.CharField(_("note"), max_length=500, blank=True)
    happened_at = models.DateTimeField(_("happened at"))
    source = models.CharField(_("source"), max_length=20)
    fingerprint = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["waybill", "happened_at", "id"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")

    def __str__(self):
        return f"{self.waybill} {self.status} {self.happened_at:%Y-%m-%d %H:%M}"

    @property
    def status_label(self):
        return TRACKING_STATUS_LABELS.get(self.status, self.status.replace("_", " "))
