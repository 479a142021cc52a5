"""What a phone buyer sees on every storefront page: ratings and sales on cards, the header's
entries, icons, compressed HTML and a region filter that never silently shows nothing."""

import gzip
import itertools
import json

import pytest
from django.contrib.staticfiles import finders

from catalog.models import Product, Review
from catalog.tests.factories import make_product, region
from catalog.tests.test_storefront import add_ready_image, make_many
from conftest import make_user

pytestmark = pytest.mark.django_db


_reviewers = itertools.count(1)


def review(product, n, rating):
    for _i in range(n):
        author = make_user(f"reviewer-{next(_reviewers)}@example.com")
        Review.objects.create(product=product, author=author, rating=rating)


def test_cards_show_rating_and_sold_count(client, shop_a):
    rated = make_product(shop_a, name="Keripik Pedas")
    Product.objects.filter(pk=rated.pk).update(sold_count=35)
    review(rated, 1, 5)
    review(rated, 1, 4)
    make_product(shop_a, name="Kopi Robusta")

    html = client.get("/cari/").text

    assert "4,5 (2 ulasan) · 35 terjual" in html
    assert "Belum ada ulasan · 0 terjual" in html


@pytest.mark.parametrize("url", ["/", "/cari/", "/cari/?q=keripik", "/kategori/makanan-minuman/"])
def test_ratings_on_cards_keep_the_listing_query_count_fixed(
    client, shop_a, url, django_assert_max_num_queries
):
    for product in make_many(shop_a, 4):
        review(product, 2, 5)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for product in make_many(shop_a, 30):
        review(product, 1, 3)
    with django_assert_max_num_queries(10) as many:
        client.get(url)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_card_photo_does_not_repeat_the_link_text(client, shop_a):
    add_ready_image(make_product(shop_a, name="Keripik Pedas"))

    html = client.get("/cari/").text

    assert 'alt="Keripik Pedas"' not in html
    assert 'alt=""' in html and '<span class="card-name">Keripik Pedas</span>' in html


def test_visitors_are_invited_to_start_selling(client, db):
    html = client.get("/").text
    assert (
        '<a href="/accounts/signup/?next=/dashboard/buka-toko/" class="start-selling">Mulai berjualan</a>'
        in html
    )


def test_a_buyer_without_a_shop_is_invited_to_start_selling(client, buyer, password):
    client.login(email=buyer.email, password=password)
    html = client.get("/").text
    assert '<a href="/dashboard/buka-toko/" class="start-selling">Mulai berjualan</a>' in html
    assert "Toko saya" not in html


def test_a_vendor_sees_their_shop_instead(client, shop_a, shop_a_owner, password):
    client.login(email=shop_a_owner.email, password=password)
    html = client.get("/").text
    assert '<a href="/dashboard/">Toko saya</a>' in html
    assert "Mulai berjualan" not in html


def test_every_page_links_a_favicon_and_a_web_app_manifest(client, db):
    html = client.get("/").text

    assert 'rel="icon" href="/static/img/favicon.svg" type="image/svg+xml"' in html
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    for name in ("img/favicon.svg", "img/favicon-32.png", "img/icon-192.png", "img/icon-512.png"):
        assert finders.find(name), name


def test_the_manifest_describes_an_installable_app(client, db, settings):
    response = client.get("/manifest.webmanifest")

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == settings.SITE_NAME
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_the_old_favicon_address_is_a_redirect_not_a_404_page(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon-32.png"


def test_html_is_compressed_for_browsers_that_accept_it(client, shop_a):
    make_many(shop_a, 12)

    plain = client.get("/cari/")
    compressed = client.get("/cari/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content).decode().count('class="card"') == 12
    assert len(compressed.content) < len(plain.content) / 3


def test_a_regency_of_another_province_is_dropped_when_the_province_changes(client, shop_a, shop_b):
    make_product(shop_a, name="Keripik Purwakarta")
    make_product(shop_b, name="Batik Batam")
    batam = region("21.71.01", "Batam Kota", "Kota Batam", "Kepulauan Riau").regency

    # The buyer had Purwakarta (32.14) and switched the province to Kepulauan Riau (21).
    response = client.get("/cari/", {"province": "21", "regency": "32.14"})

    assert "Batik Batam" in response.text
    assert "Keripik Purwakarta" not in response.text
    assert response.context["filter_form"]["regency"].value() in (None, "")
    assert f'<option value="{batam.code}">' in response.text
    assert "/static/js/region_filter.js" in response.text


def test_a_regency_of_the_chosen_province_still_filters(client, shop_a, shop_b):
    make_product(shop_a, name="Keripik Purwakarta")
    make_product(shop_b, name="Batik Batam")

    response = client.get("/cari/", {"province": "21", "regency": "21.71"})

    assert "Batik Batam" in response.text
    assert "Keripik Purwakarta" not in response.text
    assert '<option value="21.71" selected>' in response.text


def test_home_shows_products_before_categories_and_expos(client, shop_a):
    make_many(shop_a, 4)
    html = client.get("/").text
    assert html.index('class="card"') < html.index('class="categories"')
