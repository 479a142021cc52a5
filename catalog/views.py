"""The storefront: home, categories, search and product pages (public, for buyers)."""

import json

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog import selectors
from catalog.forms import ListingFilterForm
from catalog.templatetags.catalog import rendition_url
from marketplace.pagecache import (
    CSRF_TOKEN_HOLE,
    REGION_COOKIE,
    cached_fragment,
    prefetch_fragments,
    query_keeping,
    remembered_region,
    with_csrf_token,
)
from marketplace.phones import whatsapp_link
from marketplace.site import absolute_url
from vendors.views import shop_page_context

JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def fragment(request, template, context):
    """A piece of a page rendered on its own: the request is there for its tags, but no
    context processor runs (they read the visitor: cart, notifications)."""
    return mark_safe(render_to_string(template, {**context, "request": request}))  # noqa: S308


@require_GET
def home(request):
    code = remembered_region(request)
    prefetch_fragments(request, [("home-near", (code,)), ("home-blocks", ())])
    return render(
        request,
        "catalog/home.html",
        {
            "near_block": cached_fragment(request, "home-near", (code,), lambda: near_block(request, code))
            if code
            else "",
            "home_blocks": cached_fragment(request, "home-blocks", (), lambda: home_blocks(request)),
        },
    )


def near_block(request, code):
    region = selectors.chosen_region(code)
    near = selectors.products_near(region) if region else []
    return fragment(request, "catalog/_home_near.html", {"region": region, "near": near})


def home_blocks(request):
    context = {
        "categories": selectors.top_categories(),
        "newest": selectors.newest_products(),
        "best_sellers": selectors.best_selling_products(),
        "new_shops": selectors.new_shops(),
    }
    return fragment(request, "catalog/_home_blocks.html", context)


def province_of(request):
    province = request.GET.get("province", "")
    # Any other value has no regencies: it shares the entry of no province at all.
    return province if selectors.PROVINCE_CODE.fullmatch(province) else ""


def filter_choices(request):
    province = province_of(request)
    return cached_fragment(
        request, "filter-choices", (province,), lambda: selectors.filter_choices(province=province)
    )


def listing_fragments(request, name, search=""):
    """The fragments a listing reads, to be fetched together with the page's other ones."""
    return [("listing-body", listing_parts(request, name, search))]


def listing_parts(request, name, search):
    return (*name, search, sorted(listing_query(request).lists()))


def listing_context(request, products_for, *, name, search="", more=None):
    """The listing's body (filters, count, cards, pages) and the region its filters name.

    The body depends on the listing (`name`: the view and its object) and the parameters the
    form reads, nothing else: it is one fragment shared by every visitor, whatever other
    parameters (tracking) a link carries, and the filter form is built only to render it.
    `more(page)` adds what a page shows around its cards.
    """
    query = listing_query(request)

    def body():
        form = ListingFilterForm(request.GET, choices=filter_choices(request))
        filters = form.filters()
        page = selectors.page_of(products_for(filters), request.GET.get("page"))
        context = {
            "filters": filters_block(request, form),
            "page": page,
            "products": page.object_list,
            "listing_query": query,
            "query": search,
            **(more(page) if more else {}),
        }
        return {
            "html": fragment(request, "catalog/_listing.html", context),
            "region": filters.regency or filters.province,
        }

    listing = cached_fragment(request, "listing-body", listing_parts(request, name, search), body)
    return {"region": listing["region"], "listing": listing["html"]}


def filters_block(request, form):
    """The filter form, the same for every listing and page that has the same filters: a
    category's pages, every shop's page and every search share one (the listing adds the
    search words, so a search nobody made before does not render the form again)."""
    chosen = sorted((field, request.GET.getlist(field)) for field in form.fields if field in request.GET)
    context = {"filter_form": form, "filtering": any(values[-1] for _, values in chosen)}
    return cached_fragment(
        request,
        "listing-filters",
        (chosen,),
        lambda: fragment(request, "catalog/_filters.html", context),
    )


def listing_query(request):
    """The parameters a listing reads, as the visitor sent them: its links keep only these.
    Worked out once per request: the fragment keys and the listing body both ask."""
    query = getattr(request, "_listing_query", None)
    if query is None:
        query = request._listing_query = params_a_listing_reads(request.GET)
    return query


def params_a_listing_reads(params):
    query = query_keeping(params, lambda key: key in ListingFilterForm.base_fields or key in ("q", "page"))
    if "q" in query:
        query["q"] = query["q"].strip()[:100]
    return query


def remember_region(response, region):
    # Set whenever the URL names a region, even the remembered one: the page cache stores the
    # cookie with the page and gives it to everyone who opens the same URL.
    if region:
        response.set_cookie(REGION_COOKIE, region, max_age=60 * 60 * 24 * 365, samesite="Lax")
    return response


@require_GET
def category(request, slug):
    name = ("category", slug)
    prefetch_fragments(request, [("category-heading", (slug,)), *listing_fragments(request, name)])
    shown = cached_fragment(request, "category-heading", (slug,), lambda: category_heading(request, slug))
    context = listing_context(
        request,
        lambda filters: selectors.products_in_categories(shown["ids"], filters),
        name=name,
    )
    response = render(
        request,
        "catalog/category.html",
        {**context, "category_name": shown["name"], "heading": shown["html"]},
    )
    return remember_region(response, context["region"])


