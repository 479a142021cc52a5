"""benchmarks/template_engines.py compares like with like: its Jinja2 copy of the category page
renders the same HTML as the real templates, in each language."""

import pytest
from django.utils import translation

from benchmarks import template_engines


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_jinja2_copy_renders_the_same_page_as_the_real_templates(language):
    with translation.override(language):
        pages = {
            name: template_engines.comparable(render())
            for name, render in template_engines.renderers().items()
        }

    assert len(pages) == 3
    assert len(set(pages.values())) == 1, pages
    page = pages["jinja2"]
    assert "Makanan Ringan &amp; Keripik" in page  # escaped in both
    assert page.count('class="card"') == 24
    assert ("Keranjang" if language == "id" else "Cart") in page


def test_a_difference_between_the_copies_is_seen():
    page = template_engines.renderers()["jinja2"]()

    assert template_engines.comparable(page) != template_engines.comparable(
        page.replace("Keranjang", "Cart", 1)
    )
