"""What buyers see: approved shops only, with what they need to trust and contact the seller."""

import pytest
from django.urls import reverse

from vendors.models import Community, Shop
from vendors.tests.conftest import make_shop, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def koperasi(district):
    return Community.objects.create(name="Koperasi UMKM Purwakarta", slug="koperasi-umkm-purwakarta")


def test_an_approved_shop_page_shows_who_where_and_how_to_chat(
    client, shop_a, koperasi, django_assert_max_num_queries
):
    shop_a.communities.add(koperasi)
    Shop.objects.filter(pk=shop_a.pk).update(
        instagram="keripikbusri", facebook="keripikbusri", opening_hours="Setiap hari 08.00–20.00"
    )

    with django_assert_max_num_queries(10):  # the catalogue adds the product listing
        response = client.get(f"/toko/{shop_a.slug}/")

    text = response.text
    assert response.status_code == 200
    assert "<h1>Keripik Bu Sri</h1>" in text
    assert "Purwakarta, Kabupaten Purwakarta, Jawa Barat" in text
    assert 'href="/komunitas/koperasi-umkm-purwakarta/"' in text
    assert "Setiap hari 08.00–20.00" in text
    assert 'href="https://wa.me/6281234567890?text=Halo%20Keripik%20Bu%20Sri%2C%20saya%20menemukan' in text
    assert 'href="https://www.instagram.com/keripikbusri/"' in text
    assert 'href="https://www.facebook.com/keripikbusri"' in text
    assert 'id="produk"' in text


def test_the_shop_page_carries_a_link_preview_for_whatsapp(client, shop_a_owner, district, settings):
    settings.SITE_URL = "https://warung.example"
    shop = make_shop(
        shop_a_owner, "Batik Cantik", district=district, description="Batik tulis khas Purwakarta."
    )
    shop.logo.save("logo.png", photo())

    text = client.get(shop.get_absolute_url()).text

    assert '<meta property="og:title" content="Batik Cantik">' in text
    assert '<meta property="og:description" content="Batik tulis khas Purwakarta.">' in text
    assert f'<meta property="og:image" content="https://warung.example{shop.logo.url}">' in text
    assert '<meta property="og:url" content="https://warung.example/toko/batik-cantik/">' in text


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "suspended"])
def test_a_shop_that_is_not_approved_is_404_for_everyone_even_its_owner(
    status, client, login, shop_a, shop_a_owner
):
    Shop.objects.filter(pk=shop_a.pk).update(status=status)

    anonymous = client.get(shop_a.get_absolute_url())
    owner = login(shop_a_owner).get(shop_a.get_absolute_url())

    assert (anonymous.status_code, owner.status_code) == (404, 404)


def test_a_community_page_lists_its_approved_shops_only(
    client, koperasi, shop_a, shop_b, shop_b_owner, district, django_assert_max_num_queries
):
    pending = make_shop(shop_b_owner, "Toko Menunggu", district=district, status=Shop.Status.PENDING)
    for shop in (shop_a, shop_b, pending):
        shop.communities.add(koperasi)

    # The community and its shops, plus the members' products and their photos (catalog's part).
    with django_assert_max_num_queries(4):
        response = client.get(reverse("vendors:community", args=[koperasi.slug]))

    assert "Keripik Bu Sri" in response.text
    assert "Batik Pak Agus" in response.text
    assert "Toko Menunggu" not in response.text


def test_many_shops_on_a_community_page_still_take_four_queries(
    client, koperasi, shop_a_owner, district, django_assert_max_num_queries
):
    for n in range(12):
        make_shop(shop_a_owner, f"Toko {n}", district=district).communities.add(koperasi)

    with django_assert_max_num_queries(4):
        response = client.get(koperasi.get_absolute_url())

    assert response.text.count('class="shop-list-name"') == 12


def test_an_unknown_community_is_404(client, db):
    assert client.get("/komunitas/tidak-ada/").status_code == 404
