from django import template

from marketplace.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    """{{ product.price|rupiah }} -> Rp15.000; empty for a missing amount."""
    if amount is None or amount == "":
        return ""
    return format_rupiah(amount)
