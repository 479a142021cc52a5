"""Reads for the storefront: every listing is built here with a fixed number of queries."""

import difflib
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Avg, Count, F, FilteredRelation, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from catalog import search
from catalog.models import CardPhoto, Category, Product, Review
from vendors.models import Community, Shop

PAGE_SIZE = 24
RANKED_CANDIDATES = 480  # 20 pages
SORTS = {
    "newest": ("-created_at", "-id"),
    "price_asc": ("price", "id"),
    "price_desc": ("-price", "-id"),
    "best_selling": ("-sold_count", "-id"),
}
WORD = re.compile(r"\w+", re.UNICODE)
PROVINCE_CODE = re.compile(r"\d{2}")


@dataclass(frozen=True)
class Filters:
    """The filters a listing accepts in its query string (already validated)."""

    min_price: int | None = None
    max_price: int | None = None
    province: str = ""
    regency: str = ""
    community: str = ""
    halal: bool = False
    in_stock: bool = False
    sort: str = ""


# What a product card (catalog.templatetags.catalog.product_card) reads; any other field would
# cost a query per card. Its shop's name, slug and regency and its main photo come as values
# (`with_card_data`).
CARD_FIELDS = ("name", "slug", "price", "stock", "sold_count", "halal_certificate")


def with_card_data(products):
    """What a product card shows, in one query whatever the number of products.

    The rating comes from subqueries in the listing's own query rather than a query per card;
    only the card's own columns are read (a description and a search vector weigh more than
    the rest of the card). The shop's name, slug and regency come as plain values
    (`shop_name`, `shop_slug`, `regency_name`): a card needs no shop, district and regency
    objects, which took a fifth of the time of reading 24 cards. The main photo comes the same
    way (`card_photo`), joined on the one image a product may mark as main: a second query for
    the photos took another fifth.
    """
    reviews = Review.objects.filter(product=OuterRef("pk")).order_by().values("product")
    return (
        products.only(*CARD_FIELDS)
        .alias(main_photo=FilteredRelation("images", condition=Q(images__is_primary=True)))
        .annotate(
            shop_name=F("shop__name"),
            shop_slug=F("shop__slug"),
            regency_name=F("shop__district__regency__name"),
            photo_status=F("main_photo__status"),
            photo_renditions=F("main_photo__renditions"),
            photo_alt_text=F("main_photo__alt_text"),
            rating_average=Subquery(reviews.annotate(average=Avg("rating")).values("average")[:1]),
            rating_count=Subquery(reviews.annotate(count=Count("id")).values("count")[:1]),
        )
    )


def card_photo(product):
    """The main photo of a product read by `with_card_data`, or None when it has none."""
    if product.photo_status is None:
        return None
    return CardPhoto(product.photo_status, product.photo_renditions, product.photo_alt_text)


def filtered(products, filters: Filters):
    if filters.min_price is not None:
        products = products.filter(price__gte=filters.min_price)
    if filters.max_price is not None:
        products = products.filter(price__lte=filters.max_price)
    if filters.regency:
        products = products.filter(shop__district__regency_id=filters.regency)
    elif filters.province:
        products = products.filter(shop__district__regency__province_id=filters.province)
    if filters.community:
        products = products.filter(shop__communities__slug=filters.community)
    if filters.halal:
        products = products.exclude(halal_certificate="")
    if filters.in_stock:
        products = products.filter(stock__gt=0)
    return products


def sorted_products(products, sort, *, default="newest"):
    return products.order_by(*SORTS.get(sort, SORTS[default]))


def visible_products():
    return Product.objects.visible()


def products_in_categories(ids, filters: Filters):
    """The products of a category and its subcategories, by their ids (the listing has them
    from its cached heading, `category_heading`)."""
    # By ids: an OR across the join to the categories would make PostgreSQL read every product,
    # where a list of ids walks the listing index.
    products = visible_products().filter(category__in=ids)
    return sorted_products(filtered(products, filters), filters.sort)


def products_for_shop(shop, filters: Filters = Filters()):
    """A shop's visible products for its page (`/toko/<shop>/`), newest first by default."""
    products = visible_products().filter(shop=shop)
    return sorted_products(filtered(products, filters), filters.sort)


def search_products(query: str, filters: Filters = Filters()):
    """Products matching `query`, typos forgiven: PostgreSQL's full-text and trigram indexes,
    or SQLite's FTS5 trigram table (catalog.search); the best matches first."""
    words = WORD.findall(query.lower())[:8]
    products = filtered(visible_products(), filters)
    if not words:
        return sorted_products(products, filters.sort)
    sort = SORTS.get(filters.sort)
    if connection.vendor == "postgresql":
        matches, ids = matching(products, words, rank=sort is None)
    else:
        matches, order = search.matching(products, words)
        ids = candidates(matches) if sort else order(matches, RANKED_CANDIDATES)
    if sort:
        return Found(ids, matches.order_by(*sort))
    return Found(ids)


