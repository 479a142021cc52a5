from django import template

from catalog import expos, moderation
from catalog.models import ProductReport

register = template.Library()


@register.inclusion_tag("catalog/_running_expos.html")
def running_expos():
    """The home page's feature of the expos open today."""
    return {"expos": list(expos.running_expos()[:3])}


@register.simple_tag
def can_appeal(product):
    return moderation.can_appeal(product)


@register.simple_tag
def report_reasons():
    return ProductReport.Reason.choices
