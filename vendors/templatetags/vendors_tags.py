from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

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


# The dashboard's sections, by group: (URL name, label, owner only). Other apps serve some of
# these pages; they are named here by URL, so this app imports nothing of theirs.
DASHBOARD_MENU = [
    (
        _("Shop"),
        [
            ("vendors:dashboard", _("Overview"), False),
            ("vendors:settings", _("Shop profile"), False),
            ("vendors:shipping", _("Shipping"), False),
            ("shipping:couriers", _("Couriers"), False),
            ("vendors:bank_accounts", _("Bank accounts"), True),
            ("vendors:members", _("Staff"), True),
            ("catalog:dashboard_expos", _("Expo applications"), False),
        ],
    ),
    (
        _("Products"),
        [
            ("catalog:dashboard_products", _("Products"), False),
            ("catalog:dashboard_create", _("Add a product"), False),
            ("catalog:dashboard_bulk", _("Stock and prices"), False),
            ("catalog:dashboard_import", _("Import CSV"), False),
        ],
    ),
    (
        _("Orders"),
        [
            ("orders:shop_orders", _("Orders by status"), False),
            ("payments:shop_complaints", _("Complaints"), False),
        ],
    ),
    (_("Money"), [("payments:balance", _("Balance and payouts"), False)]),
]


@register.inclusion_tag("vendors/_dashboard_menu.html", takes_context=True)
def dashboard_menu(context):
    """Every dashboard section, one tap away from every dashboard page."""
    request = context["request"]
    shop = request.shop
    groups = []
    for title, entries in DASHBOARD_MENU:
        links = []
        for name, label, owner_only in entries:
            if owner_only and not request.is_shop_owner:
                continue
            try:
                url = reverse(name, args=[shop.slug])
            except NoReverseMatch:
                continue
            links.append({"url": url, "label": label, "current": url == request.path})
        groups.append({"title": title, "links": links})
    return {"shop": shop, "groups": groups}
