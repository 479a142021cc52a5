"""Search, the same specification on SQLite (FTS5 trigrams) and PostgreSQL (tsvector, pg_trgm):
every test asking for `database` runs on both (see conftest.pytest_generate_tests)."""

import threading

import pytest
from django.db import connection

from catalog.models import Product
from catalog.tests.factories import category, make_product


def found(client, query):
    return [p.name for p in client.get("/cari/", {"q": query}).context["products"]]


def test_search_finds_by_name_category_shop_and_description_ranked_by_name_first(database, client, shop_a):
    make_product(shop_a, name="Dodol Garut", description="Cocok dengan keripik.")
    make_product(shop_a, name="Keripik Pisang Cokelat")
    make_product(shop_a, name="Tas Anyaman Pandan", category=category("anyaman"))

    assert found(client, "keripik") == ["Keripik Pisang Cokelat", "Dodol Garut"]
    assert found(client, "anyaman") == ["Tas Anyaman Pandan"]
    assert set(found(client, "bu ani")) == {"Dodol Garut", "Keripik Pisang Cokelat", "Tas Anyaman Pandan"}
    assert found(client, "kerip") == ["Keripik Pisang Cokelat", "Dodol Garut"]  # prefix


def test_search_tolerates_typos(database, client, shop_a):
    make_product(shop_a, name="Keripik Singkong Balado")
    make_product(shop_a, name="Batik Tulis Sekar Jagad", category=category("batik"))

    assert found(client, "kripik") == ["Keripik Singkong Balado"]
    assert found(client, "singkog balado") == ["Keripik Singkong Balado"]
    assert found(client, "batikk") == ["Batik Tulis Sekar Jagad"]


def rename_in_the_product_form(client, owner, password, product, name):
    """The shop owner renames a product (5 in stock, 25,000) through its form in the dashboard."""
    client.login(email=owner.email, password=password)
    data = {
        "name": name, "category": product.category_id, "description": "", "sku": "",
        "weight_grams": "200", "min_order_quantity": "1", "condition": "new",
        "halal_certificate": "", "pirt_number": "", "status": "active",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1", "variants-0-id": str(product.variants.get().pk),
        "variants-0-name": "", "variants-0-price": "25000", "variants-0-stock": "5", "variants-0-stock_shown": "5",
    }  # fmt: skip
    client.post(f"/dashboard/{product.shop.slug}/produk/{product.pk}/", data)
    client.logout()


def test_the_search_vector_follows_edits_made_through_the_service(
    database, client, shop_a_owner, shop_a, password
):
    product = make_product(shop_a, name="Sambal Roa", stock=5)
    rename_in_the_product_form(client, shop_a_owner, password, product, "Sambal Cumi Pedas")

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


def test_an_explicit_sort_orders_all_matches(database, client, shop_a):
    make_product(shop_a, name="Keripik Mahal", price=90000)
    make_product(shop_a, name="Keripik Murah", price=9000)

    response = client.get("/cari/", {"q": "keripik", "sort": "price_asc"})
    assert [p.name for p in response.context["products"]] == ["Keripik Murah", "Keripik Mahal"]


def test_a_shop_renamed_is_found_by_its_new_name_after_refreshing_vectors(database, client, shop_a):
    from django.core.management import call_command

    from vendors.models import Shop

    make_product(shop_a, name="Opak Bakar")
    Shop.objects.filter(pk=shop_a.pk).update(name="Sentra Oleh-oleh Wanayasa")
    call_command("refresh_search_vectors", shop=shop_a.pk, stdout=None)

    assert found(client, "wanayasa") == ["Opak Bakar"]


def test_a_shop_renamed_in_its_profile_is_found_by_its_new_name(database, client, shop_a):
    from vendors.services import update_profile

    make_product(shop_a, name="Opak Bakar")
    update_profile(shop=shop_a, name="Sentra Oleh-oleh Wanayasa", description="Oleh-oleh khas.")

    assert found(client, "wanayasa") == ["Opak Bakar"]
    assert found(client, "bu ani") == []


def test_listings_say_more_than_when_the_count_is_capped(db, client, shop_a, monkeypatch):
    from catalog.selectors import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    for _ in range(4):
        make_product(shop_a)

    assert "Lebih dari 3 produk" in client.get("/cari/").text


