"""Error pages in the site's language and look, each with a way back to the shop (DEBUG off)."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from marketplace import urls as site_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def broken_view(request):
    raise OperationalError("the database went away")


urlpatterns = [path("rusak/", broken_view), *site_urls.urlpatterns]
handler500 = site_urls.handler500

BACK_TO_THE_SHOP = 'href="/">Kembali ke toko</a>'


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def test_a_missing_page_is_404_in_indonesian_with_the_site_around_it(visitor):
    response = visitor.get("/tidak-ada/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert BACK_TO_THE_SHOP in response.text
    assert 'class="site-header"' in response.text


def test_the_error_pages_follow_the_chosen_language(visitor):
    visitor.cookies["django_language"] = "en"

    response = visitor.get("/tidak-ada/")

    assert "Page not found" in response.text
    assert 'href="/">Back to the shop</a>' in response.text


def test_a_forbidden_page_is_403(visitor, buyer, password):
    visitor.login(email=buyer.email, password=password)

    response = visitor.get("/admin/login/")

    assert response.status_code == 403
    assert "Tidak diizinkan" in response.text
    assert BACK_TO_THE_SHOP in response.text


def test_a_request_for_another_host_is_400(visitor):
    response = visitor.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.text
    assert BACK_TO_THE_SHOP in response.text


def test_a_crash_is_a_plain_500_page_that_asks_nothing_of_the_database(visitor, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = visitor.get("/rusak/")

    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.text
    assert BACK_TO_THE_SHOP in response.text
    assert "Warung Online" in response.text
    assert "OperationalError" not in response.text and "Traceback" not in response.text


def test_an_expired_form_is_a_403_that_says_so_plainly():
    visitor = Client(enforce_csrf_checks=True)

    response = visitor.post("/accounts/login/", {"login": "ani@example.com", "password": "x"})

    assert response.status_code == 403
    assert "Formulir ini sudah kedaluwarsa" in response.text
    assert BACK_TO_THE_SHOP in response.text
