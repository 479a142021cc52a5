"""The anonymous page cache and the Host header: one entry per validated host."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SHOP_URL = "/toko/dapur-bu-ani/"


@pytest.fixture(autouse=True)
def page_cache_on(settings, shop_a):
    settings.PAGE_CACHE_SECONDS = 60
    settings.ALLOWED_HOSTS = ["warung.example"]


def test_a_page_asked_for_with_another_port_does_not_reach_other_visitors():
    poisoned = Client().get(SHOP_URL, HTTP_HOST="warung.example:8443")
    assert 'content="http://warung.example:8443/toko/dapur-bu-ani/"' in poisoned.text

    page = Client().get(SHOP_URL, HTTP_HOST="warung.example")

    assert "X-Page-Cache" not in page
    assert ":8443" not in page.text
    assert 'content="http://warung.example/toko/dapur-bu-ani/"' in page.text
    assert Client().get(SHOP_URL, HTTP_HOST="warung.example")["X-Page-Cache"] == "hit"


def test_a_stored_page_still_checks_the_allowed_hosts():
    Client().get(SHOP_URL, HTTP_HOST="warung.example")

    response = Client().get(SHOP_URL, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "Dapur Bu Ani" not in response.text
