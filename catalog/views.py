"""The storefront: home, categories, search and product pages (public, for buyers)."""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.html import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog import selectors
from catalog.forms import ListingFilterForm
from catalog.templatetags.catalog import rendition_url
from marketplace.phones import whatsapp_link
from marketplace.site import absolute_url
from vendors.views import shop_page_context

JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


# The region a buyer last filtered by, remembered for the home page's "near you" section.
REGION_COOKIE = "wilayah"


@require_GET
def home(request):
    region = selectors.chosen_region(request.COOKIES.get(REGION_COOKIE, ""))
    return render(
        request,
        "catalog/home.html",
        {
            "categories": selectors.top_categories(),
            "region": region,
            "near": selectors.products_near(region) if region else [],
            "newest": selectors.newest_products(),
            "best_sellers": selectors.best_selling_products(),
            "new_shops": selectors.new_shops(),
        },
    )


def listing_context(request, products_for):
    """Filter form, page of products and the chosen filters, shared by every listing."""
    choices = selectors.filter_choices(province=request.GET.get("province", ""))
    form = ListingFilterForm(request.GET, choices=choices)
    filters = form.filters()
    page = selectors.page_of(products_for(filters), request.GET.get("page"))
    filtering = any(request.GET.get(name) for name in form.fields)
    return {
        "filter_form": form,
        "filters": filters,
        "filtering": filtering,
        "page": page,
        "products": page.object_list,
    }


def remember_region(response, filters):
    region = filters.regency or filters.province
    if region:
        response.set_cookie(REGION_COOKIE, region, max_age=60 * 60 * 24 * 365, samesite="Lax")
    return response


@require_GET
def category(request, slug):
    category, children = selectors.category_with_children(slug)
    context = listing_context(request, lambda filters: selectors.products_in_category(category, filters))
    response = render(
        request, "catalog/category.html", {**context, "category": category, "children": children}
    )
    return remember_region(response, context["filters"])


@require_GET
def shop_page(request, slug):
    """The vendors app's shop page with the shop's products, filters and pages below it."""
    context = shop_page_context(request, slug)
    listing = listing_context(request, lambda filters: selectors.products_for_shop(context["shop"], filters))
    rating = selectors.shop_rating(context["shop"])
    return render(request, "catalog/shop.html", {**context, **listing, "shop_rating": rating})


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    context = listing_context(request, lambda filters: selectors.search_products(query, filters))
    if query and not context["page"].paginator.count:
        context["spellings"] = selectors.nearest_spellings(query)
        context["popular_categories"] = selectors.popular_categories()
    response = render(request, "catalog/search.html", {**context, "query": query})
    return remember_region(response, context["filters"])


@require_GET
def search_suggestions(request):
    names = selectors.suggestions(request.GET.get("q", "")[:100])
    response = JsonResponse({"suggestions": names})
    response["Cache-Control"] = "public, max-age=300"
    return response


def options_of(product):
    """The variants a buyer chooses between; none for a product with only its default variant."""
    variants = list(product.variants.all())
    return variants if len(variants) > 1 or any(v.name for v in variants) else []


@require_GET
def product_detail(request, shop_slug, product_slug):
    product = selectors.product_for_buyer(shop_slug=shop_slug, product_slug=product_slug)
    images = list(product.images.all())
    ready_images = [image for image in images if image.is_ready]
    primary = next((i for i in ready_images if i.is_primary), ready_images[0] if ready_images else None)
    url = absolute_url(product.get_absolute_url())
    image_url = absolute_url(rendition_url(primary, 800)) if primary else ""
    return render(
        request,
        "catalog/product.html",
        {
            "product": product,
            "shop": product.shop,
            "images": images,
            "primary": primary,
            "variants": options_of(product),
            "reviews": selectors.reviews_of(product),
            "rating": selectors.product_rating(product),
            "shop_rating": selectors.shop_rating(product.shop),
            "related": selectors.related_products(product),
            "whatsapp_url": ask_on_whatsapp_url(product, url),
            "canonical_url": url,
            "image_url": image_url,
            "structured_data": structured_data(product, url, image_url),
        },
    )


def ask_on_whatsapp_url(product, url):
    if not product.shop.whatsapp:
        return ""
    message = _("Hello %(shop)s, I would like to ask about “%(product)s”: %(url)s") % {
        "shop": product.shop.name,
        "product": product.name,
        "url": url,
    }
    return whatsapp_link(product.shop.whatsapp, message)


def structured_data(product, url, image_url):
    """schema.org Product data for search engines and link previews, safe inside <script>."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description[:500],
        "sku": product.sku or None,
        "category": product.category.name,
        "image": [image_url] if image_url else None,
        "url": url,
        "brand": {"@type": "Brand", "name": product.shop.name},
        "offers": {
            "@type": "Offer",
            "price": str(product.price),
            "priceCurrency": "IDR",
            "availability": "https://schema.org/InStock"
            if product.in_stock
            else "https://schema.org/OutOfStock",
            "itemCondition": "https://schema.org/NewCondition"
            if product.condition == product.Condition.NEW
            else "https://schema.org/UsedCondition",
            "seller": {"@type": "Organization", "name": product.shop.name},
        },
    }
    data = {key: value for key, value in data.items() if value is not None}
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES))  # noqa: S308
