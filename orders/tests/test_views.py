"""The buyer's and the shop's pages, including what tampered or foreign requests get."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import stock
from catalog.models import Product
from catalog.tests.factories import image_bytes, leave, reprice
from conftest import make_user
from orders import transitions
from orders.models import Address, Cart, CartItem, Checkout, Order, OrderStatus
from orders.tests.factories import BATAM, buy, cart_with, make_address, make_product

pytestmark = pytest.mark.django_db
S = OrderStatus


def add(client, product, quantity=1, **extra):
    return client.post(
        "/keranjang/tambah/", {"product": product.pk, "quantity": quantity, **extra}, follow=True
    )


def checkout_post(client, address, shops, token="form-1", **extra):
    data = {"token": token, "address": address.pk}
    for shop, (shipping, payment) in shops.items():
        data[f"shipping_{shop.pk}"] = shipping
        data[f"payment_{shop.pk}"] = payment
    data.update(extra)
    return client.post("/checkout/", data)


def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


# --- Cart -------------------------------------------------------------------------------------


def test_a_guest_adds_to_the_cart_and_sees_it_grouped_by_shop(client, product_a, product_b):
    add(client, product_a, 2)
    response = add(client, product_b, 1)

    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g.shop.name for g in groups] == ["Batik Pak Bayu", "Dapur Bu Ani"]
    assert [g.subtotal for g in groups] == [250_000, 30_000]
    assert response.context["total"] == 280_000
    assert "Rp280.000" in response.text


def test_the_header_links_to_the_cart(client, db):
    assert 'href="/keranjang/"' in client.get("/").text


def test_the_product_page_has_an_add_to_cart_form(client, product_a):
    response = client.get(product_a.get_absolute_url())

    assert 'action="/keranjang/tambah/"' in response.text
    assert f'name="product" value="{product_a.pk}"' in response.text


@pytest.mark.parametrize("quantity", ["0", "-1", str(10**9), "dua", ""])
def test_a_bad_quantity_is_refused_with_a_message(client, product_a, quantity):
    response = add(client, product_a, quantity)

    assert not CartItem.objects.exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("Jumlah" in m or "bilangan" in m for m in messages), messages


def test_updating_and_removing_cart_lines(buyer_client, buyer, product_a):
    cart = cart_with(buyer, (product_a, 1))
    item = cart.items.get()

    buyer_client.post(f"/keranjang/{item.pk}/ubah/", {"quantity": "4"})
    item.refresh_from_db()
    assert item.quantity == 4
    response = buyer_client.post(f"/keranjang/{item.pk}/ubah/", {"quantity": "-3"}, follow=True)
    item.refresh_from_db()
    assert item.quantity == 4
    assert "Jumlah harus antara 1 dan 10000." in response.text

    buyer_client.post(f"/keranjang/{item.pk}/hapus/")
    assert not cart.items.exists()


def test_another_carts_line_cannot_be_changed(buyer_client, product_a, make_stranger):
    theirs = cart_with(make_stranger, (product_a, 1)).items.get()

    buyer_client.post(f"/keranjang/{theirs.pk}/ubah/", {"quantity": "9"})
    buyer_client.post(f"/keranjang/{theirs.pk}/hapus/")

    theirs.refresh_from_db()
    assert theirs.quantity == 1


def test_unavailable_items_are_flagged_before_checkout(buyer_client, buyer, shop_a, address):
    archived = make_product(shop_a, name="Rengginang")
    sold_out = make_product(shop_a, name="Opak")
    dearer = make_product(shop_a, name="Wajit", price=10_000)
    cart_with(buyer, (archived, 1), (sold_out, 1), (dearer, 1))
    Product.objects.filter(pk=archived.pk).update(status=Product.Status.ARCHIVED)
    leave(sold_out, 0)
    reprice(dearer, 12_000)

    response = buyer_client.get("/keranjang/")

    problems = [line.problem for g in response.context["groups"] for line in g.lines]
    assert "“Rengginang” sudah tidak tersedia; hapus dari keranjang Anda." in problems
    assert "Stok “Opak” habis; hapus dari keranjang Anda." in problems
    assert (
        "Harga “Wajit” berubah dari Rp10.000 menjadi Rp12.000; tekan Perbarui untuk menyetujuinya."
        in problems
    )
    assert 'href="/checkout/"' not in response.text
    assert buyer_client.get("/checkout/")["Location"] == "/keranjang/"


def test_a_guest_cart_is_merged_at_log_in(client, buyer, password, product_a, product_b):
    cart_with(buyer, (product_b, 1))
    add(client, product_a, 2)

    client.post("/accounts/login/", {"login": buyer.email, "password": password})

    assert Cart.objects.count() == 1
    assert sorted(buyer.cart.items.values_list("product_id", "quantity")) == sorted(
        [(product_a.pk, 2), (product_b.pk, 1)]
    )


def test_the_cart_page_runs_a_fixed_number_of_queries(
    buyer_client, buyer, shop_a, shop_b, django_assert_max_num_queries
):
    cart_with(buyer, *[(make_product(shop), 1) for shop in (shop_a, shop_b) for _ in range(5)])

    with django_assert_max_num_queries(8):
        response = buyer_client.get("/keranjang/")
    assert len(response.context["groups"]) == 2


# --- Checkout ---------------------------------------------------------------------------------


def test_checkout_needs_log_in(client, product_a):
    add(client, product_a)
    assert client.get("/checkout/")["Location"].startswith("/accounts/login/")


def test_checkout_without_an_address_asks_for_one(buyer_client, buyer, product_a):
    cart_with(buyer, (product_a, 1))
    assert buyer_client.get("/checkout/")["Location"] == "/alamat/baru/?next=/checkout/"


def test_checkout_shows_each_shops_options(
    buyer_client, buyer, address, product_a, product_b, django_assert_max_num_queries
):
    cart_with(buyer, (product_a, 1), (product_b, 1))

    # 8 for the page, 3 per shop for its shipping (own-delivery areas, services, tariffs)
    with django_assert_max_num_queries(14):
        response = buyer_client.get("/checkout/")

    form = response.context["form"]
    assert [c[0] for c in form.fields[f"shipping_{product_a.shop_id}"].choices] == [
        "pickup",
        "own_delivery",
        "jne:REG",
    ]
    assert [c[0] for c in form.fields[f"shipping_{product_b.shop_id}"].choices] == ["pickup", "jne:REG"]
    assert [c[0] for c in form.fields[f"payment_{product_b.shop_id}"].choices] == ["transfer"]


def test_checkout_creates_orders_and_shows_them(
    buyer_client, buyer, address, product_a, product_b, django_assert_max_num_queries
):
    cart_with(buyer, (product_a, 2), (product_b, 1))

    # Two orders, their items, events and notifications (told from the orders as written: only
    # the bank accounts of the transfer's shop are read); the cart lock and its rows (the lines
    # the form read are reused while the cart holds them), the own-shop rule, the listing figures
    # and the sold-out check that moves the page-cache version; each shop's shipping priced
    # once, 3 queries (the lines under the cart lock make the same parcels).
    with django_assert_max_num_queries(41):
        response = checkout_post(
            buyer_client,
            address,
            {product_a.shop: ("own_delivery", "cod"), product_b.shop: ("jne:REG", "transfer")},
            **{f"note_{product_a.shop_id}": "Jangan terlalu pedas"},
        )

    checkout = Checkout.objects.get()
    assert response["Location"] == f"/checkout/{checkout.pk}/"
    assert checkout.orders.get(shop=product_a.shop).note == "Jangan terlalu pedas"
    page = buyer_client.get(response["Location"])
    assert page.status_code == 200
    transfer = checkout.orders.get(payment_method="transfer")
    assert transfer.number in page.text
    assert "0123456789" in page.text  # the shop's bank account
    assert "Rp259.000" in page.text  # 250.000 + 9.000 courier


def test_posting_the_same_form_twice_creates_one_checkout(buyer_client, buyer, address, product_a):
    cart_with(buyer, (product_a, 1))
    choice = {product_a.shop: ("pickup", "transfer")}

    first = checkout_post(buyer_client, address, choice, token="double-click")
    second = checkout_post(buyer_client, address, choice, token="double-click")

    assert first["Location"] == second["Location"]
    assert (Checkout.objects.count(), Order.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    "tamper",
    [
        {"price": "1", "total": "1"},  # prices are never read from the browser...
    ],
)
def test_prices_sent_by_the_browser_are_ignored(buyer_client, buyer, address, product_a, tamper):
    cart_with(buyer, (product_a, 2))

    checkout_post(buyer_client, address, {product_a.shop: ("pickup", "transfer")}, **tamper)

    assert Order.objects.get().total == 30_000


def test_another_shops_shipping_option_is_refused(buyer_client, buyer, address, product_b):
    cart_with(buyer, (product_b, 1))  # shop B is in Batam: no own delivery to Purwakarta

    response = checkout_post(buyer_client, address, {product_b.shop: ("own_delivery", "transfer")})

    assert response.status_code == 200
    assert "Pilih salah satu opsi pengiriman toko ini." in response.text
    assert not Checkout.objects.exists()


def test_cod_at_a_shop_without_cod_is_refused(buyer_client, buyer, address, product_b):
    cart_with(buyer, (product_b, 1))

    response = checkout_post(buyer_client, address, {product_b.shop: ("pickup", "cod")})

    assert "Toko ini tidak menerima metode pembayaran ini." in response.text
    assert not Checkout.objects.exists()


def test_another_users_address_is_refused(buyer_client, buyer, address, product_a, make_stranger):
    theirs = make_address(make_stranger)
    cart_with(buyer, (product_a, 1))

    response = checkout_post(buyer_client, theirs, {product_a.shop: ("pickup", "transfer")})

    assert response.status_code == 200
    assert response.context["form"].errors["address"]
    assert not Checkout.objects.exists()


@pytest.mark.parametrize("posted", ["abc", "999999", "1 OR 1=1", "<script>"])
def test_an_address_that_is_not_the_buyers_gets_a_message_and_keeps_the_form(
    buyer_client, buyer, address, product_a, posted
):
    cart_with(buyer, (product_a, 1))
    sent = {"token": "form-1", "address": posted, f"shipping_{product_a.shop_id}": "pickup"}
    sent[f"payment_{product_a.shop_id}"] = "transfer"
    sent[f"note_{product_a.shop_id}"] = "Bungkus rapi"

    response = buyer_client.post("/checkout/", sent)

    assert response.status_code == 200
    assert "Pilih salah satu alamat Anda sendiri." in response.text
    assert "<script>" not in response.text
    assert 'value="Bungkus rapi"' in response.text
    assert not Checkout.objects.exists()


def test_a_short_item_at_checkout_sends_the_buyer_back_to_the_cart(buyer_client, buyer, address, product_b):
    cart_with(buyer, (product_b, 2))
    leave(product_b, 1)
    buyer.cart.items.update(quantity=2)

    response = buyer_client.get("/checkout/", follow=True)

    assert "Stok “Kain Batik Gonggong” tinggal 1; kurangi jumlahnya." in response.text
    assert not Checkout.objects.exists()


# --- Addresses --------------------------------------------------------------------------------


def test_adding_an_address_without_javascript(buyer_client, buyer):
    make_address(make_user("other@example.com"), where=BATAM)  # makes the regions exist
    from catalog.tests.factories import region

    district = region()
    step = buyer_client.post("/alamat/baru/", {"province": "32", "choose": "province"})
    assert "Kabupaten Purwakarta" in step.text
    response = buyer_client.post(
        "/alamat/baru/",
        {
            "recipient": "Budi",
            "phone": "0812-9876-5432",
            "street_address": "Jl. Kenanga 7",
            "province": "32",
            "regency": "32.14",
            "district": district.pk,
            "postal_code": "41111",
        },
    )
    assert response.status_code == 302
    address = Address.objects.get(user=buyer)
    assert (address.phone, address.is_default) == ("+6281298765432", True)


def test_another_buyers_address_is_404(buyer_client, make_stranger):
    theirs = make_address(make_stranger)

    assert buyer_client.get(f"/alamat/{theirs.pk}/").status_code == 404
    assert buyer_client.post(f"/alamat/{theirs.pk}/hapus/").status_code == 404
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_one_default_address(buyer, buyer_client):
    first = make_address(buyer)
    second = make_address(buyer, recipient="Ibu")

    buyer_client.post(f"/alamat/{second.pk}/utama/")

    assert list(Address.objects.filter(is_default=True).values_list("pk", flat=True)) == [second.pk]
    first.refresh_from_db()
    assert not first.is_default


# --- The buyer's orders -------------------------------------------------------------------------


@pytest.fixture
def order(buyer, address, product_a):
    return buy(buyer, (product_a, 2), payment="transfer").orders.get()


def test_order_list_and_detail(buyer_client, order, buyer, product_b, django_assert_max_num_queries):
    buy(buyer, (product_b, 1))
    with django_assert_max_num_queries(8):
        response = buyer_client.get("/pesanan/")
    assert order.number in response.text

    detail = buyer_client.get(f"/pesanan/{order.number}/")
    assert "Rp30.000" in detail.text and "0123456789" in detail.text
    assert "wa.me/6281234567890?text=" in detail.text and order.number in detail.text
    assert "Menunggu pembayaran" in detail.text


def test_uploading_a_proof_moves_the_order(buyer_client, order):
    upload = SimpleUploadedFile("bukti.pdf", pdf_bytes(), content_type="application/pdf")

    buyer_client.post(f"/pesanan/{order.number}/bayar/", {"proof": upload})

    order.refresh_from_db()
    assert order.status == S.PAYMENT_SUBMITTED
    payment = order.payments.get()
    assert payment.content_type == "application/pdf"
    proof = buyer_client.get(f"/pesanan/bukti/{payment.pk}/")
    assert proof.status_code == 200 and proof["Content-Type"] == "application/pdf"
    assert proof["Content-Disposition"].startswith("attachment")
    assert b"".join(proof.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    "name, content",
    [
        ("bukti.jpg", b"<html>not a photo</html>"),
        ("bukti.pdf", b"MZ\x90\x00 an exe"),
        ("kosong.png", b""),
        ("terpotong.pdf", b"%PDF-1.4\n1 0 obj <<"),
    ],
)
def test_a_proof_that_is_not_an_image_or_pdf_is_refused(buyer_client, order, name, content):
    response = buyer_client.post(
        f"/pesanan/{order.number}/bayar/", {"proof": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT and not order.payments.exists()


def test_a_proof_that_is_too_large_is_refused(buyer_client, order, settings):
    settings.PAYMENT_PROOF_MAX_BYTES = 1000
    big = SimpleUploadedFile("bukti.jpg", image_bytes(400, 400), content_type="image/jpeg")

    response = buyer_client.post(f"/pesanan/{order.number}/bayar/", {"proof": big})

    assert response.status_code == 400
    assert "batasnya" in response.text
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT


def test_another_buyers_order_and_proof_are_404(client, order, buyer, password, make_stranger, shop_b_owner):
    transitions.submit_payment_proof(
        order=order, buyer=buyer, upload=io.BytesIO(pdf_bytes()), content_type="application/pdf"
    )
    payment = order.payments.get()
    for outsider in (make_stranger, shop_b_owner):
        client.force_login(outsider)
        assert client.get(f"/pesanan/{order.number}/").status_code == 404
        assert client.get(f"/pesanan/bukti/{payment.pk}/").status_code == 404
        assert client.post(f"/pesanan/{order.number}/batal/").status_code == 404
    order.refresh_from_db()
    assert order.status == S.PAYMENT_SUBMITTED


def test_the_buyer_cancels_before_paying_and_the_stock_returns(buyer_client, order, product_a):
    buyer_client.post(f"/pesanan/{order.number}/batal/")

    order.refresh_from_db()
    product_a.refresh_from_db()
    assert (order.status, product_a.stock) == (S.CANCELLED, 10)


def test_the_buyer_confirms_receipt_and_reviews(buyer_client, order, buyer, shop_a_owner, product_a, client):
    transitions.submit_payment_proof(
        order=order, buyer=buyer, upload=io.BytesIO(pdf_bytes()), content_type="application/pdf"
    )
    transitions.confirm_payment(order=order, actor=shop_a_owner)
    transitions.start_processing(order=order, actor=shop_a_owner)
    transitions.ship(order=order, actor=shop_a_owner, courier="JNE", tracking_number="JNE-77")

    asked = buyer_client.post(f"/pesanan/{order.number}/terima/")
    assert "Sudah Anda periksa semuanya?" in asked.text
    order.refresh_from_db()
    assert order.status == S.SHIPPED  # asked, not completed
    buyer_client.post(f"/pesanan/{order.number}/terima/", {"confirmed": "yes"})
    order.refresh_from_db()
    assert order.status == S.COMPLETED
    page = buyer_client.get(f"/pesanan/{order.number}/")
    assert "Ulas barang yang Anda beli" in page.text
    buyer_client.post(
        f"/pesanan/{order.number}/ulasan/", {"product": product_a.pk, "rating": "5", "text": "Mantap"}
    )

    product_page = client.get(product_a.get_absolute_url())
    assert "Mantap" in product_page.text
    shop_page = client.get(f"/toko/{product_a.shop.slug}/")
    assert "Penilaian toko 5,0 ★ dari 1 ulasan" in shop_page.text
    assert "5,0 dari 1 ulasan" in product_page.text or "5.0 dari 1 ulasan" in product_page.text


# --- The shop's dashboard ---------------------------------------------------------------------


def test_the_overview_shows_orders_needing_action_and_sales(
    vendor_client, order, shop_a, shop_a_owner, buyer
):
    transitions.submit_payment_proof(
        order=order, buyer=buyer, upload=io.BytesIO(pdf_bytes()), content_type="application/pdf"
    )
    transitions.confirm_payment(order=order, actor=shop_a_owner)

    response = vendor_client.get(f"/dashboard/{shop_a.slug}/")

    assert response.context["figures"]["needing_action"] == 1
    assert response.context["figures"]["sales"] == 30_000
    assert "Rp30.000" in response.text
    assert f"/dashboard/{shop_a.slug}/pengaturan/" in response.text  # vendors' tiles are still there


def test_fixed_dashboard_addresses_still_belong_to_vendors(vendor_client):
    assert vendor_client.get("/dashboard/buka-toko/").status_code == 200


def test_the_shop_lists_its_orders_by_state(
    vendor_client, shop_a, buyer, address, product_a, django_assert_max_num_queries
):
    for payment in ("transfer", "cod", "cod"):
        buy(buyer, (product_a, 1), payment=payment)

    with django_assert_max_num_queries(10):
        response = vendor_client.get(f"/dashboard/{shop_a.slug}/pesanan/")
    counts = {value: count for value, _, count in response.context["tabs"]}
    assert (counts["awaiting_payment"], counts["placed"]) == (1, 2)
    filtered = vendor_client.get(f"/dashboard/{shop_a.slug}/pesanan/?status=placed")
    assert len(filtered.context["orders"]) == 2


def test_the_shop_sees_only_allowed_actions_and_walks_the_order(vendor_client, shop_a, order, buyer):
    page = vendor_client.get(f"/dashboard/{shop_a.slug}/pesanan/{order.number}/")
    assert page.context["actions"] == {"cancel"}  # no confirm before a proof

    transitions.submit_payment_proof(
        order=order, buyer=buyer, upload=io.BytesIO(pdf_bytes()), content_type="application/pdf"
    )
    page = vendor_client.get(f"/dashboard/{shop_a.slug}/pesanan/{order.number}/")
    assert page.context["actions"] == {"confirm", "reject", "cancel"}

    base = f"/dashboard/{shop_a.slug}/pesanan/{order.number}"
    vendor_client.post(f"{base}/confirm/")
    vendor_client.post(f"{base}/process/")
    vendor_client.post(f"{base}/ship/", {"courier": "JNE", "tracking_number": "cgk 1234 5678 90"})

    order.refresh_from_db()
    assert (order.status, order.courier, order.tracking_number) == (S.SHIPPED, "jne", "CGK1234567890")
    slip = vendor_client.get(f"{base}/slip/")
    assert slip.status_code == 200 and "orders/orders.css" in slip.text and order.recipient in slip.text


def test_the_shop_must_give_a_reason_to_cancel(vendor_client, shop_a, order):
    response = vendor_client.post(
        f"/dashboard/{shop_a.slug}/pesanan/{order.number}/cancel/", {"cancel-reason": ""}
    )

    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT


def test_shipping_an_unpaid_transfer_order_is_refused(vendor_client, shop_a, order):
    response = vendor_client.post(
        f"/dashboard/{shop_a.slug}/pesanan/{order.number}/ship/",
        {"courier": "JNE", "tracking_number": "CGK1234567890"},
        follow=True,
    )

    assert "tidak bisa menjadi" in response.text
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT


def test_a_vendor_acting_on_another_shops_order_gets_404(client, shop_a, shop_b, shop_b_owner, order):
    client.force_login(shop_b_owner)

    assert client.get(f"/dashboard/{shop_b.slug}/pesanan/{order.number}/").status_code == 404
    assert (
        client.post(
            f"/dashboard/{shop_b.slug}/pesanan/{order.number}/cancel/", {"cancel-reason": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/dashboard/{shop_a.slug}/pesanan/{order.number}/").status_code == 404
    assert (
        client.post(
            f"/dashboard/{shop_a.slug}/pesanan/{order.number}/cancel/", {"cancel-reason": "x"}
        ).status_code
        == 404
    )
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT


def test_the_shop_can_see_its_orders_proof(vendor_client, order, buyer):
    transitions.submit_payment_proof(
        order=order, buyer=buyer, upload=io.BytesIO(pdf_bytes()), content_type="application/pdf"
    )

    response = vendor_client.get(f"/pesanan/bukti/{order.payments.get().pk}/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_dinas_staff_can_look_orders_up_but_not_edit_them(client, moderator, order):
    moderator.is_superuser = True
    moderator.save()
    client.force_login(moderator)

    assert order.number in client.get("/admin/orders/order/").text
    page = client.get(f"/admin/orders/order/{order.pk}/change/")
    assert page.status_code == 200 and 'name="status"' not in page.text


def test_a_variant_is_chosen_in_the_products_variant_table(client, product_a):

    level = stock.add_variant(product=product_a, name="Level 5", price=17_000, stock=2)

    page = client.get(product_a.get_absolute_url())
    assert f'name="variant" value="{level.pk}" form="add-to-cart"' in page.text
    response = add(client, product_a, 1, variant=level.pk)

    item = CartItem.objects.get()
    assert (item.variant, item.price_seen) == (level, 17_000)
    assert "Rp17.000" in response.text


def test_a_checkout_keeps_the_anonymous_page_cache_and_still_takes_stock_from_the_database(
    settings, buyer, address, product_a, django_capture_on_commit_callbacks
):
    """A busy marketplace keeps its cache: stock on a cached page may be up to a minute old."""
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 60
    url = product_a.get_absolute_url()
    Client().get(url)

    with django_capture_on_commit_callbacks(execute=True):
        buy(buyer, (product_a, 4))

    assert Client().get(url)["X-Page-Cache"] == "hit"
    product_a.refresh_from_db()
    assert product_a.stock == 6
