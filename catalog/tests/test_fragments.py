"""Shared storefront fragments (cards, listing bodies, home blocks) for every visitor.

A logged-in buyer with a cart gets the same pages as before, put together from fragments that
the writes of the catalogue replace at once; links that differ only in tracking parameters, or
visitors who remembered a region, share cached pages.
"""

import contextlib
import pickle
import re
import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog import selectors, services, stock
from catalog.models import Category, Review
from catalog.tests.factories import make_product
from catalog.tests.test_storefront import add_ready_image
from conftest import make_user, without_tokens
from marketplace.pagecache import CSRF_TOKEN_HOLE, shared_query_string, storefront_changed
from orders import transitions
from orders.models import OrderStatus
from orders.services import review_product
from orders.tests.factories import buy, cart_with
from vendors.services import update_profile

pytestmark = pytest.mark.django_db

SHOP_URL = "/toko/dapur-bu-ani/"


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.FRAGMENT_CACHE_SECONDS = 60


@pytest.fixture
def catalogue(shop_a, shop_b):
    snacks = Category.objects.get(slug="makanan-ringan")
    products = [make_product(shop_a, name=f"Keripik Singkong {n}", category=snacks) for n in range(30)]
    products.append(make_product(shop_b, name="Kue Bingke Batam", category=snacks))
    return products


@pytest.fixture
def buyer_with_a_cart(client, buyer, password, shop_b):
    cart_with(buyer, (make_product(shop_b, name="Batik Tulis Batam", price=250_000), 1))
    client.login(email=buyer.email, password=password)
    return client


def listing_urls(catalogue):
    product = catalogue[0]
    return [
        "/",
        "/kategori/makanan-ringan/",
        "/kategori/makanan-minuman/?page=2&sort=price_asc",
        "/cari/?q=keripik&province=32",
        "/cari/?q=qqqzzz",
        SHOP_URL,
        product.get_absolute_url(),
    ]


# --- What a buyer sees ----------------------------------------------------------------------


def test_pages_are_the_same_with_and_without_the_fragments(buyer_with_a_cart, catalogue, settings):
    for url in listing_urls(catalogue):
        settings.FRAGMENT_CACHE_SECONDS = 0
        plain = buyer_with_a_cart.get(url)
        settings.FRAGMENT_CACHE_SECONDS = 60
        stored = buyer_with_a_cart.get(url)
        replayed = buyer_with_a_cart.get(url)

        assert plain.status_code == 200, url
        assert without_tokens(stored.text) == without_tokens(plain.text), url
        assert without_tokens(replayed.text) == without_tokens(plain.text), url


def test_a_logged_in_buyer_gets_the_listing_from_the_fragments(
    buyer_with_a_cart, catalogue, django_assert_max_num_queries
):
    buyer_with_a_cart.get("/kategori/makanan-ringan/")

    with django_assert_max_num_queries(6) as queries:
        page = buyer_with_a_cart.get("/kategori/makanan-ringan/")

    assert "Keripik Singkong" in page.text
    assert 'id="cart-count"' in page.text  # the buyer's own part is still theirs
    assert not [q for q in queries.captured_queries if "catalog_product" in q["sql"]]


def test_no_fragment_holds_anything_of_the_visitor_who_built_it(buyer_with_a_cart, catalogue, buyer):
    for url in listing_urls(catalogue):
        buyer_with_a_cart.get(url)

    cache = caches["default"]
    stored = [pickle.loads(value) for key, value in cache._cache.items() if ":fragment:" in key]
    text = repr(stored)
    assert len(stored) > 10
    for private in (buyer.email, "cart-count", "Keluar"):
        assert private not in text
    # Forms keep a hole where each visitor's own CSRF token goes.
    assert set(re.findall(r'csrfmiddlewaretoken" value="([^"]*)"', text)) <= {CSRF_TOKEN_HOLE}


