"""A6 shipping labels: sender, recipient, courier, receipt and order numbers as Code 128 barcodes.

`render_labels` takes plain data so the orders app can build it from an order; the page holds
no inline style or script (a Content Security Policy is coming): the barcodes are SVG with
presentation attributes, the layout lives in static/shipping/label.css.
"""

import re
from dataclasses import dataclass, field

import barcode
from barcode.writer import SVGWriter
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Narrow bar 0.3 mm, 12 mm tall: scans from a phone camera and fits 100 mm for 20 characters.
BARCODE_OPTIONS = {
    "module_width": 0.3,
    "module_height": 12.0,
    "quiet_zone": 3.0,
    "write_text": False,
    "compress": False,
}
STYLE_FILL = re.compile(r'style="fill:\s*(\w+);?"')


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str
    district: str = ""
    regency: str = ""
    province: str = ""
    postal_code: str = ""

    @property
    def area(self) -> str:
        return ", ".join(
            part for part in (self.district, self.regency, self.province, self.postal_code) if part
        )


@dataclass(frozen=True)
class LabelItem:
    name: str
    quantity: int


@dataclass(frozen=True)
class LabelData:
    sender: Party
    recipient: Party
    courier: str
    service: str
    order_number: str
    weight_grams: int
    receipt_number: str = ""
    # What the courier charges (whole kg, the larger of actual and volumetric) and its promise.
    chargeable_kg: int | None = None
    min_days: int | None = None
    max_days: int | None = None
    cod_amount: int = 0
    items: list[LabelItem] = field(default_factory=list)


def code128_svg(text: str) -> str:
    """An inline SVG Code 128 barcode of `text`, without the XML prologue or style attributes."""
    svg = barcode.get("code128", text, writer=SVGWriter()).render(BARCODE_OPTIONS).decode()
    svg = svg[svg.index("<svg") :]
    svg = STYLE_FILL.sub(r'fill="\1"', svg)
    svg = svg.replace(' id="barcode_group"', "")  # one page holds many barcodes
    return svg.replace("<svg ", f'<svg class="barcode" role="img" aria-label="{escape(text)}" ', 1)


def label_context(label: LabelData) -> dict:
    return {
        "label": label,
        "receipt_barcode": mark_safe(code128_svg(label.receipt_number)) if label.receipt_number else "",
        "order_barcode": mark_safe(code128_svg(label.order_number)),
        "weight_kg": f"{label.weight_grams / 1000:.2f}".replace(".", ",") if label.weight_grams else "",
    }


def render_labels(labels: list[LabelData], *, back_url: str = "") -> str:
    """One printable HTML page with one A6 label per parcel; `back_url` adds a way back on screen."""
    context = {"labels": [label_context(label) for label in labels], "back_url": back_url}
    return render_to_string("shipping/label.html", context)
