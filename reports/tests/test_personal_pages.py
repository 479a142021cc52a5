"""Visitors with a session (logged-in buyers, guests with a cart) get the stored storefront page
with their own header put in (marketplace/pagecache.py): never anybody else's, always current."""

import gzip
import re
from importlib import import_module

import pytest
from django.core.cache import caches
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.categories import seed_categories
from catalog.models import Category
from conftest import make_user, without_tokens
from marketplace import notifications, pagecache
from marketplace.pagecache import VISITOR_COOKIE
from orders.models import Cart
from orders.tests.factories import buy, cart_with, make_address, make_product, make_shop
from vendors import services as vendor_services

pytestmark = pytest.mark.django_db

CART_COUNT = re.compile(r'id="cart-count"[^>]*>(\d+)<')


@pytest.fixture(autouse=True)
def caches_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.FRAGMENT_CACHE_SECONDS = 60


@pytest.fixture
def world(db):
    if not Category.objects.exists():
        seed_categories(Category)
    owner = make_user("pemilik@example.com", first_name="Ani")
    shop = make_shop(owner, name="Dapur Bu Ani")
    product = make_product(shop, name="Keripik Original", price=15_000, stock=50)
    return {"owner": owner, "shop": shop, "product": product}


def storefront_urls(world):
    product = world["product"]
    return {
        "home": "/",
        "category": product.category.get_absolute_url(),
        "search": "/cari/?q=keripik",
        "product": product.get_absolute_url(),
        "shop": f"/toko/{world['shop'].slug}/",
    }


def logged_in(user, password):
    client = Client()
    assert client.login(email=user.email, password=password)
    return client


def cart_count(response):
    found = CART_COUNT.search(response.text)
    return int(found.group(1)) if found else 0


def add_to_cart(client, product, quantity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/keranjang/tambah/", {"product": product.pk, "quantity": quantity, "next": "/"}
        )
    assert response.status_code == 302


@pytest.mark.parametrize("page", ["home", "category", "search", "product", "shop"])
def test_a_logged_in_buyer_with_a_cart_gets_each_storefront_page_without_a_query(
    page, world, buyer, password, django_assert_max_num_queries
):
    cart_with(buyer, (world["product"], 2))
    client = logged_in(buyer, password)
    url = storefront_urls(world)[page]
    client.get(url)

    with django_assert_max_num_queries(0):
        response = client.get(url)

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
    assert buyer.email in response.text
    assert cart_count(response) == 2
    assert "__personal_header_placeholder__" not in response.text
    assert "__csrf_token_placeholder__" not in response.text