@contextlib.contextmanager
def cache_reads():
    """The keys of each cache read, one list per round trip (a get_many is one, even where the
    local-memory cache reads its keys one by one inside it)."""
    cache, reads, inside = caches["default"], [], []
    get, get_many = cache.get, cache.get_many

    def read_one(key, *args, **kwargs):
        if not inside:
            reads.append([key])
        return get(key, *args, **kwargs)

    def read_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside.append(keys)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    with mock.patch.object(cache, "get", read_one), mock.patch.object(cache, "get_many", read_many):
        yield reads


def test_a_page_put_together_from_fragments_reads_the_cache_once(client, catalogue):
    """The storefront version comes in the same round trip as the page's fragments."""
    for url in listing_urls(catalogue):
        client.get(url)
        with cache_reads() as reads:
            assert client.get(url).status_code == 200

        assert len(reads) == 1, (url, reads)
        assert "storefront:version" in reads[0], url


def card_queries(queries):
    return [q["sql"] for q in queries.captured_queries if "catalog_productimage" in q["sql"]]


@pytest.mark.parametrize("listing", ["/kategori/makanan-ringan/?", "/cari/?q=keripik&"])
def test_a_listing_whose_cards_are_cached_reads_only_its_products_ids(client, catalogue, listing):
    client.get(listing)  # every card of the first page is cached

    # Another listing body (one more filter) with the same products in the same places.
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{listing}in_stock=on")

    assert page.text.count('class="card"') == 24
    assert not card_queries(queries)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{listing}page=2")  # cards not seen yet

    [cards_read] = card_queries(queries)
    assert "photo_renditions" in cards_read  # the photos come with the cards, not on their own


