import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from catalog import stock
from catalog.tests.factories import leave
from marketplace.models import Notification
from orders import selectors, services
from orders.models import Checkout, Order, OrderEvent, OrderItem, OrderStatus
from orders.services import CheckoutError, ShopChoice
from orders.tests.factories import BATAM, buy, cart_with, make_address, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """Refusals read in English here; what is stored for people stays in the site's language."""
    with translation.override("en"):
        yield


def test_place_order_makes_one_order_per_shop_with_snapshots_and_takes_stock(
    buyer, address, product_a, product_b, shop_a, shop_b
):
    checkout = buy(buyer, (product_a, 2), (product_b, 1), shipping="jne:REG")

    orders = {o.shop_id: o for o in checkout.orders.all()}
    assert set(orders) == {shop_a.pk, shop_b.pk}
    a = orders[shop_a.pk]
    assert a.number.startswith("WO-") and len(a.number) == 12
    assert (a.subtotal, a.shipping_fee, a.total) == (30_000, 9_000, 39_000)
    assert a.status == OrderStatus.AWAITING_PAYMENT and a.payment_deadline is not None
    assert (a.recipient, a.district_name, a.province_name) == ("Budi Santoso", "Purwakarta", "Jawa Barat")
    item = a.items.get()
    assert (item.name, item.unit_price, item.quantity, item.weight_grams) == ("Keripik Pedas", 15_000, 2, 250)
    assert checkout.total == 39_000 + 250_000 + 9_000
    product_a.refresh_from_db()
    product_b.refresh_from_db()
    assert (product_a.stock, product_b.stock) == (8, 2)
    assert not buyer.cart.items.exists()
    assert OrderEvent.objects.filter(order=a, to_status=OrderStatus.AWAITING_PAYMENT, actor=buyer).exists()


def test_the_shop_is_told_about_a_new_order(buyer, address, product_a, shop_a_owner):
    checkout = buy(buyer, (product_a, 1))

    number = checkout.orders.get().number
    assert Notification.objects.filter(user=shop_a_owner, title__contains=number).exists()


def test_courier_fee_rounds_the_total_weight_up_per_kilogram(buyer, address, shop_a):
    heavy = make_product(shop_a, weight_grams=800, stock=10)

    order = buy(buyer, (heavy, 3), shipping="jne:REG").orders.get()  # 2.4 kg -> 3 kg

    assert order.shipping_fee == 9_000 + 2 * 5_000
    assert (order.weight_grams, order.chargeable_weight_kg) == (2_400, 3)


def test_a_parcel_just_over_a_kilogram_pays_within_the_couriers_tolerance(buyer, address, shop_a):
    product = make_product(shop_a, weight_grams=700, stock=10)

    order = buy(buyer, (product, 3), shipping="jne:REG").orders.get()  # 2.1 kg: 0.1 kg over pays 2 kg

    assert (order.shipping_fee, order.chargeable_weight_kg) == (9_000 + 5_000, 2)


def test_own_delivery_is_offered_only_inside_the_shops_regency(buyer, shop_a, product_a):
    far = make_address(buyer, where=BATAM)

    with pytest.raises(CheckoutError, match="does not offer this shipping"):
        buy(buyer, (product_a, 1), address=far, shipping="own_delivery")
    near = make_address(buyer)
    order = buy(buyer, (product_a, 1), address=near, shipping="own_delivery").orders.get()

    assert order.shipping_fee == 10_000
    assert Checkout.objects.count() == 1


def test_cash_on_delivery_only_where_the_shop_accepts_it(buyer, address, product_a, product_b):
    order = buy(buyer, (product_a, 1), payment="cod").orders.get()
    assert order.status == OrderStatus.PLACED and order.payment_deadline is None

    with pytest.raises(CheckoutError, match="does not accept this payment"):
        buy(buyer, (product_b, 1), payment="cod")
    assert Order.objects.count() == 1