@pytest.mark.parametrize("page", ["home", "category", "product"])
def test_a_guest_with_a_cart_gets_the_stored_page_with_their_count(
    page, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    guest = Client()
    add_to_cart(guest, world["product"], 3, django_capture_on_commit_callbacks)
    url = storefront_urls(world)[page]
    assert 'class="messages"' in guest.get(url).text  # "Added to your cart.": not stored
    guest.get(url)

    with django_assert_max_num_queries(0):
        response = guest.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert cart_count(response) == 3
    assert "Log in" in response.text or "Masuk" in response.text


def test_two_buyers_alternating_never_see_each_others_header(world, password):
    ana = make_user("ana@example.com", full_name="Ana")
    budi = make_user("budi@example.com", full_name="Budi")
    cart_with(ana, (world["product"], 1))
    cart_with(budi, (world["product"], 4))
    clients = {ana: logged_in(ana, password), budi: logged_in(budi, password)}
    hits = 0
    for _round in range(3):
        for url in storefront_urls(world).values():
            for user, client in clients.items():
                other = budi if user is ana else ana
                response = client.get(url)
                hits += response.get("X-Page-Cache") == "hit"
                assert user.email in response.text
                assert other.email not in response.text
                assert cart_count(response) == (1 if user is ana else 4)
    assert hits >= 15


def test_a_guest_and_a_logged_in_buyer_on_the_same_page(
    world, buyer, password, django_capture_on_commit_callbacks
):
    url = storefront_urls(world)["product"]
    member = logged_in(buyer, password)
    guest = Client()
    add_to_cart(guest, world["product"], 1, django_capture_on_commit_callbacks)
    for _round in range(3):
        mine = member.get(url)
        theirs = guest.get(url)
        assert buyer.email in mine.text and "Send the report" in mine.text or "Kirim laporan" in mine.text
        assert buyer.email not in theirs.text
        assert 'name="reason"' not in theirs.text  # the report form is for logged-in people
        assert cart_count(theirs) == 1 and cart_count(mine) == 0


def csrf_secrets(client, response):
    """The secrets behind the page's form tokens, and the one of the client's cookie."""
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert tokens
    return {_unmask_cipher_token(token) for token in tokens}, client.cookies["csrftoken"].value


def test_each_visitor_gets_a_csrf_token_that_works_for_them(
    world, buyer, password, django_capture_on_commit_callbacks
):
    url = storefront_urls(world)["product"]
    other = make_user("lain@example.com")
    logged_in(buyer, password).get(url)  # stores the page
    client, someone_else = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    someone_else.force_login(other)
    someone_else.get(url)  # stores their header
    response, theirs = client.get(url), someone_else.get(url)
    assert response["X-Page-Cache"] == theirs["X-Page-Cache"] == "hit"
    (mine,), my_cookie = csrf_secrets(client, response)
    (their_secret,), their_cookie = csrf_secrets(someone_else, theirs)
    assert mine == my_cookie and their_secret == their_cookie and mine != their_secret
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            "/keranjang/tambah/",
            {"product": world["product"].pk, "quantity": 1, "next": url, "csrfmiddlewaretoken": token},
        )

    assert added.status_code == 302
    assert cart_count(client.get(url)) == 1


def test_after_logging_out_the_header_is_anonymous_at_once(world, buyer, password):
    url = storefront_urls(world)["category"]
    client = logged_in(buyer, password)
    client.get(url)
    assert buyer.email in client.get(url).text

    client.post(reverse("account_logout"))

    response = client.get(url)
    assert buyer.email not in response.text
    assert f'href="{reverse("account_login")}"' in response.text


def test_adding_to_the_cart_shows_the_new_count_at_once(
    world, buyer, password, django_capture_on_commit_callbacks
):
    url = storefront_urls(world)["home"]
    client = logged_in(buyer, password)
    client.get(url)
    assert cart_count(client.get(url)) == 0

    add_to_cart(client, world["product"], 2, django_capture_on_commit_callbacks)
    assert cart_count(client.get(url)) == 2
    add_to_cart(client, world["product"], 1, django_capture_on_commit_callbacks)
    assert cart_count(client.get(url)) == 3

    item = Cart.objects.get(user=buyer).items.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/keranjang/{item.pk}/hapus/")
    assert cart_count(client.get(url)) == 0


def test_a_notification_shows_at_once_and_reading_it_clears_the_badge(
    world, buyer, password, django_capture_on_commit_callbacks
):
    url = storefront_urls(world)["search"]
    client = logged_in(buyer, password)
    client.get(url)
    assert "unread" not in client.get(url).text

    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user=buyer, title="Pesanan dikirim")
    assert 'aria-label="1 unread"' in client.get(url).text or "1 belum dibaca" in client.get(url).text

    with django_capture_on_commit_callbacks(execute=True):
        notifications.mark_all_read(buyer)
    assert "unread" not in client.get(url).text and "belum dibaca" not in client.get(url).text


def test_a_vendor_sees_my_shop_and_a_buyer_does_not(
    world, buyer, password, django_capture_on_commit_callbacks
):
    url = storefront_urls(world)["shop"]
    vendor, shopper = logged_in(world["owner"], password), logged_in(buyer, password)
    vendor.get(url)
    shopper.get(url)
    vendor_page, buyer_page = vendor.get(url), shopper.get(url)
    assert vendor_page["X-Page-Cache"] == buyer_page["X-Page-Cache"] == "hit"
    assert shows_my_shop(vendor_page) and not shows_my_shop(buyer_page)

    with django_capture_on_commit_callbacks(execute=True):
        vendor_services.start_shop(owner=buyer, name="Warung Baru")
    assert shows_my_shop(shopper.get(url))


