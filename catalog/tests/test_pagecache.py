"""The anonymous page cache (marketplace/pagecache.py), seen on the public shop page."""

import gzip
import re

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _get_new_csrf_string, _unmask_cipher_token
from django.test import Client

from catalog import stock
from catalog.tests.factories import make_product
from catalog.transitions import take_down
from conftest import without_tokens
from marketplace.pagecache import masked, storefront_changed
from vendors import services

pytestmark = pytest.mark.django_db


SHOP_URL = "/toko/dapur-bu-ani/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def shop(shop_a):
    return shop_a


def test_an_anonymous_visitor_gets_the_stored_page_the_second_time(client, shop):
    first = client.get(SHOP_URL)
    second = Client().get(SHOP_URL)

    assert "X-Page-Cache" not in first
    assert second["X-Page-Cache"] == "hit"
    assert second.status_code == 200
    assert "Dapur Bu Ani" in second.text
    assert second["Content-Language"] == "id"


def test_each_language_has_its_own_page(shop):
    Client().get(SHOP_URL)
    english = Client()
    english.cookies["django_language"] = "en"

    response = english.get(SHOP_URL)

    assert "X-Page-Cache" not in response
    assert '<html lang="en">' in response.text


def test_logged_in_people_and_visitors_with_a_session_get_fresh_pages(client, shop, buyer, password):
    Client().get(SHOP_URL)

    client.login(email=buyer.email, password=password)
    assert "X-Page-Cache" not in client.get(SHOP_URL)
    guest = Client()
    guest.cookies["sessionid"] = "a-guest-with-a-cart"
    assert "X-Page-Cache" not in guest.get(SHOP_URL)


