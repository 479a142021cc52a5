from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager):
    """Users log in with their e-mail address; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    whatsapp = models.CharField(_("WhatsApp number"), max_length=20, blank=True)
    # The language of the switch, remembered so that e-mails and notifications sent later,
    # when this user is not the one making the request, still reach them in it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Name, e-mail, password (the sessions it lets in), activity and language all show in
        # or decide the header kept for this user's pages.
        from marketplace.pagecache import visitor_changed

        visitor_changed(user_id=self.pk)

    def delete(self, *args, **kwargs):
        from marketplace.pagecache import visitor_changed

        visitor_changed(user_id=self.pk)
        return super().delete(*args, **kwargs)

    def get_full_name(self):
        return self.full_name.strip() or super().get_full_name()

    @property
    def public_name(self):
        """How a review is signed: the first name and the last name's initial, like "Sari P."."""
        words = self.get_full_name().split()
        if len(words) < 2:
            return words[0] if words else ""
        return f"{words[0]} {words[-1][0]}."


class Province(models.Model):
    """An Indonesian province, keyed by its Kemendagri code (e.g. "32")."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Regency(models.Model):
    """A kabupaten (regency) or kota (city), keyed by its code (e.g. "32.14")."""

    class Kind(models.TextChoices):
        REGENCY = "kabupaten", _("Regency")
        CITY = "kota", _("City")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regencies", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")

    def __str__(self):
        return self.name


class District(models.Model):
    """A kecamatan, keyed by its code (e.g. "32.14.01")."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="districts", verbose_name=_("regency or city")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class Notification(models.Model):
    """One message to one user: shown in the in-app inbox and sent by e-mail.

    The row is written in the same transaction as the change it reports, so it survives a
    broker outage; `emailed_at` makes the e-mail go out once, however often the task runs.
    """

    user = models.ForeignKey(
        "marketplace.User", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["emailed_at", "created_at"], name="notification_unsent"),
        ]

    def __str__(self):
        return self.title
