"""A parcel's weight as couriers charge it.

Couriers charge the larger of the actual weight and the volumetric weight
(length × width × height in cm / 6000, in kg), in whole kilograms, rounding up only when the part
over a whole kilogram exceeds a tolerance (JNE's 0.3 kg: 1.3 kg pays 1 kg, 1.31 kg pays 2 kg).
Everything here is plain arithmetic over plain inputs; `line_for` adapts a catalogue item.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# cm³ per kg of volumetric weight, the divisor Indonesian couriers publish for parcels.
VOLUMETRIC_DIVISOR = 6000
GRAMS_PER_KG = 1000


class ParcelError(ValueError):
    """A parcel couriers cannot take or we cannot price; the message is for the seller or buyer."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParcelLine:
    weight_grams: int | None
    quantity: int = 1
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None
    name: str = ""
    unit_value: int = 0

    @property
    def volume_cm3(self) -> int:
        if not (self.length_cm and self.width_cm and self.height_cm):
            return 0
        return self.length_cm * self.width_cm * self.height_cm


@dataclass(frozen=True)
class Parcel:
    actual_grams: int
    volumetric_grams: int
    value: int = 0

    @property
    def weight_grams(self) -> int:
        """The weight before the courier's rounding: actual or volumetric, whichever is larger."""
        return max(self.actual_grams, self.volumetric_grams)

    def chargeable_kg(self, tolerance_grams: int | None = None) -> int:
        if tolerance_grams is None:
            tolerance_grams = settings.SHIPPING_WEIGHT_TOLERANCE_GRAMS
        return round_up_kg(self.weight_grams, tolerance_grams=tolerance_grams)


def volumetric_grams(volume_cm3: int) -> int:
    return math.ceil(volume_cm3 * GRAMS_PER_KG / VOLUMETRIC_DIVISOR)


def round_up_kg(grams: int, *, tolerance_grams: int) -> int:
    """Whole kilograms a courier charges for `grams`; never less than one."""
    whole, rest = divmod(grams, GRAMS_PER_KG)
    if rest > tolerance_grams:
        whole += 1
    return max(whole, 1)


def build_parcel(
    lines: Iterable[ParcelLine], *, default_weight_grams: int | None = None, max_grams: int | None = None
) -> Parcel:
    """One parcel holding every line; raises ParcelError for what a courier would refuse."""
    if max_grams is None:
        max_grams = settings.SHIPPING_MAX_PARCEL_GRAMS
    lines = list(lines)
    if not lines:
        raise ParcelError(_("The parcel is empty."))
    actual = volume = value = 0
    for line in lines:
        if line.quantity < 1:
            raise ParcelError(_("“%(name)s” has no quantity.") % {"name": line.name or "?"})
        weight = line.weight_grams or default_weight_grams
        if not weight:
            raise ParcelError(
                _("“%(name)s” has no weight: the seller must enter it before it can go by courier.")
                % {"name": line.name or "?"}
            )
        if weight > max_grams:
            raise ParcelError(_("“%(name)s” is too heavy for a courier parcel.") % {"name": line.name or "?"})
        actual += weight * line.quantity
        volume += line.volume_cm3 * line.quantity
        value += line.unit_value * line.quantity
    parcel = Parcel(actual_grams=actual, volumetric_grams=volumetric_grams(volume), value=value)
    if parcel.weight_grams > max_grams:
        raise ParcelError(
            _(
                "The parcel weighs %(kg)s kg; couriers take parcels up to %(max)s kg. Split the order or choose pick-up."
            )
            % {"kg": math.ceil(parcel.weight_grams / GRAMS_PER_KG), "max": max_grams // GRAMS_PER_KG}
        )
    return parcel


def line_for(*, product, variant=None, quantity: int = 1) -> ParcelLine:
    """A catalogue item as a parcel line: a variant's own weight wins over its product's."""
    weight = variant.weight_grams if variant is not None and variant.weight_grams else product.weight_grams
    price = variant.price if variant is not None else product.price
    return ParcelLine(
        weight_grams=weight or None,
        quantity=quantity,
        length_cm=product.length_cm,
        width_cm=product.width_cm,
        height_cm=product.height_cm,
        name=f"{product.name} – {variant.name}" if variant is not None and variant.name else product.name,
        unit_value=price,
    )
