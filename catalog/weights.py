"""A product's weight and packed size as sellers type them, and when a weight is required.

The limits of the numbers live here. Whether a shop needs a weight at all (it ships by courier
and has no default weight per item) is the shipping app's knowledge: it registers that rule
with `set_weight_rule` when it starts (shipping imports catalog, never the other way round).
Without a registered rule no weight is required.
"""

import re
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Heavier than anything a small shop sells by the piece: "1000000" is a weight typed in the
# wrong unit (kilograms for grams), not a product.
MAX_WEIGHT_GRAMS = 500_000
MAX_SIZE_CM = 500

WEIGHT_ERRORS = {
    "min_value": _("The weight must be at least 1 gram."),
    "max_value": _(
        "The weight can be at most 500,000 grams (500 kg); the weight is in grams, not kilograms."
    ),
    "invalid": _("Enter the weight as a whole number of grams, for example 250."),
}
SIZE_ERRORS = {
    "min_value": _("A size must be at least 1 cm."),
    "max_value": _("A size can be at most 500 cm."),
    "invalid": _("Enter the size as a whole number of centimetres, for example 20."),
}
WEIGHT_NEEDED = _(
    "Enter the weight in grams: couriers price the parcel by it. Or set a default weight per item "
    "in the courier settings."
)
THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
SIZES_TOGETHER = _("Give the length, width and height together, or leave all three empty.")

_weight_rule: Callable = lambda shop: False  # noqa: E731


def set_weight_rule(rule: Callable) -> None:
    """`rule(shop) -> bool`: True when the shop's products must have a weight of their own."""
    global _weight_rule
    _weight_rule = rule


def weight_required(shop) -> bool:
    return bool(shop is not None and shop.pk and _weight_rule(shop))


class WeightField(forms.IntegerField):
    """Grams; empty is 0 (no weight of its own) unless the form says a weight is required."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_WEIGHT_GRAMS)
        kwargs.setdefault("error_messages", WEIGHT_ERRORS)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric"})

    def to_python(self, value):
        # "0" is what an old form or file sends for "no weight": treated as empty, then checked.
        if isinstance(value, str) and value.strip() in ("0", ""):
            return None
        if isinstance(value, str):
            value = value.strip().lower().removesuffix("gram").removesuffix("g").strip()
            # Dots group thousands (1.250 g); a decimal point or comma means a fraction of a gram.
            if THOUSANDS.fullmatch(value):
                value = value.replace(".", "")
            elif "." in value or "," in value:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SizeField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_SIZE_CM)
        kwargs.setdefault("error_messages", SIZE_ERRORS)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric"})


def sizes_problem(length, width, height):
    given = [size is not None for size in (length, width, height)]
    return SIZES_TOGETHER if any(given) and not all(given) else None