def matching(products, words, *, rank=True):
    """Products with every word as a prefix in the stored vector; failing that, near spellings.

    Full-text search runs first because it is exact and cheap on its GIN index; only when it
    finds nothing are the words of product names close to each typed word looked up ("keripik"
    for "kripik"), and the names searched for them. Returns the matches and the ids of their
    candidates (see `candidates`).
    """
    exact, found = ranked_matches(products, " & ".join(f"{w}:*" for w in words), rank)
    if found:
        return exact, found
    near = near_words(words)
    if not all(near):
        return products.none(), []
    # ":A": the names' words only, as on SQLite; each typed word as a prefix or one of its near words.
    groups = [
        " | ".join([f"{word}:*A", *(f"{known}:A" for known in known_words)])
        for word, known_words in zip(words, near, strict=True)
    ]
    return ranked_matches(products, " & ".join(f"({group})" for group in groups), rank)


def ranked_matches(products, raw_tsquery, rank):
    tsquery = SearchQuery(raw_tsquery, search_type="raw", config="simple")
    matches = products.filter(search_vector=tsquery)
    return matches, candidates(matches, SearchRank(F("search_vector"), tsquery) if rank else None)


NEAR_WORDS = 3  # per typed word
NEAR_WORDS_SQL = f"""
SELECT typed.n, known.word
FROM unnest(%s::text[]) WITH ORDINALITY AS typed (word, n)
CROSS JOIN LATERAL (
    SELECT word FROM catalog_search_word
    WHERE typed.word <%% word
    ORDER BY word_similarity(typed.word, word) DESC, word
    LIMIT {NEAR_WORDS}
) AS known
"""


def near_words(words) -> list[list[str]]:
    """For each word, the few words of product names that hold most of its trigrams (pg_trgm's
    word similarity, at the connection's threshold), the closest first: one query on the
    names' words (catalog.services.SEARCH_WORDS_SQL), a few thousand rows, not 100,000 names."""
    with connection.cursor() as cursor:
        cursor.execute(NEAR_WORDS_SQL, [list(words)])
        rows = cursor.fetchall()
    near = [[] for _ in words]
    for n, word in rows:
        if WORD.fullmatch(word):  # safe in a raw tsquery, like the typed words
            near[n - 1].append(word)
    return near


def candidates(matches, relevance=None):
    """Ids of the first RANKED_CANDIDATES matches the index yields, the most relevant first
    when `relevance` is given.

    A word found in 10,000 products would cost a rank computation for each, and the count and
    the page would each find them again; the first candidates are fetched once with their rank
    instead, so the count is theirs and a page reads only its own cards. Filters narrow the
    candidates before the cut.
    """
    matches = matches.order_by()
    if relevance is None:
        return list(matches.values_list("pk", flat=True)[:RANKED_CANDIDATES])
    rows = matches.annotate(relevance=relevance).values_list("pk", "relevance")[:RANKED_CANDIDATES]
    return [pk for pk, _ in sorted(rows, key=lambda row: (-row[1], -row[0]))]


class Found:
    """Search results for the paginator: counted from the candidates' ids without a query, and
    each page reads only its own cards, in the candidates' order or, with a sort, from
    `sorted_matches`."""

    def __init__(self, ids, sorted_matches=None):
        self.ids = ids
        self.sorted_matches = sorted_matches

    def count(self):
        return len(self.ids)

    def __getitem__(self, window: slice):
        if self.sorted_matches is not None:
            return self.sorted_matches[window]
        return Cards(self.ids[window])


class Cards:
    """Products known by their ids, in that order; what their cards show is read only when they
    are iterated, so a grid whose cards are all cached reads nothing more."""

    def __init__(self, ids):
        self.ids = ids

    def __iter__(self):
        return iter(cards_in_order(self.ids))

    def __len__(self):
        return len(self.ids)


def cards_in_order(ids):
    if not ids:
        return []
    by_id = {product.pk: product for product in with_card_data(Product.objects.filter(pk__in=ids).order_by())}
    return [by_id[pk] for pk in ids if pk in by_id]


class CappedPaginator(Paginator):
    """Counts at most CAP matches: counting 100,000 rows costs more than showing 24 of them."""

    CAP = RANKED_CANDIDATES

    @cached_property
    def count(self):
        if isinstance(self.object_list, Found):
            return min(self.object_list.count(), self.CAP)
        return self.object_list.order_by().values("pk")[: self.CAP].count()

    @property
    def capped(self):
        return self.count >= self.CAP


def page_of(products, number):
    return CappedPaginator(products, PAGE_SIZE).get_page(number)


def suggestions(query: str, limit=8):
    """Names of visible products whose name has a word starting with each typed word."""
    words = WORD.findall(query.lower())[:5]
    if not words or len(query.strip()) < 2:
        return []
    products = visible_products()
    if connection.vendor == "postgresql":
        # ":*A" looks only at the name's words (weight A), through the same GIN index.
        tsquery = SearchQuery(" & ".join(f"{w}:*A" for w in words), search_type="raw", config="simple")
        products = products.filter(search_vector=tsquery)
    else:
        for word in words:
            products = products.filter(name__icontains=word)
    names = products.order_by("-sold_count", "-id").values_list("name", flat=True)[: limit * 3]
    return list(dict.fromkeys(names))[:limit]