def test_the_second_page_of_a_search_goes_on_where_the_first_stopped(database, client, shop_a):
    for n in range(20):
        make_product(shop_a, name=f"Keripik Pisang {n}")
    for n in range(10):
        make_product(shop_a, name=f"Dodol {n}", description="Cocok dengan keripik.")

    first = client.get("/cari/", {"q": "keripik"})
    second = client.get("/cari/", {"q": "keripik", "page": 2})

    names = [p.name for p in first.context["products"]] + [p.name for p in second.context["products"]]
    assert len(set(names)) == 30
    assert all(name.startswith("Keripik") for name in names[:20])
    assert "30 produk" in first.text


def test_a_search_finds_its_candidates_once_and_reads_only_the_cards_it_shows(
    postgres, client, shop_a, django_assert_num_queries
):
    for _ in range(30):
        make_product(shop_a)

    # The filter choices (provinces, communities), the ranked candidates, the page's cards with
    # their photos; the count is the candidates'. Sorted, the page's ids come in the sort's order
    # first, so that a page whose cards are cached reads nothing more.
    with django_assert_num_queries(4):
        client.get("/cari/", {"q": "keripik"})
    with django_assert_num_queries(5):
        client.get("/cari/", {"q": "keripik", "sort": "price_asc", "page": 2})
    # Near spellings are looked for only once no exact match is found: the names' words close to
    # the typed ones, then the products with them.
    with django_assert_num_queries(6):
        client.get("/cari/", {"q": "kripik"})


def test_suggestions_offer_visible_product_names_by_word_prefix(database, client, shop_a):
    make_product(shop_a, name="Keripik Singkong Balado")
    make_product(shop_a, name="Kerupuk Ikan")
    make_product(shop_a, name="Keripik Rahasia", status=Product.Status.DRAFT)
    make_product(shop_a, name="Dodol", description="keripik di deskripsi")

    assert client.get("/cari/saran/", {"q": "kerip"}).json() == {"suggestions": ["Keripik Singkong Balado"]}
    assert client.get("/cari/saran/", {"q": "ker bal"}).json() == {"suggestions": ["Keripik Singkong Balado"]}
    assert client.get("/cari/saran/", {"q": "k"}).json() == {"suggestions": []}


@pytest.mark.parametrize("url", ["/cari/", "/", "/keranjang/", "/accounts/login/"])
def test_every_page_with_the_search_box_defers_the_suggestion_script(db, client, url):
    html = client.get(url).text

    assert 'id="site-search"' in html
    assert html.count('src="/static/js/suggest.js" data-url="/cari/saran/" defer') == 1


@pytest.mark.parametrize(
    ("url", "box"),
    [
        ("/", 'name="q" value=""'),
        ("/cari/?q=kopi+susu", 'name="q" value="kopi susu"'),
        ("/cari/?q=teh&q=kopi", 'name="q" value="kopi"'),  # the last, as the search reads it
        (
            '/cari/?q="><script>alert(1)</script>',
            'name="q" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"',
        ),
    ],
)
def test_the_header_search_box_keeps_the_words_searched_for_escaped(db, client, url, box):
    assert box in client.get(url).text


def test_typos_in_snack_and_spice_names_are_forgiven(database, client, shop_a):
    make_product(shop_a, name="Keripik Tempe Sagu")
    make_product(shop_a, name="Kerupuk Udang Sidoarjo")
    make_product(shop_a, name="Sambal Bawang Kemasan", category=category("sambal-bumbu"))
    make_product(shop_a, name="Kopi Robusta Bubuk", category=category("kopi-teh"))
    make_product(shop_a, name="Tikar Pandan Lipat", category=category("anyaman"))

    assert found(client, "kripik") == ["Keripik Tempe Sagu"]
    assert found(client, "krupuk") == ["Kerupuk Udang Sidoarjo"]
    assert found(client, "sambel") == ["Sambal Bawang Kemasan"]
    assert found(client, "robsta") == ["Kopi Robusta Bubuk"]
    assert found(client, "Padan") == ["Tikar Pandan Lipat"]


def test_each_word_of_a_query_with_a_typo_must_be_close_to_a_word_of_the_name(database, client, shop_a):
    make_product(shop_a, name="Kopi Robusta Bubuk", category=category("kopi-teh"))
    make_product(shop_a, name="Kopi Luwak Asli", category=category("kopi-teh"))
    make_product(shop_a, name="Gula Aren Robusta")

    assert found(client, "kopi robsta") == ["Kopi Robusta Bubuk"]
    assert found(client, "kopii luwk") == ["Kopi Luwak Asli"]
    assert found(client, "kopi qwzx") == []  # one word close to nothing: nothing, not every kopi