def category_heading(request, slug):
    """A category's name, its heading (crumbs, title, subcategories) and the categories its
    listing shows: plain values, so a page put together from fragments renders no link and
    unpickles no model for them."""
    category, children = selectors.category_with_children(slug)
    return {
        "name": category.name,
        "html": fragment(
            request, "catalog/_category_heading.html", {"category": category, "children": children}
        ),
        "ids": [category.pk, *(child.pk for child in children)],
    }


@require_GET
def shop_page(request, slug):
    """The vendors app's shop page with the shop's products, filters and pages below it."""
    name = ("shop", slug)
    prefetch_fragments(
        request, [("shop", (slug,)), ("shop-rating", (slug,)), *listing_fragments(request, name)]
    )
    context = cached_fragment(request, "shop", (slug,), lambda: shop_page_context(request, slug))
    listing = listing_context(
        request,
        lambda filters: selectors.products_for_shop(context["shop"], filters),
        name=name,
    )
    rating = shop_rating(request, context["shop"])
    return render(request, "catalog/shop.html", {**context, **listing, "shop_rating": rating})


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:100]

    def nothing_found(page):
        if not query or page.paginator.count:
            return {}
        # Neither the words nor the categories depend on the query: shared by every search.
        known = cached_fragment(request, "vocabulary", (), selectors.vocabulary)
        return {
            "spellings": selectors.nearest_spellings(query, known),
            "popular_categories": cached_fragment(
                request, "popular-categories", (), selectors.popular_categories
            ),
        }

    prefetch_fragments(request, listing_fragments(request, ("search",), query))
    context = listing_context(
        request,
        lambda filters: selectors.search_products(query, filters),
        name=("search",),
        search=query,
        more=nothing_found,
    )
    response = render(request, "catalog/search.html", {**context, "query": query})
    return remember_region(response, context["region"])


@require_GET
def search_suggestions(request):
    names = selectors.suggestions(request.GET.get("q", "")[:100])
    response = JsonResponse({"suggestions": names})
    response["Cache-Control"] = "public, max-age=300"
    return response


def shop_rating(request, shop):
    # Over all of a shop's reviews: a new one may take FRAGMENT_CACHE_SECONDS to count here,
    # while the product's own reviews and rating are always read fresh.
    return cached_fragment(request, "shop-rating", (shop.slug,), lambda: selectors.shop_rating(shop))


def options_of(product):
    """The variants a buyer chooses between; none for a product with only its default variant."""
    variants = list(product.variants.all())
    return variants if len(variants) > 1 or any(v.name for v in variants) else []


@require_GET
def product_detail(request, shop_slug, product_slug):
    """The product page: shared by every visitor of the same audience until the storefront
    changes, with the visitor's own CSRF token put back in its forms. Nothing on it reads the
    query string, so a link with any (`?ref=wa`) shares it too."""
    audience = "member" if request.user.is_authenticated else "guest"
    parts = (shop_slug, product_slug, audience)
    page = cached_fragment(
        request, "product-page", parts, lambda: product_page(request, shop_slug, product_slug)
    )
    return render(request, "catalog/product.html", with_csrf_token(request, page))


def product_page(request, shop_slug, product_slug):
    """The product page's own parts (title, description, head, content), rendered for any
    visitor of this audience: nothing in them reads the visitor but being logged in."""
    prefetch_fragments(request, [("related", (shop_slug, product_slug)), ("shop-rating", (shop_slug,))])
    product = selectors.product_for_buyer(shop_slug=shop_slug, product_slug=product_slug)
    images = list(product.images.all())
    ready_images = [image for image in images if image.is_ready]
    primary = next((i for i in ready_images if i.is_primary), ready_images[0] if ready_images else None)
    url = absolute_url(product.get_absolute_url())
    image_url = absolute_url(rendition_url(primary, 800)) if primary else ""
    context = {
        "user": request.user,
        "csrf_token": CSRF_TOKEN_HOLE,
        "SITE_NAME": settings.SITE_NAME,
        "product": product,
        "shop": product.shop,
        "images": images,
        "primary": primary,
        "variants": options_of(product),
        "reviews": selectors.reviews_of(product),
        "rating": {"average": product.rating_average, "count": product.rating_count or 0},
        "shop_rating": shop_rating(request, product.shop),
        "related_block": cached_fragment(
            request,
            "related",
            (shop_slug, product_slug),
            lambda: fragment(
                request, "catalog/_related.html", {"related": selectors.related_products(product)}
            ),
        ),
        "whatsapp_url": ask_on_whatsapp_url(product, url),
        "canonical_url": url,
        "image_url": image_url,
        "structured_data": structured_data(product, url, image_url),
    }
    return {
        "title": product.name,
        "description": Truncator(product.description).chars(160),
        "head": fragment(request, "catalog/_product_head.html", context),
        "content": fragment(request, "catalog/_product_content.html", context),
    }


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