def shows_my_shop(response):
    return f'href="{reverse("vendors:my_shops")}"' in response.text


@pytest.mark.parametrize("storage", ["fallback.FallbackStorage", "session.SessionStorage"])
def test_a_pending_message_is_shown_not_skipped(
    storage, world, buyer, password, settings, django_capture_on_commit_callbacks
):
    settings.MESSAGE_STORAGE = f"django.contrib.messages.storage.{storage}"
    url = storefront_urls(world)["home"]
    client = logged_in(buyer, password)
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    add_to_cart(client, world["product"], 1, django_capture_on_commit_callbacks)  # "Added to your cart."

    shown = client.get(url)
    assert "X-Page-Cache" not in shown
    assert 'class="messages"' in shown.text
    after = client.get(url)
    assert 'class="messages"' not in after.text
    assert cart_count(after) == 1
    again = client.get(url)
    assert again["X-Page-Cache"] == "hit"
    assert 'class="messages"' not in again.text
    assert cart_count(again) == 1


def test_a_changed_password_ends_the_stored_header_of_old_sessions(
    world, buyer, password, django_capture_on_commit_callbacks
):
    url = storefront_urls(world)["category"]
    client = logged_in(buyer, password)
    client.get(url)
    assert buyer.email in client.get(url).text

    with django_capture_on_commit_callbacks(execute=True):
        buyer.set_password("a-new-long-password")
        buyer.save()

    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert buyer.email not in response.text


# A stored page whose only stale part is the visitor's header (their cart or notifications
# changed) is not rendered again: the header is rendered alone and put into the stored page.

PAGE_TABLES = ("catalog_product", 'vendors_shop"', "catalog_category")


@pytest.mark.parametrize("page", ["home", "category", "search", "product", "shop"])
def test_a_stored_page_whose_header_changed_renders_only_the_header(
    page, world, buyer, password, settings, django_capture_on_commit_callbacks
):
    url = storefront_urls(world)[page]
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    client.get(url)  # the page and the header stored
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user=buyer, title="Pesanan dikirim")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert "1 belum dibaca" in response.text
    assert tables_read(queries) == set(HEADER_TABLES)  # the header's own queries, and no others
    assert not [query for query in queries if any(table in query["sql"] for table in PAGE_TABLES)]
    settings.PAGE_CACHE_SECONDS = 0
    assert without_tokens(response.text) == without_tokens(client.get(url).text)
    settings.PAGE_CACHE_SECONDS = 60
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert tables_read(queries) == set()  # the header rendered alone was stored
    assert "1 belum dibaca" in again.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    assert client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert buyer.email not in client.get(url).text


def test_a_header_rendered_alone_never_goes_to_another_buyer(
    world, password, django_capture_on_commit_callbacks
):
    ana, budi = make_user("ana@example.com"), make_user("budi@example.com")
    url = storefront_urls(world)["product"]
    clients = {user: logged_in(user, password) for user in (ana, budi)}
    for client in clients.values():
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user=ana, title="Pesanan dikirim")
        notifications.notify(user=budi, title="Pesanan dikirim")
        notifications.notify(user=budi, title="Pesanan selesai")

    for _ in range(2):
        for user, unread in ((ana, 1), (budi, 2)):
            response = clients[user].get(url)
            assert response["X-Page-Cache"] == "hit"
            assert user.email in response.text
            assert f"{unread} belum dibaca" in response.text


def test_a_guests_stored_page_takes_their_new_cart_count_without_being_rendered_again(
    world, django_capture_on_commit_callbacks
):
    guest = Client()
    add_to_cart(guest, world["product"], 3, django_capture_on_commit_callbacks)
    url = storefront_urls(world)["category"]
    guest.get(url)  # shows "Added to your cart."
    guest.get(url)  # stores the page and the guest's header
    cart = Cart.objects.get(token=guest.session["cart_token"])
    with django_capture_on_commit_callbacks(execute=True):
        cart.items.update(quantity=5)
        pagecache.cart_changed(cart)

    with CaptureQueriesContext(connection) as queries:
        response = guest.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert cart_count(response) == 5
    assert not [query for query in queries if any(table in query["sql"] for table in PAGE_TABLES)]
    assert "Masuk" in response.text and "Keluar" not in response.text