def test_a_short_item_creates_nothing_and_says_how_many_are_left(buyer, address, product_a, product_b):
    cart = cart_with(buyer, (product_a, 2), (product_b, 2))
    leave(product_b, 1)
    cart.items.filter(product=product_b).update(quantity=2)

    with pytest.raises(CheckoutError) as refused:
        services.place_order(
            buyer=buyer,
            cart=cart,
            address=address,
            choices={
                product_a.shop_id: ShopChoice("pickup", "transfer"),
                product_b.shop_id: ShopChoice("pickup", "transfer"),
            },
            token="one",
        )

    assert "Only 1 left of “Kain Batik Gonggong”" in " ".join(refused.value.messages)
    assert (Checkout.objects.count(), Order.objects.count(), OrderItem.objects.count()) == (0, 0, 0)
    product_a.refresh_from_db()
    assert product_a.stock == 10
    assert cart.items.count() == 2


def test_stock_taken_at_checkout_is_refused_when_another_buyer_took_it_first(buyer, address, product_b):
    cart = cart_with(buyer, (product_b, 2))
    leave(product_b, 1)  # someone bought two after we added

    with pytest.raises(CheckoutError):
        services.place_order(
            buyer=buyer,
            cart=cart,
            address=address,
            choices={product_b.shop_id: ShopChoice("pickup", "transfer")},
            token="x",
        )

    assert Order.objects.count() == 0


def test_lines_read_earlier_in_the_request_are_reused_while_the_cart_holds_them(
    buyer, product_a, product_b, django_assert_num_queries
):
    cart = cart_with(buyer, (product_a, 2), (product_b, 1))
    lines = selectors.cart_lines(cart)

    with django_assert_num_queries(1):  # the cart's rows, not the products, shops and variants
        assert selectors.cart_lines_again(cart, lines) is lines


@pytest.mark.parametrize("change", ["quantity", "removed", "added", "price accepted"])
def test_a_cart_changed_in_another_tab_after_the_form_read_it_is_ordered_as_it_is_now(
    buyer, address, product_a, product_b, change
):
    cart = cart_with(buyer, (product_a, 2))
    read_by_the_form = selectors.cart_lines(cart)
    item = cart.items.get()
    if change == "quantity":
        services.update_cart_item(cart=cart, item_id=item.pk, quantity=3)
    elif change == "removed":
        cart_with(buyer, (product_b, 1))
        read_by_the_form = selectors.cart_lines(cart)
        services.remove_cart_item(cart=cart, item_id=item.pk)
    elif change == "added":
        cart_with(buyer, (product_b, 1))
    else:
        item.price_seen = 1
        item.save()
        read_by_the_form = selectors.cart_lines(cart)  # says the price moved
        services.update_cart_item(cart=cart, item_id=item.pk, quantity=2)  # "Update" accepts it

    now = selectors.cart_lines(cart)
    checkout = services.place_order(
        buyer=buyer,
        cart=cart,
        address=address,
        choices={line.item.product.shop_id: ShopChoice("pickup", "transfer") for line in now},
        token="t",
        lines=read_by_the_form,
    )

    ordered = dict(OrderItem.objects.filter(order__checkout=checkout).values_list("product_id", "quantity"))
    assert ordered == {line.item.product_id: line.item.quantity for line in now}


def test_the_same_token_gives_the_same_checkout(buyer, address, product_a):
    first = buy(buyer, (product_a, 1), token="same-form")
    cart_with(buyer, (product_a, 1))

    again = services.place_order(buyer=buyer, cart=buyer.cart, address=address, choices={}, token="same-form")

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    product_a.refresh_from_db()
    assert product_a.stock == 9


def test_variants_have_their_own_price_and_stock(buyer, address, product_a):
    variant = stock.add_variant(product=product_a, name="Level 5", price=17_000, stock=2)

    order = buy(buyer, (product_a, 2, variant)).orders.get()

    item = order.items.get()
    assert (item.variant_name, item.unit_price, order.subtotal) == ("Level 5", 17_000, 34_000)
    variant.refresh_from_db()
    product_a.refresh_from_db()
    assert (variant.stock, product_a.stock) == (0, 10)


def test_minimum_order_quantity_is_respected(buyer, address, shop_a):
    product = make_product(shop_a, min_order_quantity=3, stock=10)
    cart = cart_with(buyer, (product, 3))
    cart.items.update(quantity=2)

    with pytest.raises(CheckoutError, match="minimum order"):
        services.place_order(
            buyer=buyer,
            cart=cart,
            address=address,
            choices={shop_a.pk: ShopChoice("pickup", "transfer")},
            token="m",
        )


