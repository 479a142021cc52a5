"""The anonymous page cache (marketplace/pagecache.py), seen on the public shop page."""

import re

import pytest
from django.test import Client

from conftest import make_user
from marketplace.pagecache import storefront_changed
from vendors import services
from vendors.tests.conftest import make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def shop(district):
    return make_shop(make_user("sri@example.com"), "Keripik Sri", district=district)


def test_an_anonymous_visitor_gets_the_stored_page_the_second_time(client, shop):
    first = client.get("/toko/keripik-sri/")
    second = Client().get("/toko/keripik-sri/")

    assert "X-Page-Cache" not in first
    assert second["X-Page-Cache"] == "hit"
    assert second.status_code == 200
    assert "Keripik Sri" in second.text
    assert second["Content-Language"] == "id"


def test_each_language_has_its_own_page(shop):
    Client().get("/toko/keripik-sri/")
    english = Client()
    english.cookies["django_language"] = "en"

    response = english.get("/toko/keripik-sri/")

    assert "X-Page-Cache" not in response
    assert '<html lang="en">' in response.text


def test_logged_in_people_and_visitors_with_a_session_get_fresh_pages(client, shop, buyer, password):
    Client().get("/toko/keripik-sri/")

    client.login(email=buyer.email, password=password)
    assert "X-Page-Cache" not in client.get("/toko/keripik-sri/")
    guest = Client()
    guest.cookies["sessionid"] = "a-guest-with-a-cart"
    assert "X-Page-Cache" not in guest.get("/toko/keripik-sri/")


def test_a_replayed_page_carries_a_csrf_token_that_works_for_its_visitor(shop):
    Client().get("/toko/keripik-sri/")
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get("/toko/keripik-sri/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = visitor.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})

    assert page["X-Page-Cache"] == "hit"
    assert "__csrf_token_placeholder__" not in page.text
    assert response.status_code == 302


def test_a_catalogue_change_is_seen_at_once(shop):
    Client().get("/toko/keripik-sri/")

    services.suspend(shop=shop, actor=None, reason="Laporan pembeli")

    assert Client().get("/toko/keripik-sri/").status_code == 404


def test_storefront_changed_starts_a_new_version(shop):
    Client().get("/toko/keripik-sri/")
    storefront_changed()
    assert "X-Page-Cache" not in Client().get("/toko/keripik-sri/")


def test_private_pages_and_errors_are_never_stored(shop):
    for _ in range(2):
        assert "X-Page-Cache" not in Client().get("/toko/no-such-shop/")
        assert "X-Page-Cache" not in Client().get("/accounts/login/")
        assert "X-Page-Cache" not in Client().get("/healthz")