VOCABULARY_PRODUCTS = 2000


def vocabulary():
    """Words a buyer may have meant: from category names and the best-selling products' names.

    Bounded, so a catalogue of any size costs one small query and a few thousand comparisons.
    """
    names = list(Category.objects.values_list("name", flat=True))
    names += (
        visible_products().order_by("-sold_count", "-id").values_list("name", flat=True)[:VOCABULARY_PRODUCTS]
    )
    return {word for name in names for word in WORD.findall(name.lower()) if len(word) >= 3}


def nearest_spellings(query: str, known=None, limit=3) -> list[str]:
    """Queries close to `query` spelled as the catalogue spells them ("kerpik" → "keripik").

    Each unknown word is replaced by its closest known word (from `known`, the `vocabulary()` by
    default); with one word, the few closest.
    """
    words = WORD.findall(query.lower())[:8]
    if not words:
        return []
    known = vocabulary() if known is None else known
    options = [
        [w] if w in known else difflib.get_close_matches(w, known, n=limit, cutoff=0.6) or [w] for w in words
    ]
    spellings = options[0] if len(words) == 1 else [" ".join(choice[0] for choice in options)]
    return [s for s in spellings if s != " ".join(words)][:limit]


def popular_categories(limit=6):
    """Categories with the most products buyers can see, the most first."""
    counts = (
        visible_products()
        .order_by()
        .values("category")
        .annotate(n=Count("id"))
        .order_by("-n", "category")[:limit]
    )
    ids = [row["category"] for row in counts]
    by_id = Category.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def product_for_buyer(*, shop_slug, product_slug):
    """A visible product with what its page shows, or 404 (drafts, taken down, closed shops)."""
    reviews = Review.objects.filter(product=OuterRef("pk")).order_by().values("product")
    products = (
        visible_products()
        .select_related("shop__district__regency__province", "category__parent")
        .prefetch_related("variants", "images")
        # The rating in the product's own query rather than one more (product_rating).
        .annotate(
            rating_average=Subquery(reviews.annotate(average=Avg("rating")).values("average")[:1]),
            rating_count=Subquery(reviews.annotate(count=Count("id")).values("count")[:1]),
        )
    )
    return get_object_or_404(products, shop__slug=shop_slug, slug=product_slug)


def related_products(product, limit=8):
    """The best sellers of the product's category, as `Cards`: every product of the category
    shows nearly the same few, so their cards are usually in the card cache and only their ids
    are read."""
    products = visible_products().filter(category_id=product.category_id).exclude(pk=product.pk)
    return Cards(list(products.order_by("-sold_count", "-created_at").values_list("pk", flat=True)[:limit]))


def top_categories():
    return list(Category.objects.filter(parent__isnull=True))


def category_with_children(slug):
    category = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    return category, list(category.children.all())


def newest_products(limit=12):
    return list(with_card_data(visible_products().order_by("-created_at", "-id"))[:limit])


def best_selling_products(limit=12):
    products = visible_products().filter(sold_count__gt=0).order_by("-sold_count", "-id")
    return list(with_card_data(products)[:limit])


def chosen_region(code):
    """The province ("32") or regency ("32.14") a buyer last filtered by, or None."""
    from marketplace.models import Province, Regency

    if re.fullmatch(r"\d{2}", code or ""):
        return Province.objects.filter(code=code).first()
    if re.fullmatch(r"\d{2}\.\d{2}", code or ""):
        return Regency.objects.filter(code=code).first()
    return None


def products_near(region, limit=8):
    """Visible products of shops in `region` (a Province or a Regency): "buy local" on the home page."""
    from marketplace.models import Province

    products = visible_products()
    if isinstance(region, Province):
        products = products.filter(shop__district__regency__province=region)
    else:
        products = products.filter(shop__district__regency=region)
    return list(with_card_data(products.order_by("-sold_count", "-id"))[:limit])


def new_shops(limit=8):
    return list(
        Shop.objects.visible().select_related("district__regency").order_by("-approved_at", "-id")[:limit]
    )


def filter_choices(*, province=""):
    """Provinces, the chosen province's regencies, and communities for the filter form."""
    from marketplace.models import Province, Regency

    return {
        "provinces": list(Province.objects.values_list("code", "name")),
        "regencies": list(Regency.objects.filter(province_id=province).values_list("code", "name"))
        if province
        else [],
        "communities": list(Community.objects.values_list("slug", "name")),
    }


def reviews_of(product, limit=20):
    return list(Review.objects.filter(product=product).select_related("author")[:limit])


def product_rating(product):
    """{"average": 4.5, "count": 12} of a product's reviews."""
    return Review.objects.filter(product=product).aggregate(average=Avg("rating"), count=Count("id"))


def shop_rating(shop):
    return Review.objects.filter(product__shop=shop).aggregate(average=Avg("rating"), count=Count("id"))
