"""Another shop's products do not exist for a vendor; hidden products do not exist for buyers."""

import pytest
from django.utils import timezone

from catalog import services
from catalog.models import Product, ProductImage, ProductVariant
from catalog.tests.factories import image_bytes, make_product, upload
from vendors.models import Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_product(shop_b, django_capture_on_commit_callbacks):
    product = make_product(
        shop_b,
        name="Batik Milik Bayu",
        variants=[
            {"name": "Ukuran S", "price": 300000, "stock": 4},
            {"name": "Ukuran M", "price": 310000, "stock": 2},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.add_image(product=product, upload=upload(image_bytes(300, 200)))
    return product


def snapshot(product):
    product.refresh_from_db()
    return (
        product.name, product.price, product.stock, product.status,
        list(product.variants.values_list("name", "price", "stock")),
        list(product.images.values_list("pk", "is_primary")),
    )  # fmt: skip


def edit_data(product, **changes):
    data = {
        "name": "Dibajak", "category": product.category_id, "description": "",
        "sku": "", "weight_grams": "0", "min_order_quantity": "1", "condition": "new", "halal_certificate": "",
        "pirt_number": "", "status": "archived", "variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0",
    }  # fmt: skip
    return {**data, **changes}


def test_a_vendor_cannot_open_or_change_another_shops_product(vendor_client, shop_a, shop_b, other_product):
    before = snapshot(other_product)
    image = other_product.images.get()
    variant = other_product.variants.first()
    pk = other_product.pk
    attempts = [
        ("get", f"/dashboard/{shop_a.slug}/produk/{pk}/", None),
        ("post", f"/dashboard/{shop_a.slug}/produk/{pk}/", edit_data(other_product)),
        (
            "post",
            f"/dashboard/{shop_a.slug}/produk/{pk}/",
            edit_data(
                other_product,
                **{
                    "variants-TOTAL_FORMS": "1",
                    "variants-INITIAL_FORMS": "1",
                    "variants-0-id": variant.pk,
                    "variants-0-name": "X",
                    "variants-0-price": "1",
                    "variants-0-stock": "0",
                    "variants-0-DELETE": "on",
                },
            ),
        ),  # fmt: skip
        ("post", f"/dashboard/{shop_a.slug}/produk/{pk}/arsip/", {}),
        ("post", f"/dashboard/{shop_a.slug}/produk/{pk}/foto/", {"photo": upload()}),
        ("post", f"/dashboard/{shop_a.slug}/produk/{pk}/foto/{image.pk}/hapus/", {}),
        ("post", f"/dashboard/{shop_a.slug}/produk/{pk}/foto/{image.pk}/utama/", {}),
        # The other shop's own dashboard URLs: not a member, so nothing there exists either.
        ("get", f"/dashboard/{shop_b.slug}/produk/", None),
        ("get", f"/dashboard/{shop_b.slug}/produk/{pk}/", None),
        ("post", f"/dashboard/{shop_b.slug}/produk/{pk}/", edit_data(other_product)),
        ("post", f"/dashboard/{shop_b.slug}/produk/{pk}/arsip/", {}),
        ("post", f"/dashboard/{shop_b.slug}/produk/{pk}/foto/{image.pk}/hapus/", {}),
        ("post", f"/dashboard/{shop_b.slug}/produk/stok-harga/", {f"price-{variant.pk}": "1"}),
    ]
    for method, url, data in attempts:
        response = getattr(vendor_client, method)(url, data) if data is not None else vendor_client.get(url)
        assert response.status_code == 404, (method, url)

    assert snapshot(other_product) == before
    assert ProductImage.objects.filter(product=other_product).count() == 1
    assert ProductVariant.objects.filter(pk=variant.pk).exists()


def test_bulk_edit_of_own_shop_ignores_another_shops_ids(vendor_client, shop_a, other_product):
    mine = make_product(shop_a, price=1000, stock=1)
    own, theirs = mine.variants.get(), other_product.variants.first()
    before = snapshot(other_product)

    vendor_client.post(
        f"/dashboard/{shop_a.slug}/produk/stok-harga/",
        {f"price-{own.pk}": "2000", f"stock-{own.pk}": "3", f"shown-{own.pk}": "1", f"price-{theirs.pk}": "1",
         f"stock-{theirs.pk}": "0", f"shown-{theirs.pk}": "99"},
    )  # fmt: skip

    mine.refresh_from_db()
    assert (mine.price, mine.stock) == (2000, 3)
    assert snapshot(other_product) == before


def test_anonymous_visitors_are_sent_to_log_in(client, shop_a):
    response = client.get(f"/dashboard/{shop_a.slug}/produk/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("shop_status", [s for s in Shop.Status.values if s != Shop.Status.APPROVED])
def test_products_of_shops_not_approved_are_invisible(client, shop_a, shop_status):
    product = make_product(shop_a, name="Produk Tersembunyi")
    Shop.objects.filter(pk=shop_a.pk).update(status=shop_status)

    assert_invisible(client, product)


@pytest.mark.parametrize("status", [Product.Status.DRAFT, Product.Status.ARCHIVED, Product.Status.IN_REVIEW])
def test_drafts_archived_and_unreviewed_products_are_invisible(client, shop_a, status):
    product = make_product(shop_a, name="Produk Tersembunyi", status=Product.Status.DRAFT)
    Product.objects.filter(pk=product.pk).update(status=status)

    assert_invisible(client, product)


def test_taken_down_products_are_invisible(client, shop_a, moderator):
    product = make_product(shop_a, name="Produk Tersembunyi")
    services.take_down(product=product, actor=moderator, reason="Foto melanggar hak cipta.")

    assert_invisible(client, product)


def assert_invisible(client, product):
    product.refresh_from_db()
    for url in ["/", "/cari/", "/cari/?q=tersembunyi", f"/kategori/{product.category.slug}/"]:
        response = client.get(url)
        assert "Produk Tersembunyi" not in response.text, url
    assert client.get(f"/toko/{product.shop.slug}/{product.slug}/").status_code == 404


def test_script_in_names_and_descriptions_is_shown_as_text(client, shop_a, admin_client):
    product = make_product(
        shop_a, name="<script>alert('nama')</script>", description="<img src=x onerror=alert(1)>"
    )

    for response in [
        client.get("/cari/"),
        client.get(f"/toko/{shop_a.slug}/{product.slug}/"),
        admin_client.get("/admin/catalog/product/"),
        admin_client.get(f"/admin/catalog/product/{product.pk}/change/"),
    ]:
        assert response.status_code == 200
        assert "<script>alert(" not in response.text
        assert "<img src=x" not in response.text
    assert "&lt;script&gt;alert(" in client.get(f"/toko/{shop_a.slug}/{product.slug}/").text


def test_json_ld_cannot_be_closed_by_a_product_name(client, shop_a):
    product = make_product(shop_a, name="Keripik </script><script>alert(1)</script>")

    html = client.get(f"/toko/{shop_a.slug}/{product.slug}/").text

    assert "</script><script>alert(1)" not in html


def test_take_down_tells_the_owner_why_and_restore_brings_it_back(client, shop_a, shop_a_owner, moderator):
    product = make_product(shop_a, name="Jamu Kuat")

    services.take_down(product=product, actor=moderator, reason="Klaim kesehatan tanpa izin BPOM.")

    notice = shop_a_owner.notifications.get()
    assert "Jamu Kuat" in notice.title and notice.body == "Klaim kesehatan tanpa izin BPOM."
    services.restore(product=product, actor=moderator)
    assert client.get(product.get_absolute_url()).status_code == 200
    assert product.taken_down_at is None or product.taken_down_at <= timezone.now()


def test_dinas_staff_take_a_product_down_in_the_admin_with_a_reason(admin_client, shop_a):
    product = make_product(shop_a)
    url = f"/admin/catalog/product/{product.pk}/change/"
    inlines = {
        f"{prefix}-{key}": "0"
        for prefix in ("variants", "images")
        for key in ("TOTAL_FORMS", "INITIAL_FORMS")
    }

    refused = admin_client.post(url, {"take_down": "on", "takedown_reason": "  ", **inlines})
    assert refused.status_code == 200 and Product.objects.get(pk=product.pk).taken_down_at is None

    admin_client.post(url, {"take_down": "on", "takedown_reason": "Produk palsu.", **inlines})
    assert Product.objects.get(pk=product.pk).takedown_reason == "Produk palsu."


def test_with_review_required_a_new_product_waits_for_dinas_staff(client, shop_a, settings, moderator):
    settings.REQUIRE_PRODUCT_REVIEW = True
    product = make_product(shop_a, name="Produk Tersembunyi")
    assert product.status == Product.Status.IN_REVIEW
    assert_invisible(client, product)

    services.approve_review(product=product, actor=moderator)

    assert client.get(product.get_absolute_url()).status_code == 200
