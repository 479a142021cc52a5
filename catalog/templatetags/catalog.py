from django import template
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog import selectors
from catalog.models import product_url
from marketplace.money import format_rupiah
from marketplace.pagecache import cached_fragments, product_version_key, shared_query

register = template.Library()
# The first row of cards loads its photos at once, the rest lazily.
EAGER_CARDS = 4


@register.simple_tag(takes_context=True)
def product_grid(context, products, eager=EAGER_CARDS):
    """A grid of product cards, each card's HTML shared by every page that shows the product;
    the first `eager` cards load their photos at once (a grid further down the page: 0).

    The cards of one grid are read from the cache in one round trip; only the missing ones are
    rendered. Given a listing's page (a query, or search results known by id), the grid reads
    what the cards show for the missing cards only: where every card is cached, that is at most
    one small query, for the page's ids. A card is stale once the storefront version or its
    product's own version moves (a completed sale, a new review), so it may outlive the listing
    bodies around it (CARD_CACHE_SECONDS): a listing nobody asked for in the last minute is
    mostly made of cards that other listings keep fresh.
    """
    ids, cards_of = card_source(products)
    if not ids:
        return format_html('<p class="empty">{}</p>', _("No products found."))
    parts = [(pk, number >= eager) for number, pk in enumerate(ids)]

    def render(missing):
        by_id = {product.pk: product for product in cards_of([pk for pk, _ in missing])}
        # A product removed since its id was read has no card.
        return {
            part: product_card(by_id[part[0]], lazy=part[1]) if part[0] in by_id else "" for part in missing
        }

    cards = cached_fragments(
        context.get("request"),
        "card",
        parts,
        render,
        own_version=lambda part: product_version_key(part[0]),
        seconds=settings.CARD_CACHE_SECONDS,
    )
    return mark_safe('<ul class="grid">' + "".join(cards[part] for part in parts) + "</ul>")  # noqa: S308


def card_source(products):
    """(the products' ids in order, a function giving the products of some of those ids with
    what their cards show)."""
    if isinstance(products, QuerySet):
        return list(products.values_list("pk", flat=True)), selectors.cards_in_order
    if isinstance(products, selectors.Cards):
        return products.ids, selectors.cards_in_order
    by_id = {product.pk: product for product in products}
    return list(by_id), lambda ids: [by_id[pk] for pk in ids]


def product_card(product, *, lazy):
    """One listing card: photo, name, price, rating, sales, shop and its regency, tags.

    Written here rather than as a template include: a listing, a home page block or a search
    renders up to 24 at once, which the template language took about 12 ms to do and this about
    5 (its output was the same, byte for byte). It reads only `selectors.CARD_FIELDS` and the
    annotations of `selectors.with_card_data`.
    """
    return format_html(
        '<li class="card">\n<a href="{}">\n{}\n<span class="card-name">{}</span></a>\n'
        '<span class="card-price">{}</span>\n<span class="card-stats">{} · {}</span>\n'
        '<span class="card-meta">{}{}</span>\n{}{}\n</li>\n',
        product_url(product.shop_slug, product.slug),
        product_picture(
            selectors.card_photo(product), lazy=lazy, link_text=product.name, css_class="card-img"
        ),
        product.name,
        format_rupiah(product.price),
        card_rating(product),
        card_sales(product),
        product.shop_name,
        format_html(" · {}", product.regency_name) if product.regency_name else "",
        format_html('<span class="tag halal">{}</span>', _("Halal")) if product.halal_certificate else "",
        format_html('<span class="tag out">{}</span>', _("Out of stock")) if not product.stock else "",
    )


def card_sales(product):
    sold = product.sold_count
    return ngettext("%(counter)s sold", "%(counter)s sold", sold) % {"counter": sold}


def card_rating(product):
    count = product.rating_count
    if not count:
        return _("No reviews yet")
    average = floatformat(product.rating_average, 1)
    text = ngettext("%(average)s (%(counter)s review)", "%(average)s (%(counter)s reviews)", count)
    # Numbers only: nothing in it for a user to have typed.
    stars = '<span class="stars" aria-hidden="true">★</span> '
    return mark_safe(stars + text % {"average": average, "counter": count})  # noqa: S308


@register.simple_tag
def product_picture(
    image, *, sizes="(min-width: 48rem) 25vw, 50vw", lazy=True, alt="", css_class="", link_text=""
):
    """A responsive <img> from the renditions, or a placeholder of the same shape until they exist.

    Inside a link that already says `link_text`, a description repeating it is left out: screen
    readers would read the product's name twice.
    """
    loading = "lazy" if lazy else "eager"
    if image is None or not image.is_ready:
        label = _("Photo is being prepared") if image is not None else _("No photo yet")
        return format_html(
            '<span class="placeholder {}" role="img" aria-label="{}"></span>', css_class, label
        )
    renditions = image.renditions
    urls = [default_storage.url(r["name"]) for r in renditions]
    srcset = ", ".join(f"{url} {r['width']}w" for url, r in zip(urls, renditions, strict=True))
    fallback = min(1, len(renditions) - 1)
    return format_html(
        '<img class="{}" src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}" decoding="async">',
        css_class,
        urls[fallback],
        srcset,
        sizes,
        renditions[fallback]["width"],
        renditions[fallback]["height"],
        alt_text(image.alt_text or alt, link_text),
        loading,
    )


def alt_text(text, link_text):
    return "" if link_text and text.strip().casefold() == link_text.strip().casefold() else text


@register.simple_tag
def rendition_url(image, width=800):
    """The URL of the rendition closest to `width` (for OpenGraph and JSON-LD)."""
    if image is None or not image.is_ready:
        return ""
    best = min(image.renditions, key=lambda r: abs(r["width"] - width))
    return default_storage.url(best["name"])


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (pagination, sorting).

    A listing gives the parameters it reads (`listing_query`); tracking parameters never follow.
    """
    params = context.get("listing_query")
    params = (params if params is not None else shared_query(context["request"].GET)).copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