# A page rendered anew (a search nobody made before, a page whose stored copy expired) takes the
# visitor's stored header when it is current: the header's own queries run once per change.

HEADER_TABLES = ("orders_cartitem", "marketplace_notification", "vendors_shopmember")


def with_a_stored_header(buyer, password, django_capture_on_commit_callbacks):
    """A client of `buyer`, who has an unread notification, after a page stored their header."""
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user=buyer, title="Pesanan dikirim")
    client = logged_in(buyer, password)
    client.get("/")
    return client


def tables_read(queries):
    return {table for table in HEADER_TABLES if any(table in query["sql"] for query in queries)}


@pytest.mark.parametrize("page", ["category", "search", "product", "shop"])
def test_a_page_rendered_anew_takes_the_buyers_stored_header_without_its_queries(
    page, world, buyer, password, settings, django_capture_on_commit_callbacks
):
    cart_with(buyer, (world["product"], 2))
    client = with_a_stored_header(buyer, password, django_capture_on_commit_callbacks)
    url = storefront_urls(world)[page]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert "X-Page-Cache" not in response
    assert tables_read(queries) == set()
    assert cart_count(response) == 2
    assert f"{notifications.unread_count(buyer)} belum dibaca" in response.text
    settings.PAGE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as queries:
        rendered_whole = client.get(url)
    assert tables_read(queries) == set(HEADER_TABLES)
    assert without_tokens(response.text) == without_tokens(rendered_whole.text)


@pytest.fixture
def cache_round_trips(monkeypatch):
    """The keys of each read of the default cache (a get or a get_many), as a list per read."""
    backend = caches["default"]
    reads, depth = [], []

    def counted(method, keys_of):
        def read(*args, **kwargs):
            if not depth:  # the local-memory cache's get_many calls get once per key
                reads.append(keys_of(args))
            depth.append(1)
            try:
                return method(*args, **kwargs)
            finally:
                depth.pop()

        return read

    monkeypatch.setattr(backend, "get", counted(backend.get, lambda args: [args[0]]))
    monkeypatch.setattr(backend, "get_many", counted(backend.get_many, lambda args: list(args[0])))
    return reads


def session_cache_key(client, settings):
    return (
        import_module(settings.SESSION_ENGINE)
        .SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
        .cache_key
    )


@pytest.mark.parametrize("page", ["category", "search", "product"])
def test_a_page_rendered_anew_reads_the_buyers_session_once(
    page, world, buyer, password, settings, monkeypatch, cache_round_trips
):
    client = logged_in(buyer, password)
    client.get("/")  # stores the buyer's header
    store = import_module(settings.SESSION_ENGINE).SessionStore
    loads = []
    load = store.load
    monkeypatch.setattr(store, "load", lambda session: loads.append(session.session_key) or load(session))
    cache_round_trips.clear()

    response = client.get(storefront_urls(world)[page])

    assert "X-Page-Cache" not in response
    assert buyer.email in response.text
    session_key = session_cache_key(client, settings)
    assert loads == []  # it came with the page cache's first read
    assert [keys for keys in cache_round_trips if session_key in keys] == [cache_round_trips[0]]


# --- The hint cookie: the session, page and header in one cache round trip --------------------


@pytest.mark.parametrize("page", ["home", "category", "product"])
def test_a_buyers_stored_page_costs_one_cache_round_trip_once_the_hint_is_set(
    page, world, buyer, password, settings, cache_round_trips
):
    cart_with(buyer, (world["product"], 2))
    client = logged_in(buyer, password)
    url = storefront_urls(world)[page]
    first = client.get(url)
    hint = first.cookies[VISITOR_COOKIE]
    assert hint["httponly"] and hint["samesite"] == "Lax"
    cache_round_trips.clear()

    response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert buyer.email in response.text and cart_count(response) == 2
    assert len(cache_round_trips) == 1
    assert session_cache_key(client, settings) in cache_round_trips[0]
    assert VISITOR_COOKIE not in response.cookies  # already right: not sent again

    del client.cookies[VISITOR_COOKIE]
    cache_round_trips.clear()
    without_hint = client.get(url)
    assert without_hint["X-Page-Cache"] == "hit" and cart_count(without_hint) == 2
    assert len(cache_round_trips) == 2
    assert without_hint.cookies[VISITOR_COOKIE].value == hint.value