def test_product_pages_of_one_category_share_their_related_cards(client, catalogue):
    # Neither is among the category's best sellers: both pages show the same eight.
    first, second = catalogue[0], catalogue[1]
    for product in catalogue[-8:]:
        add_ready_image(product)
    client.get(first.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        page = client.get(second.get_absolute_url())

    related = page.text.split("Produk terkait", 1)[1]
    assert related.count('class="card"') == 8
    assert catalogue[-1].name in related
    assert related.count('loading="lazy"') == related.count("<img") == 8  # below the product: all lazy
    assert len(card_queries(queries)) == 1  # the product's own photos; none for its related cards


def templates_of(response):
    return [template.name for template in response.templates]


def test_listings_with_the_same_filters_share_one_filter_form(client, catalogue):
    client.get("/kategori/makanan-ringan/")

    # Another category, another page, a shop, a search: new listing bodies, the same filter form.
    for url in [
        "/kategori/makanan-minuman/",
        "/kategori/makanan-ringan/?page=2",
        SHOP_URL,
        "/cari/?q=keripik",
    ]:
        page = client.get(url)
        assert "catalog/_listing.html" in templates_of(page), url
        assert "catalog/_filters.html" not in templates_of(page), url
        assert '<details class="filters">' in page.text
        assert 'name="min_price"' in page.text

    # Other filters: a form of their own, showing what was chosen.
    filtered = client.get("/kategori/makanan-ringan/?province=32&sort=price_asc")
    assert "catalog/_filters.html" in templates_of(filtered)
    assert '<details class="filters" open>' in filtered.text
    assert '<option value="32" selected>' in filtered.text
    assert '<option value="price_asc" selected>' in filtered.text


def test_a_search_shares_the_filter_form_and_sends_its_own_words_with_it(client, catalogue):
    client.get("/cari/?q=keripik&province=32")

    searched = client.get("/cari/?q=%22%3E%3Cb%3Ebakso&province=32")

    assert "catalog/_filters.html" not in templates_of(searched)
    assert '<option value="32" selected>' in searched.text
    assert 'value="keripik"' not in searched.text  # the first search's words stay with it
    # Outside the stored form, joined to it by its id: escaped like any text a visitor typed.
    assert '<form method="get" class="filter-form" id="listing-filters">' in searched.text
    assert (
        '<input type="hidden" name="q" value="&quot;&gt;&lt;b&gt;bakso" form="listing-filters">'
        in searched.text
    )


def test_a_categorys_new_listing_body_takes_its_subcategories_from_the_cache(client, catalogue):
    client.get("/kategori/makanan-minuman/")

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/kategori/makanan-minuman/?sort=price_asc")

    assert page.text.count('class="card"') == 24  # the products of its subcategory "makanan-ringan"
    assert not [q["sql"] for q in queries.captured_queries if 'FROM "catalog_category"' in q["sql"]]


def test_a_product_taken_away_between_a_listings_ids_and_its_cards_leaves_no_gap(client, catalogue):
    gone = catalogue[-1]  # the newest: first on the page
    taken = []

    def take_it_away_after_the_ids(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not taken and sql.startswith('SELECT "catalog_product"."id" AS "pk"') and "ORDER BY" in sql:
            taken.append(sql)
            type(gone).objects.filter(pk=gone.pk).delete()
        return result

    with connection.execute_wrapper(take_it_away_after_the_ids):
        page = client.get("/kategori/makanan-ringan/")

    assert taken
    assert page.status_code == 200
    assert page.text.count('class="card"') == 23
    assert gone.name not in page.text


@pytest.mark.parametrize("audience", ["anonymous", "buyer with a cart"])
def test_every_storefront_page_runs_at_most_10_queries(
    audience, request, client, catalogue, settings, django_assert_max_num_queries
):
    visitor = request.getfixturevalue("buyer_with_a_cart") if audience != "anonymous" else client
    for url in listing_urls(catalogue):
        if audience == "anonymous":
            settings.FRAGMENT_CACHE_SECONDS = 0
            with django_assert_max_num_queries(10, info=url):
                assert visitor.get(url).status_code == 200
            settings.FRAGMENT_CACHE_SECONDS = 60
        visitor.get(url)
        # The shared parts come from the fragments; what is left is the visitor's own (session,
        # account, cart, notifications) and, on a product page, its stock and reviews.
        with django_assert_max_num_queries(10, info=url):
            assert visitor.get(url).status_code == 200


def test_a_price_name_or_sell_out_shows_at_once_on_a_logged_in_buyers_pages(
    buyer_with_a_cart, catalogue, django_capture_on_commit_callbacks
):
    product = catalogue[-1]
    urls = ["/", "/kategori/makanan-ringan/", "/cari/?q=bingke", "/toko/batik-pak-bayu/"]
    for url in urls:
        buyer_with_a_cart.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        variant = product.variants.get()
        change = services.VariantChange(variant.pk, price=18_500, stock=0, stock_shown=variant.stock)
        services.set_prices_and_stock(shop=product.shop, changes=[change])
    with django_capture_on_commit_callbacks(execute=True):
        services.save_product_form(form=renamed(product, "Kue Bingke Pandan"))

    for url in urls:
        page = buyer_with_a_cart.get(url).text
        assert "Kue Bingke Pandan" in page, url
        assert "Rp18.500" in page, url
        assert 'class="tag out"' in page, url


def renamed(product, name):
    from catalog.forms import ProductForm

    data = {field: getattr(product, field) for field in ProductForm.Meta.fields}
    # A weight is required now; the factory's products have none.
    weight = product.weight_grams or 250
    form = ProductForm(
        {**data, "name": name, "category": product.category_id, "weight_grams": weight}, instance=product
    )
    assert form.is_valid(), form.errors
    return form


def test_a_product_page_follows_the_page_cache_rule_for_stock(
    buyer_with_a_cart, catalogue, django_capture_on_commit_callbacks
):
    """As a stored page: a sale shows when the fragment expires, a sell-out at once (the cart and
    the checkout always read the database)."""
    product = catalogue[0]
    variant = product.variants.get()
    assert "Stok: 10" in buyer_with_a_cart.get(product.get_absolute_url()).text

    stock.take([stock.Units(variant_id=variant.pk, quantity=3)])
    assert "Stok: 10" in buyer_with_a_cart.get(product.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        stock.take([stock.Units(variant_id=variant.pk, quantity=7)])
    page = buyer_with_a_cart.get(product.get_absolute_url()).text
    assert "Stok habis" in page
    assert 'button type="submit" disabled' in page


def test_a_new_review_shows_on_the_product_page_when_its_fragment_expires(
    buyer_with_a_cart, catalogue, buyer
):
    product = catalogue[0]
    buyer_with_a_cart.get(product.get_absolute_url())

    Review.objects.create(product=product, author=buyer, rating=4, text="Renyah, pedasnya pas.")
    caches["default"].clear()  # what FRAGMENT_CACHE_SECONDS does
    page = buyer_with_a_cart.get(product.get_absolute_url()).text

    assert "Renyah, pedasnya pas." in page
    assert '<p class="rating"><span class="stars" aria-hidden="true">★</span> 4,0' in page


def csrf_tokens(page):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)


def test_a_shared_product_page_gives_each_visitor_their_own_working_csrf_token(
    catalogue, django_assert_num_queries
):
    product = catalogue[0]
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_tokens = csrf_tokens(first.get(product.get_absolute_url()))
    with django_assert_num_queries(0):  # the page the first visit stored
        page = second.get(product.get_absolute_url())
    second_tokens = csrf_tokens(page)

    assert first_tokens and second_tokens
    assert CSRF_TOKEN_HOLE not in page.text
    assert not set(first_tokens) & set(second_tokens)
    added = second.post(
        "/keranjang/tambah/",
        {"csrfmiddlewaretoken": second_tokens[0], "product": product.pk, "quantity": 1},
    )
    assert added.status_code == 302
    assert "Keripik Singkong 0" in second.get("/keranjang/").text


def test_each_first_visit_gets_a_secret_of_its_own_as_its_cookie_and_tokens_that_mask_it(catalogue):
    """Visitors without a CSRF cookie (a link opened from a chat) get a new secret, drawn as
    Django draws one: 32 characters of its alphabet, each visitor's different."""
    url = catalogue[0].get_absolute_url()
    secrets = set()
    for _ in range(20):
        client = Client(enforce_csrf_checks=True)
        tokens = csrf_tokens(client.get(url))
        secret = client.cookies[settings.CSRF_COOKIE_NAME].value
        assert len(secret) == CSRF_SECRET_LENGTH and set(secret) <= set(CSRF_ALLOWED_CHARS)
        assert tokens and all(_unmask_cipher_token(token) == secret for token in tokens)
        secrets.add(secret)
    assert len(secrets) == 20


def test_text_spelling_the_csrf_hole_never_receives_a_token(shop_a):
    product = make_product(
        shop_a,
        name=f"Kue {CSRF_TOKEN_HOLE}",
        description=f'name="csrfmiddlewaretoken" value="{CSRF_TOKEN_HOLE}" {CSRF_TOKEN_HOLE}',
    )
    first, second = Client(), Client()
    first_tokens = csrf_tokens(first.get(product.get_absolute_url()))
    page = second.get(product.get_absolute_url())

    assert not [token for token in first_tokens if token in page.text]
    assert page.text.count(CSRF_TOKEN_HOLE) >= 3  # the name and description as typed, escaped
    assert set(csrf_tokens(page)) - {CSRF_TOKEN_HOLE}


def test_a_product_page_shows_the_report_form_to_members_only(buyer_with_a_cart, catalogue):
    product = catalogue[0]
    assert "Masuk untuk melaporkan" in Client().get(product.get_absolute_url()).text

    page = buyer_with_a_cart.get(product.get_absolute_url()).text

    assert 'name="reason"' in page
    assert "Masuk untuk melaporkan" not in page


def card_of(page, name):
    """The listing card of the product called `name` on `page`."""
    cards = re.findall(r'<li class="card">.*?</li>', page, re.S)
    [card] = [card for card in cards if f'<span class="card-name">{name}</span>' in card]
    return card


def shipped(buyer, product, quantity):
    order = buy(buyer, (product, quantity)).orders.get()
    type(order).objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED)
    return order


@pytest.mark.parametrize("audience", ["anonymous", "another logged-in buyer"])
def test_a_completed_sale_and_a_new_review_show_at_once_on_the_products_cards(
    client, catalogue, buyer, django_capture_on_commit_callbacks, audience
):
    if audience != "anonymous":
        client.force_login(make_user("sari@example.com"))
    product = catalogue[-1]
    assert "0 terjual" in card_of(client.get("/kategori/makanan-ringan/").text, product.name)
    order = shipped(buyer, product, 2)

    with django_capture_on_commit_callbacks(execute=True):
        transitions.confirm_receipt(order=order, buyer=buyer)
    # Listing bodies nobody asked for yet, made of cards: the other cards come from the cache.
    with CaptureQueriesContext(connection) as queries:
        sold = card_of(client.get("/kategori/makanan-ringan/?in_stock=on").text, product.name)
    [cards_read] = card_queries(queries)  # read now: the next request empties the log
    with django_capture_on_commit_callbacks(execute=True):
        review_product(buyer=buyer, product_id=product.pk, rating=4)
    rated = card_of(client.get("/kategori/makanan-ringan/?sort=newest").text, product.name)

    assert "2 terjual" in sold
    assert f"IN ({product.pk})" in cards_read  # its card alone was rendered again
    assert '<span class="stars" aria-hidden="true">★</span> 4,0 (1 ulasan) · 2 terjual' in rated


def test_a_card_rendered_from_rows_read_before_a_sale_is_not_kept(
    client, catalogue, buyer, django_capture_on_commit_callbacks, monkeypatch
):
    product = catalogue[-1]
    order = shipped(buyer, product, 2)
    read_cards = selectors.cards_in_order

    def read_then_sell(ids):
        cards = read_cards(ids)  # the rows as they were before the sale
        with django_capture_on_commit_callbacks(execute=True):
            transitions.confirm_receipt(order=order, buyer=buyer)
        monkeypatch.setattr(selectors, "cards_in_order", read_cards)
        return cards

    monkeypatch.setattr(selectors, "cards_in_order", read_then_sell)
    during = card_of(client.get("/kategori/makanan-ringan/").text, product.name)
    after = card_of(client.get("/kategori/makanan-ringan/?in_stock=on").text, product.name)

    assert "0 terjual" in during
    assert "2 terjual" in after


def test_a_write_that_names_no_product_replaces_every_fragment(
    buyer_with_a_cart, catalogue, django_capture_on_commit_callbacks
):
    product = catalogue[-1]
    buyer_with_a_cart.get("/kategori/makanan-ringan/")
    product.variants.update(price=99_000)  # behind the services' back: nothing moves
    type(product).objects.filter(pk=product.pk).update(price=99_000, name="Keripik Diam-diam")
    assert "Keripik Diam-diam" not in buyer_with_a_cart.get("/kategori/makanan-ringan/").text

    with django_capture_on_commit_callbacks(execute=True):
        storefront_changed()  # an admin's edit: it may show on any card

    assert "Keripik Diam-diam" in buyer_with_a_cart.get("/kategori/makanan-ringan/").text


def test_a_renamed_shop_shows_on_every_card_of_its_products(
    client, catalogue, django_capture_on_commit_callbacks
):
    product = catalogue[-1]
    client.get("/kategori/makanan-ringan/")

    with django_capture_on_commit_callbacks(execute=True):
        update_profile(shop=product.shop, name="Batik Bu Sari")

    assert "Batik Bu Sari" in card_of(client.get("/kategori/makanan-ringan/").text, product.name)


def new_price(product):
    variant = product.variants.get()
    change = services.VariantChange(variant.pk, price=18_500, stock=variant.stock, stock_shown=variant.stock)
    services.set_prices_and_stock(shop=product.shop, changes=[change])
    return "Rp18.500"


def new_name(product):
    services.save_product_form(form=renamed(product, "Kue Bingke Pandan"))
    return "Kue Bingke Pandan"


def sold_out(product):
    variant = product.variants.get()
    stock.take([stock.Units(variant.pk, variant.stock)])  # the last units, at a checkout
    return 'class="tag out"'


def second_photo_made_main(product):
    services.make_primary(image=product.images.get(position=1))
    return f"products/r/{product.pk}-1/"


@pytest.mark.parametrize("write", [new_price, new_name, sold_out, second_photo_made_main])
def test_a_write_about_one_product_replaces_its_card_and_keeps_every_other(
    client, catalogue, write, django_capture_on_commit_callbacks
):
    product, other = catalogue[-1], catalogue[-2]  # the newest product's card comes first
    add_ready_image(product)
    add_ready_image(product, position=1)
    client.get("/kategori/makanan-ringan/")
    type(other).objects.filter(pk=other.pk).update(name="Keripik Diam-diam")  # behind the services' back

    with django_capture_on_commit_callbacks(execute=True):
        shown = write(product)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/kategori/makanan-ringan/").text

    [cards_read] = card_queries(queries)
    assert f"IN ({product.pk})" in cards_read  # its card alone was rendered again
    first_card = re.findall(r'<li class="card">.*?</li>', page, re.S)[0]
    assert shown in first_card
    assert "Keripik Diam-diam" not in page  # every other card kept


# --- Keys that real links share -----------------------------------------------------------


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_tracking_parameters_share_the_cached_page(page_cache_on, catalogue):
    Client().get(SHOP_URL)

    for query in ("fbclid=IwAR0abc", "utm_source=whatsapp&utm_medium=status", "gclid=xyz"):
        shared = Client().get(f"{SHOP_URL}?{query}")
        assert shared["X-Page-Cache"] == "hit", query
    assert "X-Page-Cache" not in Client().get(f"{SHOP_URL}?page=2")


@pytest.mark.parametrize(
    ("sent", "shared"),
    [
        ("", ""),
        ("fbclid=IwAR0abc", ""),
        ("sort=price_asc&utm_source=wa&page=2", "sort=price_asc&page=2"),
        ("utm%5Fsource=wa&q=kopi+susu", "q=kopi+susu"),  # a tracking name however it is written
        ("q=kopi&&gclid=x&", "q=kopi"),
        ("q=kopi%20susu&province=32&province=33", "q=kopi%20susu&province=32&province=33"),
        ("q=kopi%26susu&fbclid=1", "q=kopi%26susu"),  # an "&" inside a value stays in it
        ("q=sambal+pédas", "q=sambal+pe%CC%81das"),  # typed unencoded, sent as UTF-8
    ],
)
def test_a_links_shared_query_string_leaves_out_its_tracking_parameters_only(rf, sent, shared):
    assert shared_query_string(rf.get(f"/cari/?{sent}")) == shared


def test_a_page_stored_from_a_tracked_link_carries_no_tracking_parameter(page_cache_on, catalogue):
    first = Client().get("/kategori/makanan-ringan/?fbclid=IwAR0secret&sort=price_asc")
    replayed = Client().get("/kategori/makanan-ringan/?sort=price_asc")

    assert replayed["X-Page-Cache"] == "hit"
    for page in (first, replayed):
        assert "IwAR0secret" not in page.text
        assert 'href="?sort=price_asc&amp;page=2"' in page.text


def test_a_remembered_region_keeps_the_cache_and_has_its_own_home_page(page_cache_on, catalogue):
    Client().get(SHOP_URL)
    batam = Client()
    batam.cookies["wilayah"] = "21.71"
    purwakarta = Client()
    purwakarta.cookies["wilayah"] = "32.14"

    assert batam.get(SHOP_URL)["X-Page-Cache"] == "hit"
    batam_home = batam.get("/")
    assert "Dekat Anda: Kota Batam" in batam_home.text
    assert "X-Page-Cache" not in batam_home
    assert batam.get("/")["X-Page-Cache"] == "hit"
    assert "Dekat Anda: Kabupaten Purwakarta" in purwakarta.get("/").text
    assert "Dekat Anda" not in Client().get("/").text


def test_a_listing_filtered_by_region_is_stored_with_its_cookie(page_cache_on, catalogue):
    url = "/cari/?province=21&regency=21.71"
    first = Client().get(url)
    assert first.cookies["wilayah"].value == "21.71"
    assert "X-Page-Cache" not in first

    for visitor in (Client(), Client()):
        visitor.cookies["wilayah"] = "32.14"  # a region remembered before changes nothing
        again = visitor.get(url)
        assert again["X-Page-Cache"] == "hit"
        assert again.cookies["wilayah"].value == "21.71"
        assert "Dekat Anda: Kota Batam" in visitor.get("/").text


def test_a_guest_with_a_cart_gets_the_shared_fragments(
    catalogue, shop_b, django_assert_max_num_queries, page_cache_on
):
    guest = Client()
    product = make_product(shop_b, name="Kerupuk Gonggong")
    guest.post("/keranjang/tambah/", {"product": product.pk, "quantity": 1})
    assert "sessionid" in guest.cookies
    guest.get("/kategori/makanan-ringan/")

    with django_assert_max_num_queries(4) as queries:
        page = guest.get("/kategori/makanan-ringan/")

    assert "X-Page-Cache" not in page  # the page has the guest's own cart count
    assert not [q for q in queries.captured_queries if "catalog_product" in q["sql"]]


# --- One cache, several sites ---------------------------------------------------------------


def shared_cache(prefix):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "one-cache-for-two-sites",
            "KEY_PREFIX": prefix,
        }
    }


