from django import template

from vendors.models import Community
from vendors.selectors import status_guidance

register = template.Library()


@register.inclusion_tag("vendors/_status_banner.html")
def status_banner(shop):
    """The shop's verification status explained to its team, with the next thing to do."""
    return {"guidance": status_guidance(shop)}


@register.inclusion_tag("vendors/_managed_communities.html")
def managed_communities(user):
    """The communities `user` looks after, for a link to each one's members page."""
    return {"communities": list(Community.objects.managed_by(user).order_by("name"))}
