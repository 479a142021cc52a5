"""A seller cannot buy from or review their own shop; payment proofs keep no GPS position."""

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Review
from marketplace.tests.photos import assert_no_metadata, phone_jpeg, truncated_jpeg, upload
from orders import services
from orders.models import Cart, CartItem, Checkout, OrderStatus
from orders.tests.factories import buy, make_address

pytestmark = pytest.mark.django_db
S = OrderStatus


def test_a_seller_cannot_put_their_own_product_in_the_cart(vendor_client, product_a):
    response = vendor_client.post("/keranjang/tambah/", {"product": product_a.pk, "quantity": 1}, follow=True)

    assert response.status_code == 200
    assert "Anda tidak bisa membeli dari toko yang Anda kelola." in response.text
    assert not CartItem.objects.exists()


def test_a_seller_cannot_check_out_their_own_product(vendor_client, shop_a_owner, product_a, product_b):
    # In the cart from before they joined the shop (or from a guest cart merged at log-in).
    cart = Cart.objects.create(user=shop_a_owner)
    for product in (product_a, product_b):
        CartItem.objects.create(cart=cart, product=product, quantity=1, price_seen=product.price)
    address = make_address(shop_a_owner)
    data = {"token": "own-1", "address": address.pk}
    for shop in (product_a.shop, product_b.shop):
        data |= {f"shipping_{shop.pk}": "pickup", f"payment_{shop.pk}": "transfer"}

    response = vendor_client.post("/checkout/", data, follow=True)

    assert "Anda tidak bisa membeli dari toko yang Anda kelola." in response.text
    assert not Checkout.objects.exists()
    assert CartItem.objects.count() == 2
    product_a.refresh_from_db()
    assert product_a.stock == 10


def test_a_seller_cannot_review_their_own_product(buyer, shop_a_owner, product_a):
    order = buy(buyer, (product_a, 1)).orders.get()
    # A completed order with the seller as its buyer, as one placed before the rule existed.
    type(order).objects.filter(pk=order.pk).update(buyer=shop_a_owner, status=S.COMPLETED)

    with pytest.raises(ValidationError) as refused:
        services.review_product(buyer=shop_a_owner, product_id=product_a.pk, rating=5, text="Enak!")

    assert refused.value.code == "own_shop"
    assert not Review.objects.exists()


@pytest.fixture
def order(buyer, address, product_a):
    return buy(buyer, (product_a, 2), payment="transfer").orders.get()


def test_a_photo_proof_is_stored_without_the_buyers_gps(buyer_client, order):
    response = buyer_client.post(
        f"/pesanan/{order.number}/bayar/", {"proof": upload(phone_jpeg(), "bukti.jpg")}
    )

    assert response.status_code == 302
    payment = order.payments.get()
    assert payment.content_type == "image/jpeg"
    with payment.proof.open("rb") as handle:
        assert assert_no_metadata(handle) == (200, 300)
    streamed = buyer_client.get(f"/pesanan/bukti/{payment.pk}/")
    assert b"Exif" not in b"".join(streamed.streaming_content)


def test_a_truncated_photo_proof_is_refused_with_a_reason(buyer_client, order):
    response = buyer_client.post(
        f"/pesanan/{order.number}/bayar/", {"proof": upload(truncated_jpeg(), "b.jpg")}
    )

    assert response.status_code == 400
    assert "Gambar ini rusak atau tidak lengkap." in response.text
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT and not order.payments.exists()
