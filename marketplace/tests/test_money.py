import pytest
from django.template import Context, Template

from marketplace.money import format_rupiah


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "Rp0"),
        (500, "Rp500"),
        (15000, "Rp15.000"),
        (1234567, "Rp1.234.567"),
        (1_000_000_000_000, "Rp1.000.000.000.000"),
        (-25000, "-Rp25.000"),
    ],
)
def test_format_rupiah_groups_thousands_with_dots(amount, shown):
    assert format_rupiah(amount) == shown


def test_rupiah_filter_in_a_template():
    template = Template("{% load money %}{{ price|rupiah }}|{{ missing|rupiah }}")
    assert template.render(Context({"price": 15000, "missing": None})) == "Rp15.000|"
