"""The couriers and services a tariff or a quote may name.

Codes are the ones both rate providers use (Biteship's `courier_code`, Komerce's `code`), so a
provider's answer maps onto ours without a translation table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Courier(models.TextChoices):
    JNE = "jne", "JNE"
    JNT = "jnt", "J&T Express"
    SICEPAT = "sicepat", "SiCepat"
    POS = "pos", "POS Indonesia"
    ANTERAJA = "anteraja", "AnterAja"
    TIKI = "tiki", "TIKI"
    NINJA = "ninja", "Ninja Xpress"
    LION = "lion", "Lion Parcel"


class CourierService(models.TextChoices):
    """Every (courier, service) pair we price, written `courier:SERVICE`."""

    JNE_REG = "jne:REG", _("JNE Regular (REG)")
    JNE_YES = "jne:YES", _("JNE Next day (YES)")
    JNE_OKE = "jne:OKE", _("JNE Economy (OKE)")
    JNT_EZ = "jnt:EZ", _("J&T Express EZ")
    SICEPAT_REG = "sicepat:REG", _("SiCepat Regular (REG)")
    SICEPAT_BEST = "sicepat:BEST", _("SiCepat Next day (BEST)")
    POS_KILAT = "pos:KILAT", _("POS Kilat Khusus")
    ANTERAJA_REG = "anteraja:REG", _("AnterAja Regular")
    TIKI_REG = "tiki:REG", _("TIKI Regular (REG)")
    NINJA_STANDARD = "ninja:STANDARD", _("Ninja Xpress Standard")
    LION_REGPACK = "lion:REGPACK", _("Lion Parcel REGPACK")

    @classmethod
    def of(cls, courier: str, service: str) -> "CourierService | None":
        try:
            return cls(f"{courier.strip().lower()}:{service.strip().upper()}")
        except ValueError:
            return None

    @property
    def courier(self) -> str:
        return self.value.split(":")[0]

    @property
    def service(self) -> str:
        return self.value.split(":")[1]


def courier_code(text: str) -> str:
    """The courier code for what a seller typed or chose ("jne", "J&T Express", "SiCepat"), or ""."""
    wanted = "".join(ch for ch in (text or "").lower() if ch.isalnum())
    for courier in Courier:
        if wanted in (courier.value, "".join(ch for ch in courier.label.lower() if ch.isalnum())):
            return courier.value
    return Courier.JNT.value if wanted == "jt" else ""  # "J&T" as people write it


def courier_name(text: str) -> str:
    """A courier's display name for a code or a typed name; what was typed when we do not know it."""
    code = courier_code(text)
    return Courier(code).label if code else (text or "")