def test_two_sites_sharing_a_cache_never_see_each_others_pages(page_cache_on, catalogue, settings):
    settings.CACHES = shared_cache("warung-purwakarta")
    caches["default"].clear()
    Client().get(SHOP_URL)
    assert Client().get(SHOP_URL)["X-Page-Cache"] == "hit"

    settings.CACHES = shared_cache("warung-batam")

    assert "X-Page-Cache" not in Client().get(SHOP_URL)


@pytest.mark.redis
def test_two_sites_sharing_one_redis_never_see_each_others_pages(page_cache_on, catalogue, settings):
    from conftest import missing_service

    if not settings.REDIS_URL:
        missing_service("no Redis configured (set REDIS_URL=redis://127.0.0.1:6379/1)")
    run = uuid.uuid4().hex[:8]

    def site(name):
        return {
            "default": {
                "BACKEND": "marketplace.cache.ResilientRedisCache",
                "LOCATION": settings.REDIS_URL,
                "KEY_PREFIX": f"{name}-{run}",
            }
        }

    settings.CACHES = site("purwakarta")
    Client().get(SHOP_URL)
    assert Client().get(SHOP_URL)["X-Page-Cache"] == "hit"

    settings.CACHES = site("batam")
    assert "X-Page-Cache" not in Client().get(SHOP_URL)


def test_a_product_page_linked_with_any_query_string_is_the_shared_one(client, catalogue):
    product = catalogue[0]
    first = client.get(product.get_absolute_url() + "?ref=wa")

    with CaptureQueriesContext(connection) as queries:
        again = client.get(product.get_absolute_url() + "?ref=ig&x=1")

    assert [query["sql"] for query in queries if "catalog_product" in query["sql"]] == []
    main = re.compile(r"<main.*</main>", re.S)
    assert without_tokens(main.search(first.text)[0]) == without_tokens(main.search(again.text)[0])
    assert f'name="next" value="{product.get_absolute_url()}"' in again.text
