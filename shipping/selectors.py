"""Reads about a shop's shipping that dashboards and checkout share."""

from catalog.models import Product
from shipping.models import ShopShippingProfile


def default_weight_grams(shop) -> int | None:
    """The shop's stand-in weight for products without one, if the shop set it."""
    return (
        ShopShippingProfile.objects.filter(shop=shop).values_list("default_weight_grams", flat=True).first()
    )


def products_without_weight(shop):
    """The shop's live products a courier cannot price unless the shop has a default weight."""
    return (
        Product.objects.filter(shop=shop, weight_grams=0)
        .exclude(status=Product.Status.ARCHIVED)
        .order_by("name")
    )