def test_a_typo_of_a_word_new_to_the_catalogue_is_forgiven_once_a_product_has_it(
    database, client, shop_a_owner, shop_a, password
):
    assert found(client, "kastangel") == []
    make_product(shop_a, name="Kastengel Keju Edam")
    assert found(client, "kastangel") == ["Kastengel Keju Edam"]

    product = make_product(shop_a, name="Nastar Nanas", stock=5)
    rename_in_the_product_form(client, shop_a_owner, password, product, "Putri Salju Mede")

    assert found(client, "putri saljo") == ["Putri Salju Mede"]
    assert found(client, "nastr") == []  # the old name's words no longer find it


@pytest.mark.django_db(transaction=True)
def test_two_vendors_saving_names_with_the_same_new_words_at_once_both_save(postgres, client, shop_a, shop_b):
    barrier, errors = threading.Barrier(2), []

    def add(shop, name):
        try:
            barrier.wait(timeout=10)
            make_product(shop, name=name)  # the second waits for the first's words, then adds none
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=(shop_a, "Wajik Ketan Kinca")),
        threading.Thread(target=add, args=(shop_b, "Kinca Wajik Ketan")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(found(client, "wajk kinca")) == ["Kinca Wajik Ketan", "Wajik Ketan Kinca"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("kripik:*", ["Keripik Tempe Sagu"]),
        ("'kripik'", ["Keripik Tempe Sagu"]),
        ("kripik\\", ["Keripik Tempe Sagu"]),
        ("kripik | batik", []),  # both words, as typed: no name has both
        ("kripik & !tempe", ["Keripik Tempe Sagu"]),  # "!" is not read: both words are wanted
    ],
)
def test_search_words_cannot_write_the_full_text_query(database, client, shop_a, query, names):
    make_product(shop_a, name="Keripik Tempe Sagu")
    make_product(shop_a, name="Batik Tulis")

    assert found(client, query) == names


def test_exact_matches_rank_before_near_spellings_and_descriptions(database, client, shop_a):
    make_product(shop_a, name="Bolu Pandan Gulung", category=category("kue-roti"))
    make_product(shop_a, name="Tikar Anyaman", description="Dari daun pandan.", category=category("anyaman"))

    assert found(client, "pandan") == ["Bolu Pandan Gulung", "Tikar Anyaman"]


def test_a_shop_or_category_word_finds_its_products(database, client, shop_a, shop_b):
    make_product(shop_a, name="Dodol Garut")
    make_product(shop_b, name="Kain Tenun", category=category("batik"))

    assert found(client, "dapur") == ["Dodol Garut"]
    assert found(client, "pak bayu") == ["Kain Tenun"]
    assert found(client, "batik") == ["Kain Tenun"]


def test_search_keeps_filters_and_hides_what_buyers_may_not_see(database, client, shop_a):
    make_product(shop_a, name="Keripik Murah", price=9000)
    make_product(shop_a, name="Keripik Mahal", price=90000)
    make_product(shop_a, name="Keripik Rahasia", status=Product.Status.DRAFT)

    response = client.get("/cari/", {"q": "kripik", "max_price": "10000"})

    assert [p.name for p in response.context["products"]] == ["Keripik Murah"]
    assert found(client, "rahasia") == []


def test_search_forgets_deleted_products_and_follows_renamed_ones(database, client, shop_a):
    from catalog.services import refresh_search_vectors

    gone = make_product(shop_a, name="Opak Ketan")
    kept = make_product(shop_a, name="Rengginang Terasi")
    gone.delete()
    Product.objects.filter(pk=kept.pk).update(name="Rengginang Ketan")
    refresh_search_vectors(product_ids=[gone.pk, kept.pk])

    assert found(client, "ketan") == ["Rengginang Ketan"]
    assert found(client, "terasi") == []


def test_with_nothing_found_the_page_offers_near_spellings_and_popular_categories(database, client, shop_a):
    make_product(shop_a, name="Keripik Tempe Sagu")
    make_product(shop_a, name="Rengginang Terasi")
    make_product(shop_a, name="Tikar Pandan Lipat", category=category("anyaman"))

    response = client.get("/cari/", {"q": "kirepik"})

    assert list(response.context["products"]) == []
    assert response.context["spellings"] == ["keripik"]
    assert '<a href="/cari/?q=keripik">keripik</a>' in response.text
    assert "Mungkin maksud Anda:" in response.text
    popular = [c.slug for c in response.context["popular_categories"]]
    assert popular == ["makanan-ringan", "anyaman"]
    assert "Kategori populer" in response.text


def test_a_query_spelled_as_the_catalogue_spells_it_suggests_nothing(database, client, shop_a):
    make_product(shop_a, name="Keripik Tempe Sagu")

    response = client.get("/cari/", {"q": "keripik"})

    assert "spellings" not in response.context
