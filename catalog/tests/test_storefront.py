import json
import re

import pytest
from django.urls import reverse

from catalog.models import Product, ProductImage
from catalog.tests.factories import make_product, make_shop, region
from vendors.models import Shop

pytestmark = pytest.mark.django_db


def add_ready_image(product, position=0):
    return ProductImage.objects.create(
        product=product,
        original="products/originals/x",
        position=position,
        is_primary=position == 0,
        status=ProductImage.Status.READY,
        width=800,
        height=600,
        renditions=[
            {"width": w, "height": w * 3 // 4, "name": f"products/r/{product.pk}-{position}/{w}.webp"}
            for w in (160, 400, 800)
        ],
    )


def make_many(shop, n, **fields):
    products = [make_product(shop, **fields) for _ in range(n)]
    for product in products:
        add_ready_image(product)
    return products


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/cari/",
        "/cari/?q=keripik",
        "/cari/?q=kripik",
        "/cari/?q=keripik&sort=price_asc",
        "/kategori/makanan-minuman/",
        "/cari/?province=32&sort=price_asc&halal=on&in_stock=on&min_price=1",
    ],
)
def test_listings_run_the_same_queries_for_6_or_48_products(
    client, shop_a, url, django_assert_max_num_queries
):
    make_many(shop_a, 6)
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    make_many(shop_a, 42)
    with django_assert_max_num_queries(10) as many:
        assert client.get(url).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_listing_page_of_24_products_is_under_60_kb_without_blocking_scripts(client, shop_a):
    make_many(shop_a, 30, description="Renyah " * 200)

    response = client.get("/cari/")

    assert len(response.content) < 60_000
    assert response.text.count('class="card"') == 24
    assert not re.search(r"<script(?![^>]*(application/ld\+json|async|defer))[^>]*>", response.text)


def test_photos_below_the_fold_load_lazily_with_srcset_and_size(client, shop_a):
    make_many(shop_a, 8)

    html = client.get("/cari/").text

    assert html.count('loading="lazy"') == 4 and html.count('loading="eager"') == 4
    assert 'srcset="/media/products/r/' in html and "160w" in html and 'width="400" height="300"' in html


def test_a_product_without_processed_photos_shows_a_placeholder(client, shop_a):
    make_product(shop_a, name="Kopi Robusta")

    html = client.get("/cari/").text

    assert 'class="placeholder' in html


def test_pagination_shows_24_per_page_and_keeps_the_filters(client, shop_a):
    make_many(shop_a, 30)

    html = client.get("/cari/?sort=newest&in_stock=on").text

    assert html.count('class="card"') == 24
    assert "?sort=newest&amp;in_stock=on&amp;page=2" in html
    assert client.get("/cari/?sort=newest&in_stock=on&page=2").text.count('class="card"') == 6


def test_filters_by_price_region_community_halal_and_stock(client, shop_a, shop_b):
    cheap = make_product(shop_a, name="Rengginang", price=10000, halal_certificate="ID321100001")
    dear = make_product(
        shop_b, name="Batik Tulis", price=500000, category_id=None or cheap.category_id, stock=0
    )

    def names(query):
        return [p.name for p in client.get(f"/cari/{query}").context["products"]]

    assert names("?max_price=20000") == ["Rengginang"]
    assert names("?min_price=100000") == ["Batik Tulis"]
    assert names("?province=21") == ["Batik Tulis"]
    assert names("?province=32&regency=32.14") == ["Rengginang"]
    assert names("?halal=on") == ["Rengginang"]
    assert names("?in_stock=on") == ["Rengginang"]
    assert names("?sort=price_desc") == ["Batik Tulis", "Rengginang"]
    assert names("?sort=price_asc") == ["Rengginang", "Batik Tulis"]
    assert names("?min_price=abc") == ["Batik Tulis", "Rengginang"]  # a bad filter is ignored
    assert dear.stock == 0


def test_filter_by_community(client, shop_a, shop_b):
    from vendors.models import Community

    koperasi = Community.objects.create(name="Koperasi Maju Bersama", slug="koperasi-maju")
    shop_a.communities.add(koperasi)
    make_product(shop_a, name="Opak Ketan")
    make_product(shop_b, name="Kain Tenun")

    products = client.get("/cari/?community=koperasi-maju").context["products"]

    assert [p.name for p in products] == ["Opak Ketan"]


