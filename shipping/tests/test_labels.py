import re

import barcode
import pytest

from shipping.labels import LabelData, LabelItem, Party, code128_svg, render_labels

MM_PER_MODULE = 0.3
QUIET_ZONE_MM = 3.0


def modules_of(svg: str) -> str:
    """Read the bars back out of an SVG: 1 for each dark module, 0 for each light one."""
    bars = [
        (float(x), float(width))
        for x, width in re.findall(
            r'<rect x="([\d.]+)mm" y="[\d.]+mm" width="([\d.]+)mm"[^>]*fill="black"', svg
        )
    ]
    end = max(x + width for x, width in bars)
    cells = ["0"] * round((end - QUIET_ZONE_MM) / MM_PER_MODULE)
    for x, width in bars:
        start = round((x - QUIET_ZONE_MM) / MM_PER_MODULE)
        for i in range(start, start + round(width / MM_PER_MODULE)):
            cells[i] = "1"
    return "".join(cells)


def expected_modules(text: str) -> str:
    return barcode.get("code128", text).build()[0]


@pytest.fixture
def label():
    return LabelData(
        sender=Party(
            name="Dapur Bu Ani",
            phone="+6281234567890",
            address="Jl. Veteran No. 12",
            district="Purwakarta",
            regency="Kabupaten Purwakarta",
            province="Jawa Barat",
            postal_code="41111",
        ),
        recipient=Party(
            name="Budi <Santoso>",
            phone="+6281298765432",
            address="Perumahan Bida Asri Blok C2 No. 7",
            district="Batam Kota",
            regency="Kota Batam",
            province="Kepulauan Riau",
            postal_code="29432",
        ),
        courier="JNE",
        service="REG",
        receipt_number="JP1234567890",
        order_number="WO-2026-00042",
        weight_grams=1250,
        cod_amount=87000,
        items=[LabelItem("Keripik Singkong Balado 250 g", 3), LabelItem("Sambal Bawang Bu Ani", 1)],
    )


@pytest.mark.parametrize("text", ["JP1234567890", "WO-2026-00042", "000123", "sicepat-abc"])
def test_a_barcode_svg_draws_exactly_the_code_128_bars_of_its_text(text):
    svg = code128_svg(text)
    assert modules_of(svg) == expected_modules(text)
    assert f'aria-label="{text}"' in svg


def test_the_label_carries_both_barcodes_and_every_detail_a_courier_needs(label):
    html = render_labels([label])
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert [modules_of(svg) for svg in svgs] == [
        expected_modules("JP1234567890"),
        expected_modules("WO-2026-00042"),
    ]
    for text in [
        "Dapur Bu Ani",
        "+6281234567890",
        "Jl. Veteran No. 12",
        "Perumahan Bida Asri Blok C2 No. 7",
        "Batam Kota, Kota Batam, Kepulauan Riau, 29432",
        "JNE",
        "REG",
        "1,25 kg",
        "COD Rp87.000",
        "3 × Keripik Singkong Balado 250 g",
    ]:
        assert text in html


def test_the_label_page_has_no_inline_style_or_script_for_the_coming_csp(label):
    html = render_labels([label, label])
    assert "style=" not in html
    assert "<style" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/shipping/print.js" defer>']
    assert 'href="/static/shipping/label.css"' in html
    assert 'id="' not in html  # many labels on one page: no repeated ids


def test_text_from_sellers_and_buyers_is_escaped(label):
    html = render_labels([label])
    assert "Budi &lt;Santoso&gt;" in html
    assert "<Santoso>" not in html


def test_a_batch_prints_one_label_per_order(label):
    assert render_labels([label, label, label]).count('<article class="label"') == 3


def test_a_label_without_a_receipt_number_leaves_room_to_write_it(label):
    from dataclasses import replace

    html = render_labels([replace(label, receipt_number="", cod_amount=0)])
    assert len(re.findall(r"<svg", html)) == 1
    assert "Receipt no.: write it here" in html
    assert "Non-COD" in html