def test_the_hint_names_the_visitor_without_their_id_or_cart_token(
    world, buyer, password, django_capture_on_commit_callbacks
):
    member = logged_in(buyer, password)
    guest = Client()
    add_to_cart(guest, world["product"], 1, django_capture_on_commit_callbacks)
    guest.get("/")  # shows the "added" message
    guest.get("/")
    token = str(Cart.objects.get(user=None).token)
    names = {member.get("/").cookies[VISITOR_COOKIE].value, guest.cookies[VISITOR_COOKIE].value}
    assert {name.split(".")[0] for name in names} == {"user", "cart"}
    assert all(token not in name and str(buyer.pk) != name.split(".")[1] for name in names)


def test_a_hint_naming_another_buyer_gets_nothing_of_theirs(world, password, cache_round_trips):
    ana = make_user("ana@example.com", full_name="Ana")
    budi = make_user("budi@example.com", full_name="Budi")
    cart_with(budi, (world["product"], 4))
    url = storefront_urls(world)["category"]
    budis = logged_in(budi, password)
    budis.get(url)
    budis_hint = budis.get(url).cookies.get(VISITOR_COOKIE) or budis.cookies[VISITOR_COOKIE]
    anas = logged_in(ana, password)
    anas.get(url)
    anas_hint = anas.cookies[VISITOR_COOKIE].value
    assert anas_hint != budis_hint.value

    anas.cookies[VISITOR_COOKIE] = budis_hint.value  # as if Ana had Budi's cookie
    for _round in range(2):
        response = anas.get(url)
        assert response["X-Page-Cache"] == "hit"
        assert ana.email in response.text and budi.email not in response.text
        assert cart_count(response) == 0
    assert anas.cookies[VISITOR_COOKIE].value == anas_hint  # set right again at once


@pytest.mark.parametrize(
    "hint", ["", "user.", "user.xyz", "admin." + "0" * 32, "user." + "0" * 32 + "; x", "é" * 50]
)
def test_a_broken_hint_is_ignored(hint, world, buyer, password):
    client = logged_in(buyer, password)
    url = storefront_urls(world)["product"]
    client.get(url)
    client.cookies[VISITOR_COOKIE] = hint

    response = client.get(url)

    assert response.status_code == 200 and buyer.email in response.text
    assert response.cookies[VISITOR_COOKIE].value == pagecache.visitor_name("user", str(buyer.pk))


def test_a_visitor_whose_session_ended_gets_the_shared_page_despite_the_hint(world, buyer, password):
    url = storefront_urls(world)["category"]
    hint = logged_in(buyer, password).get(url).cookies[VISITOR_COOKIE].value
    client = Client()  # the session cookie expired; the hint is still there
    client.cookies[VISITOR_COOKIE] = hint
    client.get(url)

    response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert buyer.email not in response.text
    assert VISITOR_COOKIE not in response.cookies


def test_the_stored_header_in_a_page_rendered_anew_has_a_csrf_token_that_works(world, buyer, password):
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    client.get("/")  # stores the header
    del client.cookies["csrftoken"]  # a visitor whose CSRF cookie has not been set yet

    page = client.get("/cari/?q=keripik")
    assert "X-Page-Cache" not in page
    (secret,), cookie = csrf_secrets(client, page)
    assert secret == cookie
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert buyer.email not in client.get("/").text


def test_a_page_rendered_anew_after_the_cart_changed_shows_the_new_count(
    world, buyer, password, django_capture_on_commit_callbacks
):
    client = logged_in(buyer, password)
    client.get("/")
    add_to_cart(client, world["product"], 3, django_capture_on_commit_callbacks)
    client.get("/")  # shows "Added to your cart."

    assert cart_count(client.get("/cari/?q=original")) == 3


