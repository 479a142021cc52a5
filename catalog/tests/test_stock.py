"""catalog.stock, the only writer of stock: take, give back, adjust, and the listing figures."""

import importlib
import random
import threading

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import stock
from catalog.models import Product, ProductVariant
from catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db


def two_sizes(shop, s=3, m=2):
    return make_product(
        shop,
        name="Kaos",
        variants=[{"name": "S", "price": 50_000, "stock": s}, {"name": "M", "price": 45_000, "stock": m}],
    )


def test_a_product_without_options_has_one_default_variant_holding_price_and_stock(shop_a):
    product = make_product(shop_a, price=12_000, stock=7, sku="K-1")

    assert list(product.variants.values_list("name", "price", "stock", "sku")) == [("", 12_000, 7, "K-1")]
    assert (product.price, product.stock) == (12_000, 7)


def test_the_listing_figures_are_the_lowest_price_and_the_total_stock(shop_a):
    product = two_sizes(shop_a)

    assert (product.price, product.stock, product.in_stock) == (45_000, 5, True)


def test_take_gives_back_and_keeps_the_listing_figures_in_step(shop_a):
    product = two_sizes(shop_a)
    small, medium = product.variants.all()

    stock.take([stock.Units(small.pk, 3), stock.Units(medium.pk, 2)])
    product.refresh_from_db()
    assert (product.stock, product.in_stock) == (0, False)

    stock.give_back([stock.Units(medium.pk, 1)])
    product.refresh_from_db()
    medium.refresh_from_db()
    assert (product.stock, medium.stock) == (1, 1)


def test_a_short_take_takes_nothing_and_says_what_is_left(shop_a):
    product = two_sizes(shop_a, s=3, m=1)
    small, medium = product.variants.all()

    with pytest.raises(stock.OutOfStock) as short:
        stock.take([stock.Units(small.pk, 2), stock.Units(medium.pk, 2)])

    assert short.value.left == 1 and "Kaos (M)" in short.value.messages[0]
    assert list(ProductVariant.objects.order_by("pk").values_list("stock", flat=True)) == [3, 1]


def test_adjust_applies_a_typed_number_only_over_the_number_shown(shop_a):
    product = make_product(shop_a, stock=5)
    variant = product.variants.get()
    stock.take([stock.Units(variant.pk, 3)])  # sold while the vendor's page was open

    with pytest.raises(stock.StockChangedMany) as moved:
        stock.adjust([stock.Adjustment(variant.pk, shown=5, to=10)])
    assert moved.value.changes == {variant.pk: 2}
    assert "Stok berubah menjadi 2 sejak Anda membuka halaman ini." in moved.value.messages

    stock.adjust([stock.Adjustment(variant.pk, shown=5, to=5)])  # nothing typed: nothing written
    stock.adjust([stock.Adjustment(variant.pk, shown=2, to=10)])
    product.refresh_from_db()
    assert product.stock == 10


def test_the_admin_corrects_stock_only_over_the_number_shown(admin_client, shop_a):
    product = make_product(shop_a, stock=5)
    variant = product.variants.get()
    url = f"/admin/catalog/product/{product.pk}/change/"
    form = {
        "takedown_reason": "", "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1", "variants-0-id": str(variant.pk),
        "variants-0-product": str(product.pk), "variants-0-stock": "9", "variants-0-stock_shown": "5",
    }  # fmt: skip
    stock.take([stock.Units(variant.pk, 1)])

    stale = admin_client.post(url, form)

    assert stale.status_code == 200 and "Stok berubah menjadi 4 sejak Anda membuka halaman ini" in stale.text
    assert Product.objects.get(pk=product.pk).stock == 4

    admin_client.post(url, {**form, "variants-0-stock_shown": "4"})
    assert Product.objects.get(pk=product.pk).stock == 9


