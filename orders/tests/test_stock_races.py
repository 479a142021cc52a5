"""Stock under races, over real transactions on PostgreSQL: checkouts, tabs and vendors' edits."""

import re

import pytest
from django.test import Client
from django.utils import translation

from catalog.models import Product, ProductVariant
from conftest import make_user
from orders.models import Checkout, Order, OrderItem
from orders.tests.factories import cart_with, make_address, make_product, make_shop
from orders.tests.test_reliability import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
MESSAGES = re.compile(r'<li class="message [^"]*">(.*?)</li>', re.S)


@pytest.fixture
def shop(postgres):
    return make_shop(make_user("ani@example.com", first_name="Ani"), name="Dapur Bu Ani")


def checkout_form(buyer, *shops, token):
    form = {"token": token, "address": buyer.addresses.get().pk}
    for shop in shops:
        form[f"shipping_{shop.pk}"], form[f"payment_{shop.pk}"] = "pickup", "transfer"
    return form


def poster(buyer, form):
    """A browser tab of `buyer`: posts the checkout form, follows the redirect, returns what it saw."""

    def post():
        client = Client(raise_request_exception=False)
        client.force_login(buyer)
        first = client.post("/checkout/", form)
        page = client.get(first["Location"]) if first.status_code == 302 else first
        return first.status_code, first.get("Location", ""), MESSAGES.findall(page.text)

    return post


def sold(product):
    return sum(OrderItem.objects.filter(product=product).values_list("quantity", flat=True))


# --- Many buyers, few units --------------------------------------------------------------------


def test_thirty_buyers_for_five_units_over_http_buy_five_and_every_loser_is_told(shop):
    last_five = make_product(shop, name="Dodol Garut", stock=5)
    buyers = [make_user(f"pembeli{n}@example.com") for n in range(30)]
    for buyer in buyers:
        make_address(buyer)
        cart_with(buyer, (last_five, 1))

    results = run_together([poster(b, checkout_form(b, shop, token=f"race-{b.pk}")) for b in buyers])

    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = [status for status, _location, _messages in results]
    assert all(status < 500 for status in statuses), statuses
    winners = [r for r in results if r[1].startswith("/checkout/") and r[1] != "/checkout/"]
    losers = [r for r in results if r not in winners]
    assert (len(winners), len(losers)) == (5, 25)
    for _status, location, messages in losers:
        assert location == "/keranjang/"
        # Lost at the stock update, or already sold out when the checkout page looked.
        assert {
            "“Dodol Garut” baru saja habis terjual; hapus dari keranjang Anda.",
            "Stok “Dodol Garut” habis; hapus dari keranjang Anda.",
        } & set(messages), messages
    last_five.refresh_from_db()
    assert (last_five.stock, sold(last_five), Order.objects.count()) == (0, 5, 5)


def test_twenty_buyers_race_for_the_variants_and_the_sold_out_product_shows_it_everywhere(shop):
    shirt = make_product(
        shop,
        name="Kaos Purwakarta",
        variants=[{"name": "S", "price": 50_000, "stock": 3}, {"name": "M", "price": 55_000, "stock": 2}],
    )
    small, medium = shirt.variants.all()
    buyers = [make_user(f"pembeli{n}@example.com") for n in range(20)]
    for n, buyer in enumerate(buyers):
        make_address(buyer)
        cart_with(buyer, (shirt, 1, small if n % 2 else medium))

    results = run_together([poster(b, checkout_form(b, shop, token=f"v-{b.pk}")) for b in buyers])

    assert all(status < 500 for status, _l, _m in results), results
    small.refresh_from_db()
    medium.refresh_from_db()
    shirt.refresh_from_db()
    assert (small.stock, medium.stock, shirt.stock) == (0, 0, 0)
    assert sorted(OrderItem.objects.values_list("variant_name", flat=True)) == ["M", "M", "S", "S", "S"]
    # A signed-in buyer: pages are built from the database, never from the anonymous page cache.
    visitor = Client()
    visitor.force_login(buyers[0])
    listing = visitor.get(f"/toko/{shop.slug}/").text
    assert "Stok habis" in listing[listing.index("Kaos Purwakarta") :][:1500]
    in_stock = visitor.get("/cari/", {"q": "kaos", "in_stock": "on"})
    assert [p.name for p in in_stock.context["page"].object_list] == []
    page = visitor.get(shirt.get_absolute_url()).text
    assert page.count("Stok habis") >= 2 and "disabled" in page