def test_another_users_address_is_refused(buyer, product_a, make_stranger):
    theirs = make_address(make_stranger)
    cart = cart_with(buyer, (product_a, 1))

    with pytest.raises(CheckoutError, match="your own addresses"):
        services.place_order(
            buyer=buyer,
            cart=cart,
            address=theirs,
            choices={product_a.shop_id: ShopChoice("pickup", "transfer")},
            token="a",
        )
    assert Order.objects.count() == 0


def test_every_shop_needs_a_choice_and_no_other_shop_may_be_chosen(buyer, address, product_a, product_b):
    cart = cart_with(buyer, (product_a, 1))

    with pytest.raises(CheckoutError, match="every shop"):
        services.place_order(
            buyer=buyer,
            cart=cart,
            address=address,
            choices={product_b.shop_id: ShopChoice("pickup", "transfer")},
            token="c",
        )


@pytest.mark.parametrize("quantity", [0, -1, 10**9, "dua", ""])
def test_add_to_cart_refuses_a_bad_quantity(buyer, product_a, quantity):
    cart = cart_with(buyer)

    with pytest.raises(ValidationError):
        services.add_to_cart(cart=cart, product_id=product_a.pk, quantity=quantity)
    assert not cart.items.exists()


def test_a_guest_cart_joins_the_users_cart(buyer, product_a, product_b):
    from orders.models import Cart

    guest = Cart.objects.create()
    services.add_to_cart(cart=guest, product_id=product_a.pk, quantity=2)
    services.add_to_cart(cart=guest, product_id=product_b.pk, quantity=1)
    mine = cart_with(buyer, (product_a, 1))

    merged = services.merge_carts(guest_cart=guest, user=buyer)

    assert merged.pk == mine.pk
    assert sorted(merged.items.values_list("product_id", "quantity")) == sorted(
        [(product_a.pk, 2), (product_b.pk, 1)]
    )
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_only_a_buyer_with_a_completed_order_reviews_once(buyer, address, product_a, shop_a_owner):
    from orders import transitions

    order = buy(buyer, (product_a, 1), payment="cod").orders.get()
    with pytest.raises(ValidationError, match="completed"):
        services.review_product(buyer=buyer, product_id=product_a.pk, rating=5)
    transitions.start_processing(order=order, actor=shop_a_owner)
    transitions.ship(order=order, actor=shop_a_owner, courier="", tracking_number="")
    transitions.confirm_receipt(order=order, buyer=buyer)

    review = services.review_product(buyer=buyer, product_id=product_a.pk, rating=4, text="Renyah!")

    assert (review.rating, review.text) == (4, "Renyah!")
    with pytest.raises(ValidationError):
        services.review_product(buyer=buyer, product_id=product_a.pk, rating=5)
    with pytest.raises(ValidationError):
        services.review_product(buyer=buyer, product_id=product_a.pk, rating=6)


def test_the_cart_refuses_more_than_the_stock_or_less_than_the_minimum(buyer, shop_a):
    product = make_product(shop_a, name="Dodol", stock=4, min_order_quantity=2)
    cart = cart_with(buyer)

    item = services.add_to_cart(cart=cart, product_id=product.pk, quantity=1)
    assert item.quantity == 2  # raised to the minimum order
    with pytest.raises(ValidationError, match="Only 4 left of “Dodol”"):
        services.add_to_cart(cart=cart, product_id=product.pk, quantity=3)
    with pytest.raises(ValidationError, match="minimum order"):
        services.update_cart_item(cart=cart, item_id=item.pk, quantity=1)
    leave(product, 0)
    with pytest.raises(ValidationError, match="out of stock"):
        services.add_to_cart(cart=cart, product_id=product.pk, quantity=1)
    item.refresh_from_db()
    assert item.quantity == 2


def test_the_payment_deadline_comes_from_the_settings(buyer, address, product_a, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.ORDER_PAYMENT_DEADLINE_HOURS = 2

    order = buy(buyer, (product_a, 1)).orders.get()

    expected = timezone.now() + timedelta(hours=2)
    assert abs((order.payment_deadline - expected).total_seconds()) < 60