def test_the_product_download_imports_back_and_an_old_file_never_undoes_sales(vendor_client, shop_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    product = make_product(shop_a, name="Rengginang", stock=5, sku="RG-1")
    variant = product.variants.get()
    downloaded = vendor_client.get(f"/dashboard/{shop_a.slug}/produk/ekspor.csv").content.decode()
    assert downloaded.splitlines()[0].endswith(",stock_shown") and downloaded.splitlines()[1].endswith(",5")
    edited = downloaded.replace(",5,Renyah", ",12,Renyah").replace("Renyah dan gurih.", "Renyah.")

    def upload(text):
        return vendor_client.post(
            f"/dashboard/{shop_a.slug}/produk/impor/",
            {"file": SimpleUploadedFile("p.csv", text.encode(), content_type="text/csv")},
        )

    stock.take([stock.Units(variant.pk, 2)])
    refused = upload(edited)
    assert (
        refused.status_code == 400 and "Stok berubah menjadi 3 sejak Anda membuka halaman ini" in refused.text
    )
    assert Product.objects.get(pk=product.pk).stock == 3

    fresh = vendor_client.get(f"/dashboard/{shop_a.slug}/produk/ekspor.csv").content.decode()
    assert upload(fresh.replace(",3,Renyah", ",12,Renyah")).status_code == 302
    assert Product.objects.get(pk=product.pk).stock == 12
    assert Product.objects.count() == 1  # updated, not imported twice


def test_an_existing_sku_without_the_stock_shown_cannot_set_its_stock(vendor_client, shop_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_product(shop_a, name="Opak", stock=5, sku="OP-1")
    text = "name,category,price,stock,sku\nOpak,makanan-ringan,15000,50,OP-1\n"

    response = vendor_client.post(
        f"/dashboard/{shop_a.slug}/produk/impor/",
        {"file": SimpleUploadedFile("p.csv", text.encode(), content_type="text/csv")},
    )

    assert response.status_code == 400 and "stock_shown" in response.text
    assert Product.objects.get().stock == 5


def test_products_without_variants_get_their_default_variant_in_the_migration(shop_a):
    product = make_product(shop_a, price=9_000, stock=4, sku="OLD")
    ProductVariant.objects.all().delete()
    Product.objects.filter(pk=product.pk).update(price=11_000, stock=6)
    migration = importlib.import_module("catalog.migrations.0009_stock_on_variants")

    migration.default_variants(django_apps, None)

    assert list(product.variants.values_list("name", "price", "stock", "sku")) == [("", 11_000, 6, "OLD")]


# --- Properties -------------------------------------------------------------------------------

OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["take", "give_back", "adjust"]), st.integers(0, 1), st.integers(0, 6)),
    max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(initial=st.tuples(st.integers(0, 5), st.integers(0, 5)), operations=OPERATIONS)
def test_any_sequence_of_operations_keeps_the_books(shop_a, initial, operations):
    """stock = initial + adjustments − taken + given back, never below zero, listing in step."""
    product = two_sizes(shop_a, s=initial[0], m=initial[1])
    variants = list(product.variants.order_by("pk"))
    expected = list(initial)
    taken = [0, 0]
    for operation, which, n in operations:
        pk = variants[which].pk
        if operation == "take":
            try:
                stock.take([stock.Units(pk, n)])
            except stock.OutOfStock:
                assert n > expected[which]
            else:
                expected[which] -= n
                taken[which] += n
        elif operation == "give_back":
            back = min(n, taken[which])  # only what was taken comes back
            stock.give_back([stock.Units(pk, back)])
            expected[which] += back
            taken[which] -= back
        else:
            stock.adjust([stock.Adjustment(pk, shown=expected[which], to=n)])
            expected[which] = n
        actual = list(
            ProductVariant.objects.filter(product=product).order_by("pk").values_list("stock", flat=True)
        )
        assert actual == expected and min(actual) >= 0
    product.refresh_from_db()
    assert product.stock == sum(expected)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_concurrent_takes_give_backs_and_adjustments_keep_the_books(postgres, shop_a, seed):
    """Six threads, each with its own connection, work on one product's two variants at once."""
    product = two_sizes(shop_a, s=5, m=5)
    pks = list(product.variants.order_by("pk").values_list("pk", flat=True))
    ledgers = []
    barrier = threading.Barrier(6)

    def worker(number):
        rng = random.Random(seed * 10 + number)
        ledger = {"taken": [0, 0], "given": [0, 0], "adjusted": [0, 0], "errors": []}
        ledgers.append(ledger)
        try:
            barrier.wait()
            for _step in range(12):
                which, n = rng.randrange(2), rng.randint(1, 3)
                operation = rng.choice(["take", "take", "give_back", "adjust"])
                if operation == "take":
                    try:
                        stock.take([stock.Units(pks[which], n)])
                        ledger["taken"][which] += n
                    except stock.OutOfStock:
                        pass
                elif operation == "give_back" and ledger["taken"][which]:
                    back = min(n, ledger["taken"][which] - ledger["given"][which])
                    stock.give_back([stock.Units(pks[which], back)])
                    ledger["given"][which] += back
                elif operation == "adjust":
                    shown = ProductVariant.objects.get(pk=pks[which]).stock
                    try:
                        stock.adjust([stock.Adjustment(pks[which], shown=shown, to=shown + n)])
                        ledger["adjusted"][which] += n
                    except ValidationError:
                        pass  # moved since it was read: refused, nothing written
        except Exception as error:  # noqa: BLE001 - reported below
            ledger["errors"].append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not [e for ledger in ledgers for e in ledger["errors"]]
    for which, pk in enumerate(pks):
        books = 5 + sum(ld["adjusted"][which] - ld["taken"][which] + ld["given"][which] for ld in ledgers)
        assert ProductVariant.objects.get(pk=pk).stock == books >= 0
    product.refresh_from_db()
    assert product.stock == sum(
        ProductVariant.objects.filter(product=product).values_list("stock", flat=True)
    )