# --- Tabs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("tabs", [2, 5])
def test_one_cart_posted_from_several_tabs_is_checked_out_once(shop, tabs):
    other_shop = make_shop(make_user("bayu@example.com"), name="Batik Pak Bayu")
    chips = make_product(shop, name="Keripik", stock=10)
    batik = make_product(other_shop, name="Batik", stock=10)
    buyer = make_user("budi@example.com")
    make_address(buyer)
    cart_with(buyer, (chips, 1), (batik, 2))

    results = run_together(
        [poster(buyer, checkout_form(buyer, shop, other_shop, token=f"tab-{n}")) for n in range(tabs)]
    )

    checkout = Checkout.objects.get()
    assert Order.objects.filter(checkout=checkout).count() == 2 == Order.objects.count()
    assert all(status == 302 for status, _l, _m in results), results
    # Every tab ends on the one checkout; the others are told why.
    assert {location for _s, location, _m in results} == {f"/checkout/{checkout.pk}/"}
    told = [m for _s, _l, m in results if any("sudah di-checkout" in text for text in m)]
    assert len(told) == tabs - 1
    chips.refresh_from_db()
    batik.refresh_from_db()
    assert (chips.stock, batik.stock) == (9, 8)


# --- Vendors' edits racing buyers ------------------------------------------------------------


def vendor_client(owner):
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    return client


def form_post(client, product, *, shown, typed, description="Baru."):
    variant = product.variants.get()
    data = {
        "name": product.name, "category": product.category_id, "description": description, "sku": "",
        "weight_grams": "250", "min_order_quantity": "1", "condition": "new", "halal_certificate": "",
        "pirt_number": "", "status": "active", "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1",
        "variants-0-id": str(variant.pk), "variants-0-name": "", "variants-0-price": "15000",
        "variants-0-stock": str(typed), "variants-0-stock_shown": str(shown),
    }  # fmt: skip
    return client.post(f"/dashboard/{product.shop.slug}/produk/{product.pk}/", data)


def bulk_post(client, product, *, shown, typed):
    variant = product.variants.get()
    return client.post(
        f"/dashboard/{product.shop.slug}/produk/stok-harga/",
        {
            f"price-{variant.pk}": "15000",
            f"stock-{variant.pk}": str(typed),
            f"shown-{variant.pk}": str(shown),
        },
    )