def test_best_selling_sort_uses_sold_count(client, shop_a):
    make_product(shop_a, name="Jarang Laku")
    popular = make_product(shop_a, name="Paling Laku")
    Product.objects.filter(pk=popular.pk).update(sold_count=50)

    products = client.get("/cari/?sort=best_selling").context["products"]

    assert products[0].name == "Paling Laku"


def test_category_page_lists_products_of_its_sub_categories(client, shop_a):
    make_product(shop_a, name="Keripik Tempe")  # in makanan-ringan, a child of makanan-minuman

    response = client.get("/kategori/makanan-minuman/")

    assert [p.name for p in response.context["products"]] == ["Keripik Tempe"]
    assert "Makanan Ringan &amp; Keripik" in response.text
    assert client.get("/kategori/tidak-ada/").status_code == 404


def test_product_page_has_gallery_variants_shop_whatsapp_and_sharing_tags(client, shop_a, settings):
    settings.SITE_URL = "https://warung.example"
    product = make_product(
        shop_a,
        name="Kaos Sablon Purwakarta",
        description="Katun 30s.\n\nNyaman.",
        variants=[
            {"name": "Ukuran M / Putih", "price": 15000, "stock": 10},
            {"name": "Ukuran L / Merah", "price": 85000, "stock": 3},
        ],
    )
    add_ready_image(product)
    other = make_product(shop_a, name="Kaos Polos")

    response = client.get(f"/toko/{shop_a.slug}/{product.slug}/")

    html = response.text
    assert response.status_code == 200
    assert "Ukuran L / Merah" in html and "Rp85.000" in html
    assert "Dapur Bu Ani" in html and "Purwakarta" in html
    assert "https://wa.me/6281234567890?text=" in html
    assert '<meta property="og:image" content="https://warung.example/media/products/r/' in html
    assert 'property="og:title" content="Kaos Sablon Purwakarta – Rp15.000"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Product" and data["offers"]["price"] == "15000"
    assert data["offers"]["priceCurrency"] == "IDR"
    assert other.name in html  # related products
    assert "<p>Katun 30s.</p>" in html


def test_product_page_query_count_is_fixed(client, shop_a, django_assert_max_num_queries):
    product = make_product(shop_a)
    make_many(shop_a, 10)
    with django_assert_max_num_queries(8):
        client.get(product.get_absolute_url())


def test_home_shows_categories_new_products_best_sellers_and_new_shops(client, shop_a):
    product = make_product(shop_a, name="Peuyeum Bendul")
    Product.objects.filter(pk=product.pk).update(sold_count=3)

    html = client.get("/").text

    assert "Makanan &amp; Minuman" in html and 'href="/kategori/fesyen/"' in html
    assert html.count("Peuyeum Bendul") == 2  # newest and best sellers
    assert "Dapur Bu Ani" in html


def test_header_search_form_points_to_the_search_page(client):
    assert 'action="/cari/"' in client.get("/").text
    assert reverse("catalog:search") == "/cari/"


def test_shop_products_selector_for_the_shop_page(shop_a, shop_b):
    from catalog.selectors import products_for_shop

    mine = make_product(shop_a)
    make_product(shop_b)
    make_product(shop_a, status=Product.Status.DRAFT)

    assert list(products_for_shop(shop_a)) == [mine]


def test_shop_region_filter_uses_real_regions(client, shop_a_owner):
    shop = make_shop(
        shop_a_owner, district=region("19.71.01", "Bukit Intan", "Kota Pangkal Pinang", "Bangka Belitung")
    )
    make_product(shop, name="Kerupuk Ikan Tenggiri")

    assert [p.name for p in client.get("/cari/?province=19").context["products"]] == ["Kerupuk Ikan Tenggiri"]
    assert Shop.objects.get(pk=shop.pk).district.regency.name == "Kota Pangkal Pinang"


def test_home_shows_products_near_the_region_the_buyer_filtered_by(client, shop_a, shop_b):
    make_product(shop_a, name="Simping Kaum")  # Kabupaten Purwakarta, Jawa Barat
    make_product(shop_b, name="Kue Bingke")  # Kota Batam, Kepulauan Riau

    assert "Dekat Anda" not in client.get("/").text
    client.get("/cari/?province=21&regency=21.71")
    near = client.get("/").context["near"]

    assert [p.name for p in near] == ["Kue Bingke"]
    assert "Dekat Anda: Kota Batam" in client.get("/").text
    client.cookies["wilayah"] = "'; drop table --"
    assert "Dekat Anda" not in client.get("/").text
