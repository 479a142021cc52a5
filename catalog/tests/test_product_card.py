"""The listing card, as a buyer reads it on a search page, in both languages."""

import re

import pytest
from django.conf import settings

from catalog.models import Product, ProductImage, Review
from catalog.tests.factories import make_product, make_shop
from catalog.tests.test_storefront import add_ready_image
from conftest import make_user

pytestmark = pytest.mark.django_db


def cards(html):
    return re.findall(r'<li class="card">.*?</li>', html, re.S)


def card_of(html, name):
    [card] = [card for card in cards(html) if name in card]
    return card


def test_a_card_links_to_the_product_and_says_price_rating_sales_shop_and_regency(client, shop_a):
    product = make_product(shop_a, name="Keripik Pedas", price=1250000, halal_certificate="ID123")
    add_ready_image(product)
    Product.objects.filter(pk=product.pk).update(sold_count=1234)
    for n, rating in enumerate((5, 4, 4)):
        Review.objects.create(product=product, author=make_user(f"r{n}@example.com"), rating=rating)

    card = card_of(client.get("/cari/").text, "Keripik Pedas")

    assert f'<a href="/toko/{shop_a.slug}/{product.slug}/">' in card
    assert '<span class="card-price">Rp1.250.000</span>' in card
    assert "4,3 (3 ulasan) · 1234 terjual" in card
    assert f"{shop_a.name} · Kabupaten Purwakarta" in card
    assert '<span class="tag halal">Halal</span>' in card
    assert "Stok habis" not in card
    assert 'class="card-img"' in card and 'alt=""' in card  # the link already says the name


def test_a_card_in_english(client, shop_a):
    product = make_product(shop_a, name="Kopi Robusta", stock=0)
    Review.objects.create(product=product, author=make_user("r@example.com"), rating=5)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    card = card_of(client.get("/cari/").text, "Kopi Robusta")

    assert "5.0 (1 review) · 0 sold" in card
    assert '<span class="tag out">Out of stock</span>' in card
    assert "No photo yet" in card


def test_names_typed_by_sellers_are_escaped_on_cards(client, shop_a_owner):
    shop = make_shop(shop_a_owner, name='Toko <b>"Ani"</b> & Co')  # no region chosen yet
    make_product(shop, name="<script>alert(1)</script> Sambal %(x)s {}")

    html = client.get("/cari/").text
    card = card_of(html, "Sambal")

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Sambal %(x)s {}" in card
    assert '<span class="card-meta">Toko &lt;b&gt;&quot;Ani&quot;&lt;/b&gt; &amp; Co</span>' in card
    assert "Belum ada ulasan · 0 terjual" in card


def test_the_first_row_of_cards_loads_its_photos_at_once(client, shop_a):
    for n in range(6):
        add_ready_image(make_product(shop_a, name=f"Bolu {n}"))

    loading = re.findall(r'loading="(\w+)"', "".join(cards(client.get("/cari/?sort=newest").text)))

    assert loading == ["eager"] * 4 + ["lazy"] * 2


def test_a_card_shows_the_main_photo_and_says_when_it_is_not_ready_yet(client, shop_a):
    """The card's photo comes with the card's own query: the one photo marked as main."""
    shown = make_product(shop_a, name="Bolu Pandan")
    add_ready_image(shown, position=1)  # another photo, not the main one
    main = add_ready_image(shown)
    ProductImage.objects.filter(pk=main.pk).update(alt_text="Bolu pandan di atas piring")
    waiting = make_product(shop_a, name="Bolu Keju")
    add_ready_image(waiting)
    ProductImage.objects.filter(product=waiting).update(status=ProductImage.Status.PENDING)
    without_main = make_product(shop_a, name="Bolu Coklat")
    add_ready_image(without_main, position=1)

    html = client.get("/cari/").text

    card = card_of(html, "Bolu Pandan")
    assert f'src="/media/products/r/{shown.pk}-0/400.webp"' in card
    assert f"/products/r/{shown.pk}-1/" not in card
    assert 'alt="Bolu pandan di atas piring"' in card
    assert 'aria-label="Foto sedang disiapkan"' in card_of(html, "Bolu Keju")
    assert 'aria-label="Belum ada foto"' in card_of(html, "Bolu Coklat")
    assert len(cards(html)) == 3  # one card per product, whatever its number of photos
