"""After the order: how to pay (page, inbox, e-mail), the buyer's name for the shop, receipt asked once."""

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.models import Notification
from orders import transitions
from orders.models import Checkout, OrderStatus
from orders.tests.factories import buy, cart_with

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def named_buyer(buyer):
    buyer.full_name = "Sari Wulandari"
    buyer.whatsapp = "+6281311112222"
    buyer.save()
    return buyer


def place(client, address, shops):
    data = {"token": "form-1", "address": address.pk}
    for shop, (shipping, payment) in shops.items():
        data[f"shipping_{shop.pk}"], data[f"payment_{shop.pk}"] = shipping, payment
    return client.post("/checkout/", data)


def test_placing_an_order_sends_the_payment_instructions_to_the_inbox_and_by_email(
    buyer_client, buyer, address, product_a, product_b, django_capture_on_commit_callbacks
):
    cart_with(buyer, (product_a, 2), (product_b, 1))
    with django_capture_on_commit_callbacks(execute=True):
        place(
            buyer_client,
            address,
            {product_a.shop: ("pickup", "cod"), product_b.shop: ("jne:REG", "transfer")},
        )

    checkout = Checkout.objects.get()
    transfer = checkout.orders.get(payment_method="transfer")
    deadline = timezone.localtime(transfer.payment_deadline).strftime("%H:%M")
    note = Notification.objects.get(user=buyer)
    assert note.url == f"/checkout/{checkout.pk}/"
    assert note.title == "Pesanan Anda sudah dibuat: cara membayar Rp289.000"
    for expected in (
        transfer.number,
        "Transfer tepat Rp259.000 sebelum",  # 250.000 + 9.000 courier: the exact amount
        deadline,
        "BRI 0123456789",  # the shop's bank account
        "Bayar Rp30.000 tunai saat pesanan tiba.",  # the COD order
        "Keripik Pedas × 2",
    ):
        assert expected in note.body

    (email,) = [m for m in mail.outbox if m.to == [buyer.email]]
    assert email.subject == note.title
    assert "BRI 0123456789" in email.body and "Rp259.000" in email.body
    assert "BRI 0123456789" in email.alternatives[0][0]

    inbox = buyer_client.get("/notifikasi/")
    assert "BRI 0123456789" in inbox.text


def test_the_confirmation_page_shows_each_shops_account_amount_and_deadline(
    buyer_client, buyer, address, product_b
):
    cart_with(buyer, (product_b, 1))
    response = buyer_client.get(
        place(buyer_client, address, {product_b.shop: ("jne:REG", "transfer")})["Location"]
    )

    order = Checkout.objects.get().orders.get()
    assert "Rp259.000" in response.text and "0123456789" in response.text
    assert timezone.localtime(order.payment_deadline).strftime("%H:%M") in response.text


def test_the_shop_sees_the_buyers_name_and_can_chat_on_whatsapp(
    vendor_client, named_buyer, address, product_a
):
    order = buy(named_buyer, (product_a, 1), address=address).orders.get()

    listing = vendor_client.get(f"/dashboard/{product_a.shop.slug}/pesanan/")
    assert "Sari Wulandari" in listing.text
    detail = vendor_client.get(f"/dashboard/{product_a.shop.slug}/pesanan/{order.number}/")
    assert "Sari Wulandari" in detail.text
    assert "https://wa.me/6281311112222?text=" in detail.text


def test_the_shop_is_told_the_buyer_and_the_next_step(named_buyer, address, product_a, shop_a_owner):
    order = buy(named_buyer, (product_a, 2), address=address, payment="transfer").orders.get()

    note = Notification.objects.get(user=shop_a_owner)
    assert note.title == f"Pesanan baru {order.number}"
    assert "Sari Wulandari" in note.body and "Keripik Pedas × 2" in note.body
    assert "Langkah berikutnya" in note.body


@pytest.fixture
def shipped(buyer, address, product_a, shop_a_owner):
    order = buy(buyer, (product_a, 1), address=address, payment="cod").orders.get()
    transitions.start_processing(order=order, actor=shop_a_owner)
    transitions.ship(order=order, actor=shop_a_owner, courier="JNE", tracking_number="JNE-1")
    return order


def test_confirming_receipt_asks_once_before_completing(buyer_client, shipped):
    url = f"/pesanan/{shipped.number}/terima/"

    asked = buyer_client.get(url)
    assert "Sudah Anda periksa semuanya?" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    buyer_client.post(url)  # a post without the answer only asks again
    shipped.refresh_from_db()
    assert shipped.status == S.SHIPPED

    done = buyer_client.post(url, {"confirmed": "yes"}, follow=True)
    shipped.refresh_from_db()
    assert shipped.status == S.COMPLETED
    assert "Terima kasih! Pesanan selesai." in done.text


def test_the_receipt_question_is_not_asked_for_an_order_not_shipped(buyer_client, buyer, address, product_a):
    order = buy(buyer, (product_a, 1), address=address).orders.get()

    response = buyer_client.get(f"/pesanan/{order.number}/terima/")

    assert response["Location"] == f"/pesanan/{order.number}/"


def test_nobody_else_confirms_a_buyers_receipt(client, shipped, make_stranger, password):
    client.login(email=make_stranger.email, password=password)

    assert client.post(f"/pesanan/{shipped.number}/terima/", {"confirmed": "yes"}).status_code == 404
    shipped.refresh_from_db()
    assert shipped.status == S.SHIPPED


def test_the_cart_count_is_in_the_header(buyer_client, buyer, product_a, product_b):
    assert 'id="cart-count"' not in buyer_client.get("/").text
    cart_with(buyer, (product_a, 2), (product_b, 1))

    response = buyer_client.get("/")

    assert '<span class="badge" id="cart-count" aria-label="3 barang">3</span>' in response.text


def test_a_guest_sees_the_cart_count_too(client, product_a):
    client.post("/keranjang/tambah/", {"product": product_a.pk, "quantity": 2})

    assert 'id="cart-count" aria-label="2 barang">2</span>' in client.get("/").text
