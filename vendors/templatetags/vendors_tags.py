from django import template

from vendors.selectors import status_guidance

register = template.Library()


@register.inclusion_tag("vendors/_status_banner.html")
def status_banner(shop):
    """The shop's verification status explained to its team, with the next thing to do."""
    return {"guidance": status_guidance(shop)}