def csv_post(client, product, *, shown, typed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = f"name,category,price,stock,sku,stock_shown\n{product.name},makanan-ringan,15000,{typed},KRP-1,{shown}\n"
    upload = SimpleUploadedFile("produk.csv", text.encode(), content_type="text/csv")
    return client.post(f"/dashboard/{product.shop.slug}/produk/impor/", {"file": upload})


VENDOR_EDITS = {"form": form_post, "bulk page": bulk_post, "csv import": csv_post}


def vendor_was_told(response, current):
    text = response.text if response.status_code != 302 else ""
    return f"Stok berubah menjadi {current} sejak Anda membuka halaman ini" in text


@pytest.mark.parametrize("edit", VENDOR_EDITS.values(), ids=VENDOR_EDITS.keys())
def test_a_stale_vendor_page_never_undoes_sales_and_a_fresh_one_is_applied(shop, edit):
    owner = shop.members.get().user
    product = make_product(shop, name="Keripik Balado", stock=5, sku="KRP-1")
    buyers = [make_user(f"pembeli{n}@example.com") for n in range(3)]
    for buyer in buyers:
        make_address(buyer)
        cart_with(buyer, (product, 1))
    run_together([poster(b, checkout_form(b, shop, token=f"s-{b.pk}")) for b in buyers])  # 3 sold

    with translation.override("id"):
        stale = edit(vendor_client(owner), product, shown=5, typed=10)

    assert stale.status_code == 400 and vendor_was_told(stale, 2)
    if edit is not csv_post:  # a file is not shown again: its report names the row instead
        assert 'value="10"' in stale.text  # what the vendor typed is kept
    product.refresh_from_db()
    assert product.stock == 2

    fresh = edit(vendor_client(owner), product, shown=2, typed=10)

    assert fresh.status_code == 302
    product.refresh_from_db()
    assert (product.stock, sold(product)) == (10, 3)


def test_a_description_only_save_of_an_old_form_keeps_the_sales(shop):
    owner = shop.members.get().user
    product = make_product(shop, name="Keripik Balado", stock=5)
    buyers = [make_user(f"pembeli{n}@example.com") for n in range(3)]
    for buyer in buyers:
        make_address(buyer)
        cart_with(buyer, (product, 1))
    run_together([poster(b, checkout_form(b, shop, token=f"d-{b.pk}")) for b in buyers])

    saved = form_post(vendor_client(owner), product, shown=5, typed=5, description="Lebih pedas.")

    assert saved.status_code == 302
    product.refresh_from_db()
    assert (product.description, product.stock, sold(product)) == ("Lebih pedas.", 2, 3)


def test_another_products_price_saved_on_the_bulk_page_leaves_this_stock_alone(shop):
    owner = shop.members.get().user
    chips = make_product(shop, name="Keripik", stock=5)
    tea = make_product(shop, name="Teh", price=8_000, stock=9)
    buyer = make_user("budi@example.com")
    make_address(buyer)
    cart_with(buyer, (chips, 3))
    poster(buyer, checkout_form(buyer, shop, token="b"))()
    chips_variant, tea_variant = chips.variants.get(), tea.variants.get()

    # The page was opened before the sale: it still shows 5 for the chips.
    response = vendor_client(owner).post(
        f"/dashboard/{shop.slug}/produk/stok-harga/",
        {f"price-{chips_variant.pk}": "15000", f"stock-{chips_variant.pk}": "5", f"shown-{chips_variant.pk}": "5",
         f"price-{tea_variant.pk}": "9000", f"stock-{tea_variant.pk}": "9", f"shown-{tea_variant.pk}": "9"},
    )  # fmt: skip

    assert response.status_code == 302
    chips.refresh_from_db()
    tea.refresh_from_db()
    assert (chips.stock, tea.price, tea.stock) == (2, 9_000, 9)


@pytest.mark.parametrize("edit", VENDOR_EDITS.values(), ids=VENDOR_EDITS.keys())
def test_a_vendor_edit_racing_checkouts_never_sells_a_unit_twice(shop, edit):
    owner = shop.members.get().user
    product = make_product(shop, name="Keripik Balado", stock=5, sku="KRP-1")
    buyers = [make_user(f"pembeli{n}@example.com") for n in range(8)]
    for buyer in buyers:
        make_address(buyer)
        cart_with(buyer, (product, 1))
    jobs = [poster(b, checkout_form(b, shop, token=f"r-{b.pk}")) for b in buyers]

    def vendor():
        with translation.override("id"):
            return edit(vendor_client(owner), product, shown=5, typed=7)

    *buyer_results, vendor_result = run_together([*jobs, vendor])

    assert all(status < 500 for status, _l, _m in buyer_results), buyer_results
    assert vendor_result.status_code in (302, 400), vendor_result
    product.refresh_from_db()
    units_sold = sold(product)
    if vendor_result.status_code == 302:
        # Applied before any sale (the stock was still 5): the buyers then bought from 7.
        assert product.stock + units_sold == 7
    else:
        # Refused because buyers had bought meanwhile; the vendor is told the stock of that moment.
        assert re.search(r"Stok berubah menjadi \d+ sejak Anda membuka halaman ini", vendor_result.text)
        assert product.stock + units_sold == 5
    assert Product.objects.get(pk=product.pk).stock == ProductVariant.objects.get(product=product).stock >= 0


def test_adding_to_one_cart_from_several_tabs_at_once_is_never_a_server_error(shop):
    """Was a 500: two tabs both found no cart line and both inserted one (IntegrityError)."""
    product = make_product(shop, name="Keripik", stock=50)
    buyer = make_user("budi@example.com")

    def add():
        client = Client(raise_request_exception=False)
        client.force_login(buyer)
        return client.post("/keranjang/tambah/", {"product": product.pk, "quantity": "1"}).status_code

    statuses = run_together([add] * 8) + run_together([add] * 8)

    assert statuses == [302] * 16
    line = buyer.cart.items.get()
    assert line.quantity == 16