def test_a_page_rendered_anew_for_a_session_that_ended_shows_no_stored_header(world, buyer, password):
    client = logged_in(buyer, password)
    client.get("/")
    assert buyer.email in client.get("/cari/?q=keripik").text
    # Written around the services (no visitor version moved), as a database console would.
    type(buyer).objects.filter(pk=buyer.pk).update(is_active=False)

    response = client.get("/cari/?q=original")

    assert buyer.email not in response.text
    assert f'href="{reverse("account_login")}"' in response.text


def test_a_page_rendered_anew_takes_a_guests_stored_header_without_reading_the_cart(
    world, django_capture_on_commit_callbacks
):
    guest = Client()
    add_to_cart(guest, world["product"], 3, django_capture_on_commit_callbacks)
    guest.get("/")  # shows "Added to your cart."
    guest.get("/")  # stores the guest's header

    with CaptureQueriesContext(connection) as queries:
        response = guest.get("/cari/?q=keripik")

    assert "X-Page-Cache" not in response
    assert tables_read(queries) == set()
    assert cart_count(response) == 3


def test_a_buyers_page_rendered_and_stored_is_sent_compressed_once_with_their_header(
    world, buyer, monkeypatch
):
    cart_with(buyer, (world["product"], 2))
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_ENCODING="gzip")
    client.force_login(buyer)
    monkeypatch.setattr(
        "marketplace.compressed.gzipped",
        lambda *args, **kwargs: pytest.fail("the GZip middleware compressed a stored page again"),
    )

    first = client.get("/")  # neither the page nor the header stored yet
    anew = client.get("/cari/?q=keripik")  # a page rendered anew, with the stored header

    for response in (first, anew):
        html = gzip.decompress(response.content).decode()
        assert "X-Page-Cache" not in response
        assert response["Content-Encoding"] == "gzip"
        assert buyer.email in html
        assert CART_COUNT.search(html).group(1) == "2"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value
    assert client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302


# The cart, checkout and order pages are not kept by the page cache, but their header is the
# same stored one: taken when current, stored when rendered (pagecache.reuses_stored_header).

PERSONAL_PART = re.compile(r"<!--personal-->.*?<!--/personal-->", re.S)


def header_of(response):
    return without_tokens(personal_part(response))


def personal_part(response):
    (part,) = PERSONAL_PART.findall(response.text)
    return part


@pytest.fixture
def with_an_order(world, buyer):
    make_address(buyer)
    placed = buy(buyer, (world["product"], 1))
    cart_with(buyer, (world["product"], 2))
    return placed.orders.get()


def own_pages(order):
    return {
        "cart": reverse("orders:cart"),
        "checkout": reverse("orders:checkout"),
        "checkout done": reverse("orders:checkout_done", args=[order.checkout_id]),
        "orders": reverse("orders:list"),
        "order": reverse("orders:detail", args=[order.number]),
        "addresses": reverse("orders:addresses"),
    }


@pytest.mark.parametrize("page", ["cart", "checkout", "checkout done", "orders", "order", "addresses"])
def test_the_buyers_own_pages_take_the_stored_header_without_its_queries(
    page, world, buyer, password, settings, with_an_order, django_capture_on_commit_callbacks
):
    client = with_a_stored_header(buyer, password, django_capture_on_commit_callbacks)
    url = own_pages(with_an_order)[page]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    # The cart and checkout pages read the cart's lines for themselves, not for the header.
    assert tables_read(queries) <= ({"orders_cartitem"} if page in ("cart", "checkout") else set())
    assert "marketplace_notification" not in str(queries.captured_queries)
    assert cart_count(response) == 2
    assert f"{notifications.unread_count(buyer)} belum dibaca" in response.text
    settings.PAGE_CACHE_SECONDS = 0
    assert header_of(response) == header_of(client.get(url))


def test_a_header_rendered_on_the_cart_page_is_stored_for_the_next_page(
    world, buyer, password, with_an_order, django_capture_on_commit_callbacks
):
    client = logged_in(buyer, password)
    add_to_cart(client, world["product"], 1, django_capture_on_commit_callbacks)  # moves the version
    cart_page = client.get(reverse("orders:cart"))  # renders the header anew, stores it
    assert cart_count(cart_page) == 3

    with CaptureQueriesContext(connection) as queries:
        orders_page = client.get(reverse("orders:list"))

    assert tables_read(queries) == set()
    assert cart_count(orders_page) == 3 and buyer.email in orders_page.text