def test_a_replayed_page_carries_a_csrf_token_that_works_for_its_visitor(shop):
    product = make_product(shop, name="Keripik Pedas Level 5", stock=5)
    url = f"{SHOP_URL}{product.slug}/"
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get(url)
    form = re.search(
        r'action="([^"]+)"[^>]*id="add-to-cart"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        page.text,
    )
    fields = {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": form.group(2)}
    response = visitor.post(form.group(1), fields)

    assert page["X-Page-Cache"] == "hit"
    assert "__csrf_token_placeholder__" not in page.text
    assert response.status_code == 302
    assert "Keripik Pedas Level 5" in visitor.get("/keranjang/").text


def test_a_visitor_who_already_has_a_csrf_cookie_gets_a_new_mask_of_the_same_secret(shop):
    product = make_product(shop, name="Keripik Pedas Level 5", stock=5)
    url = f"{SHOP_URL}{product.slug}/"
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(url)
    secret = visitor.cookies["csrftoken"].value

    page = visitor.get(url)
    token = re.search(
        r'id="add-to-cart"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page.text
    )
    response = visitor.post(
        "/keranjang/tambah/", {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": token[1]}
    )

    assert page["X-Page-Cache"] == "hit"
    assert _unmask_cipher_token(token[1]) == secret
    assert page.cookies["csrftoken"].value == secret  # sent again, as Django does, to renew it
    assert response.status_code == 302


def test_a_stored_page_is_sent_compressed_with_the_visitors_own_token(shop):
    product = make_product(shop, name="Keripik Pedas Level 5", stock=5)
    url = f"{SHOP_URL}{product.slug}/"
    Client().get(url)
    tokens = set()
    for _ in range(2):
        response = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br").get(url)
        html = gzip.decompress(response.content).decode()
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
        assert response["X-Page-Cache"] == "hit"
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) == len(response.content)
        assert "Keripik Pedas Level 5" in html and "__csrf" not in html
    assert len(tokens) == 2


def not_twice(content, **kwargs):
    raise AssertionError("the GZip middleware compressed a page the page cache had compressed")


def test_a_page_stored_on_its_first_view_is_sent_compressed_once_with_a_token_that_works(shop, monkeypatch):
    product = make_product(shop, name="Keripik Pedas Level 5", stock=5)
    url = f"{SHOP_URL}{product.slug}/"
    monkeypatch.setattr("marketplace.compressed.gzipped", not_twice)
    visitor = Client(enforce_csrf_checks=True, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    first = visitor.get(url)
    html = gzip.decompress(first.content).decode()
    token = re.search(
        r'id="add-to-cart"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', html
    )
    added = visitor.post(
        "/keranjang/tambah/", {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": token[1]}
    )

    assert "X-Page-Cache" not in first
    assert first["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first["Vary"]
    assert int(first["Content-Length"]) == len(first.content)
    assert without_tokens(html) == without_tokens(Client().get(url).text)  # the stored page
    assert _unmask_cipher_token(token[1]) == visitor.cookies["csrftoken"].value
    assert added.status_code == 302


def test_pages_without_forms_of_their_own_set_no_cookie(shop):
    Client().get(SHOP_URL)

    response = Client().get(SHOP_URL)

    assert response["X-Page-Cache"] == "hit"
    assert not response.cookies
    assert "Content-Security-Policy" in response


def test_a_catalogue_change_is_seen_at_once(shop, django_capture_on_commit_callbacks):
    Client().get(SHOP_URL)

    with django_capture_on_commit_callbacks(execute=True):
        services.suspend(shop=shop, actor=None, reason="Laporan pembeli")

    assert Client().get(SHOP_URL).status_code == 404


def test_storefront_changed_starts_a_new_version_after_the_commit(shop, django_capture_on_commit_callbacks):
    Client().get(SHOP_URL)
    with django_capture_on_commit_callbacks(execute=True):
        storefront_changed()
        assert Client().get(SHOP_URL)["X-Page-Cache"] == "hit"  # not yet committed
    assert "X-Page-Cache" not in Client().get(SHOP_URL)


def test_units_back_on_a_shelf_that_never_emptied_keep_the_stored_pages(
    shop, django_capture_on_commit_callbacks
):
    # An expired unpaid order gives its units back: with the shelf never empty, no page changes
    # but the count it shows (a sale does not renew pages either), so every stored page stays.
    with django_capture_on_commit_callbacks(execute=True):
        variant = make_product(shop, name="Kopi Robusta", stock=5).variants.get()
    stock.take([stock.Units(variant.pk, 2)])
    Client().get(SHOP_URL)

    with django_capture_on_commit_callbacks(execute=True):
        stock.give_back([stock.Units(variant.pk, 2)])

    assert Client().get(SHOP_URL)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("sold_out", ["product", "one option"])
def test_units_back_on_an_empty_shelf_renew_the_stored_pages(
    shop, django_capture_on_commit_callbacks, sold_out
):
    with django_capture_on_commit_callbacks(execute=True):
        product = make_product(
            shop,
            name="Kaos",
            variants=[{"name": "S", "price": 50_000, "stock": 1}, {"name": "M", "price": 45_000, "stock": 3}],
        )
    small, medium = product.variants.order_by("pk")
    sold = [stock.Units(small.pk, 1)] + ([stock.Units(medium.pk, 3)] if sold_out == "product" else [])
    with django_capture_on_commit_callbacks(execute=True):
        stock.take(sold)
    Client().get(SHOP_URL)

    with django_capture_on_commit_callbacks(execute=True):
        stock.give_back([stock.Units(small.pk, 1)])

    assert "X-Page-Cache" not in Client().get(SHOP_URL)


def test_private_pages_and_errors_are_never_stored(shop):
    for _ in range(2):
        assert "X-Page-Cache" not in Client().get("/toko/no-such-shop/")
        assert "X-Page-Cache" not in Client().get("/accounts/login/")
        assert "X-Page-Cache" not in Client().get("/healthz")


def test_a_product_change_is_seen_at_once_on_the_shop_page(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = make_product(shop, name="Keripik Pedas Level 5")
    assert "Keripik Pedas Level 5" in Client().get(SHOP_URL).text

    with django_capture_on_commit_callbacks(execute=True):
        take_down(product=product, actor=None, reason="Klaim palsu")

    assert "Keripik Pedas Level 5" not in Client().get(SHOP_URL).text


def test_a_replayed_token_is_masked_as_django_masks_it_with_a_new_mask_each_time():
    secret = _get_new_csrf_string()

    tokens = [masked(secret) for _ in range(200)]

    assert all(_unmask_cipher_token(token) == secret for token in tokens)
    assert all(len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS) for token in tokens)
    assert len({token[:32] for token in tokens}) == 200
    # Every character is used as a mask character: no part of the alphabet is left out.
    assert set("".join(token[:32] for token in tokens)) == set(CSRF_ALLOWED_CHARS)
