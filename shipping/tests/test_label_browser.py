"""The label as Chromium lays it out: A6 when printed, readable on a 390 px phone screen."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from shipping.labels import LabelData, LabelItem, Party, render_labels

pytestmark = pytest.mark.browser

CSS = Path(settings.BASE_DIR) / "static" / "shipping" / "label.css"
MM = 96 / 25.4  # CSS pixels per millimetre


def labels(count=2):
    return render_labels(
        [
            LabelData(
                sender=Party(
                    "Dapur Bu Ani",
                    "+6281234567890",
                    "Jl. Veteran No. 12",
                    "Purwakarta",
                    "Kabupaten Purwakarta",
                    "Jawa Barat",
                    "41111",
                ),
                recipient=Party(
                    "Budi Santoso",
                    "+6281298765432",
                    "Perumahan Bida Asri Blok C2 No. 7",
                    "Batam Kota",
                    "Kota Batam",
                    "Kepulauan Riau",
                    "29432",
                ),
                courier="JNE",
                service="REG",
                receipt_number=f"JP12345678{n:02d}",
                order_number=f"WO-2026-000{n:02d}",
                weight_grams=1250,
                cod_amount=87000 if n % 2 else 0,
                items=[LabelItem("Keripik Singkong Balado 250 g", 3), LabelItem("Sambal Bawang Bu Ani", 1)],
            )
            for n in range(1, count + 1)
        ]
    )


def open_labels(page, html):
    # No view serves labels yet (the orders list will): load the page and its stylesheet directly.
    page.set_content(html.replace('<link rel="stylesheet" href="/static/shipping/label.css">', ""))
    page.add_style_tag(path=str(CSS))


def test_a_printed_label_is_an_a6_page_with_readable_barcodes(page, screenshot):
    open_labels(page, labels())
    page.emulate_media(media="print")
    box = page.locator("article.label").first.bounding_box()
    assert abs(box["width"] - 105 * MM) < 2 and abs(box["height"] - 148 * MM) < 2
    barcodes = page.locator("article.label").first.locator("svg.barcode")
    assert barcodes.count() == 2
    for i in range(2):
        bar = barcodes.nth(i).bounding_box()
        assert bar["width"] > 30 * MM and bar["width"] <= 97 * MM  # inside the label's padding
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2  # one page per label
    width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert abs(width - 105 / 25.4 * 72) < 2 and abs(height - 148 / 25.4 * 72) < 2  # A6 in points


def test_labels_fit_a_phone_screen_before_printing(page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    open_labels(page, labels())
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390
    assert page.locator("article.label").count() == 2
    assert page.get_by_text("COD Rp87.000").is_visible()
    screenshot("shipping-labels-phone")