def test_the_cart_page_shows_a_new_count_at_once(
    world, buyer, password, with_an_order, django_capture_on_commit_callbacks
):
    client = logged_in(buyer, password)
    assert cart_count(client.get(reverse("orders:cart"))) == 2
    assert cart_count(client.get(reverse("orders:cart"))) == 2  # the stored header

    add_to_cart(client, world["product"], 4, django_capture_on_commit_callbacks)

    assert cart_count(client.get(reverse("orders:cart"))) == 6


def test_two_buyers_alternating_on_their_own_pages_never_see_each_others_header(world, password):
    ani = make_user("ani@example.com", password=password, first_name="Ani")
    budi = make_user("budi@example.com", password=password, first_name="Budi")
    cart_with(ani, (world["product"], 1))
    cart_with(budi, (world["product"], 4))
    clients = {ani: logged_in(ani, password), budi: logged_in(budi, password)}
    for _ in range(3):
        for user, count in ((ani, 1), (budi, 4)):
            page = clients[user].get(reverse("orders:cart"))
            other = budi if user == ani else ani
            assert user.email in page.text and other.email not in page.text
            assert cart_count(page) == count


def test_a_guest_on_the_cart_page_gets_their_own_stored_header(world, django_capture_on_commit_callbacks):
    guest, other = Client(), Client()
    add_to_cart(guest, world["product"], 3, django_capture_on_commit_callbacks)
    add_to_cart(other, world["product"], 5, django_capture_on_commit_callbacks)
    for _ in range(2):
        assert cart_count(guest.get(reverse("orders:cart"))) == 3
        assert cart_count(other.get(reverse("orders:cart"))) == 5


def test_after_a_password_change_the_cart_page_of_an_old_session_is_anonymous(
    world, buyer, password, django_capture_on_commit_callbacks
):
    client = logged_in(buyer, password)
    client.get(reverse("orders:cart"))
    assert buyer.email in client.get(reverse("orders:cart")).text

    with django_capture_on_commit_callbacks(execute=True):
        buyer.set_password("a-new-long-password")
        buyer.save()

    page = client.get(reverse("orders:cart"))
    assert buyer.email not in page.text
    assert f'href="{reverse("account_login")}"' in page.text


def test_the_stored_header_on_the_cart_page_has_a_csrf_token_that_works(world, buyer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    client.get("/")  # stores the header
    page = client.get(reverse("orders:cart"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', personal_part(page)).group(1)

    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert buyer.email not in client.get("/").text


@pytest.mark.parametrize("page", ["overview", "orders", "order", "products"])
def test_a_vendors_dashboard_pages_take_the_stored_header(
    page, world, buyer, password, settings, django_capture_on_commit_callbacks
):
    owner, shop = world["owner"], world["shop"]
    make_address(buyer)
    order = buy(buyer, (world["product"], 1)).orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user=owner, title="Pesanan baru")
    client = logged_in(owner, "correct-horse-battery")
    client.get("/")  # stores the vendor's header
    url = {
        "overview": reverse("orders:dashboard", args=[shop.slug]),
        "orders": reverse("orders:shop_orders", args=[shop.slug]),
        "order": reverse("orders:shop_order", args=[shop.slug, order.number]),
        "products": reverse("catalog:dashboard_products", args=[shop.slug]),
    }[page]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert "marketplace_notification" not in tables_read(queries)
    assert f"{notifications.unread_count(owner)} belum dibaca" in response.text
    settings.PAGE_CACHE_SECONDS = 0
    assert header_of(response) == header_of(client.get(url))


def test_with_sessions_in_the_database_only_a_buyer_still_gets_their_own_header(
    world, buyer, password, settings
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    cart_with(buyer, (world["product"], 3))
    client = logged_in(buyer, password)
    url = storefront_urls(world)["category"]
    client.get(url)

    response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert buyer.email in response.text and cart_count(response) == 3
