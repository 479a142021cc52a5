import pytest

from catalog.models import Product
from catalog.tests.factories import category, make_product


def found(client, query):
    return [p.name for p in client.get("/cari/", {"q": query}).context["products"]]


@pytest.mark.postgres
def test_search_finds_by_name_category_shop_and_description_ranked_by_name_first(postgres, client, shop_a):
    make_product(shop_a, name="Dodol Garut", description="Cocok dengan keripik.")
    make_product(shop_a, name="Keripik Pisang Cokelat")
    make_product(shop_a, name="Tas Anyaman Pandan", category=category("anyaman"))

    assert found(client, "keripik") == ["Keripik Pisang Cokelat", "Dodol Garut"]
    assert found(client, "anyaman") == ["Tas Anyaman Pandan"]
    assert set(found(client, "bu ani")) == {"Dodol Garut", "Keripik Pisang Cokelat", "Tas Anyaman Pandan"}
    assert found(client, "kerip") == ["Keripik Pisang Cokelat", "Dodol Garut"]  # prefix


@pytest.mark.postgres
def test_search_tolerates_typos(postgres, client, shop_a):
    make_product(shop_a, name="Keripik Singkong Balado")
    make_product(shop_a, name="Batik Tulis Sekar Jagad", category=category("batik"))

    assert found(client, "kripik") == ["Keripik Singkong Balado"]
    assert found(client, "singkog balado") == ["Keripik Singkong Balado"]
    assert found(client, "batikk") == ["Batik Tulis Sekar Jagad"]


@pytest.mark.postgres
def test_the_search_vector_follows_edits_made_through_the_service(
    postgres, client, shop_a_owner, shop_a, password
):
    product = make_product(shop_a, name="Sambal Roa", stock=5)
    variant = product.variants.get()
    client.login(email=shop_a_owner.email, password=password)
    data = {
        "name": "Sambal Cumi Pedas", "category": product.category_id, "description": "", "sku": "",
        "weight_grams": "200", "min_order_quantity": "1", "condition": "new",
        "halal_certificate": "", "pirt_number": "", "status": "active",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1", "variants-0-id": str(variant.pk),
        "variants-0-name": "", "variants-0-price": "25000", "variants-0-stock": "5", "variants-0-stock_shown": "5",
    }  # fmt: skip
    client.post(f"/dashboard/{shop_a.slug}/produk/{product.pk}/", data)
    client.logout()

    assert found(client, "cumi") == ["Sambal Cumi Pedas"]
    assert found(client, "roa") == []


def test_search_matches_non_latin_and_emoji_names(db, client, shop_a):
    make_product(shop_a, name="Teh Hijau 緑茶 🍵")

    assert found(client, "緑茶") == ["Teh Hijau 緑茶 🍵"]
    assert found(client, "") == ["Teh Hijau 緑茶 🍵"]


def test_search_with_only_punctuation_lists_everything(db, client, shop_a):
    make_product(shop_a, name="Kopi Luwak")

    assert found(client, "!!! '' --") == ["Kopi Luwak"]
    assert Product.objects.count() == 1


@pytest.mark.postgres
def test_an_explicit_sort_orders_all_matches(postgres, client, shop_a):
    make_product(shop_a, name="Keripik Mahal", price=90000)
    make_product(shop_a, name="Keripik Murah", price=9000)

    response = client.get("/cari/", {"q": "keripik", "sort": "price_asc"})
    assert [p.name for p in response.context["products"]] == ["Keripik Murah", "Keripik Mahal"]


@pytest.mark.postgres
def test_a_shop_renamed_is_found_by_its_new_name_after_refreshing_vectors(postgres, client, shop_a):
    from django.core.management import call_command

    from vendors.models import Shop

    make_product(shop_a, name="Opak Bakar")
    Shop.objects.filter(pk=shop_a.pk).update(name="Sentra Oleh-oleh Wanayasa")
    call_command("refresh_search_vectors", shop=shop_a.pk, stdout=None)

    assert found(client, "wanayasa") == ["Opak Bakar"]


def test_listings_say_more_than_when_the_count_is_capped(db, client, shop_a, monkeypatch):
    from catalog.selectors import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    for _ in range(4):
        make_product(shop_a)

    assert "Lebih dari 3 produk" in client.get("/cari/").text


@pytest.mark.postgres
def test_suggestions_offer_visible_product_names_by_word_prefix(postgres, client, shop_a):
    make_product(shop_a, name="Keripik Singkong Balado")
    make_product(shop_a, name="Kerupuk Ikan")
    make_product(shop_a, name="Keripik Rahasia", status=Product.Status.DRAFT)
    make_product(shop_a, name="Dodol", description="keripik di deskripsi")

    assert client.get("/cari/saran/", {"q": "kerip"}).json() == {"suggestions": ["Keripik Singkong Balado"]}
    assert client.get("/cari/saran/", {"q": "ker bal"}).json() == {"suggestions": ["Keripik Singkong Balado"]}
    assert client.get("/cari/saran/", {"q": "k"}).json() == {"suggestions": []}


def test_the_suggestion_script_is_deferred(db, client):
    html = client.get("/cari/").text

    assert 'src="/static/js/suggest.js" data-url="/cari/saran/" defer' in html
