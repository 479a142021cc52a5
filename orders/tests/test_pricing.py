"""The pricing module: every total in whole rupiah, and the only place that computes one."""

import pathlib
import re
from decimal import Decimal

import pytest
from django.db.models import Sum

from catalog.tests.factories import reprice
from orders import pricing, selectors, services
from orders.models import CartItem, Checkout, Order, OrderItem
from orders.pricing import ShippingOption
from orders.services import ShopChoice
from orders.tests.factories import buy, cart_with
from shipping.models import Tariff


def test_a_line_is_unit_price_times_quantity():
    line = pricing.line_total(unit_price=15_000, quantity=3)

    assert (line.unit_price, line.quantity, line.amount) == (15_000, 3, 45_000)


def test_large_totals_stay_exact_integers():
    line = pricing.line_total(unit_price=9_999_999_999, quantity=10_000)

    assert line.amount == 99_999_999_990_000
    assert type(line.amount) is int


@pytest.mark.parametrize("price", [15_000.0, Decimal("15000"), True, "15000"])
def test_money_that_is_not_whole_rupiah_is_refused(price):
    with pytest.raises(TypeError):
        pricing.line_total(unit_price=price, quantity=1)


def test_negative_money_is_refused():
    with pytest.raises(ValueError):
        pricing.line_total(unit_price=-1, quantity=1)
    with pytest.raises(ValueError):
        pricing.shop_total(shop_id=1, lines=[], shipping=ShippingOption("jne:REG", -5))


def test_a_shop_total_is_its_items_plus_the_chosen_shipping():
    lines = [
        pricing.line_total(unit_price=15_000, quantity=2),
        pricing.line_total(unit_price=7_500, quantity=1),
    ]

    shop = pricing.shop_total(shop_id=7, lines=lines, shipping=ShippingOption("jne:REG", 14_000))

    assert (shop.items, shop.shipping_key, shop.shipping_fee, shop.discount, shop.total) == (
        37_500,
        "jne:REG",
        14_000,
        0,
        51_500,
    )


def test_a_shop_without_a_chosen_shipping_has_no_fee_yet():
    shop = pricing.shop_total(
        shop_id=7, lines=[pricing.line_total(unit_price=5_000, quantity=1)], shipping=None
    )

    assert (shop.shipping_key, shop.shipping_fee, shop.total) == ("", 0, 5_000)


def test_an_unavailable_option_is_never_charged():
    shop = pricing.shop_total(
        shop_id=7,
        lines=[pricing.line_total(unit_price=5_000, quantity=1)],
        shipping=ShippingOption("jne:REG", None, note="No rate for this destination."),
    )

    assert (shop.shipping_key, shop.shipping_fee, shop.total) == ("", 0, 5_000)


def test_an_option_knows_its_kind_courier_and_service():
    jne, pickup = ShippingOption("jne:REG", 9_000), ShippingOption("pickup", 0)
    assert (jne.method, jne.courier, jne.service) == ("courier", "JNE", "REG")
    assert (pickup.method, pickup.courier, pickup.service) == ("pickup", "", "")


def test_a_checkout_total_adds_up_its_shops():
    a = pricing.shop_total(
        shop_id=1,
        lines=[pricing.line_total(unit_price=15_000, quantity=2)],
        shipping=ShippingOption("pickup", 0),
    )
    b = pricing.shop_total(
        shop_id=2,
        lines=[pricing.line_total(unit_price=250_000, quantity=1)],
        shipping=ShippingOption("jne:REG", 9_000),
    )

    total = pricing.checkout_total([a, b])

    assert (total.items, total.shipping, total.discount, total.total) == (280_000, 9_000, 0, 289_000)
    assert total.for_shop(2) is b


def test_totals_are_frozen():
    line = pricing.line_total(unit_price=1_000, quantity=1)

    with pytest.raises(AttributeError):
        line.amount = 1


@pytest.mark.django_db
def test_the_quote_uses_the_chosen_option_and_ignores_one_not_offered(buyer, address, product_a, product_b):
    groups = selectors.group_by_shop(selectors.cart_lines(cart_with(buyer, (product_a, 2), (product_b, 1))))
    options = pricing.shipping_options_for(groups, address)

    quote = pricing.quote(
        groups,
        options=options,
        methods={
            product_a.shop_id: "own_delivery",
            product_b.shop_id: "own_delivery",
        },  # B: not to Purwakarta
    )

    a, b = quote.for_shop(product_a.shop_id), quote.for_shop(product_b.shop_id)
    assert (a.items, a.shipping_fee, a.total) == (30_000, 10_000, 40_000)
    assert (b.items, b.shipping_key, b.shipping_fee, b.total) == (250_000, "", 0, 250_000)
    assert quote.total == 290_000


@pytest.mark.django_db
def test_the_courier_fee_follows_the_parcels_weight(buyer, address, product_a):
    # 250 g each: 4 units weigh 1 kg; 5 units 1.25 kg still pay 1 kg (the 300 g tolerance);
    # 6 units 1.5 kg pay a second kilogram.
    for quantity, kg, fee in ((4, 1, 9_000), (5, 1, 9_000), (6, 2, 14_000)):
        CartItem.objects.filter(cart__user=buyer).delete()
        cart = cart_with(buyer, (product_a, quantity))
        cart.items.update(quantity=quantity)
        groups = selectors.group_by_shop(selectors.cart_lines(cart))
        courier = [
            (o.key, o.fee, o.chargeable_kg, o.weight_grams)
            for o in pricing.shipping_options_for(groups, address)[product_a.shop_id]
            if o.method == "courier"
        ]
        assert courier == [("jne:REG", fee, kg, 250 * quantity)]


@pytest.mark.django_db
def test_an_order_stores_the_totals_the_module_computed(buyer, address, product_a, product_b):
    cart = cart_with(buyer, (product_a, 3), (product_b, 1))
    groups = selectors.group_by_shop(selectors.cart_lines(cart))
    expected = pricing.quote(
        groups,
        options=pricing.shipping_options_for(groups, address),
        methods={product_a.shop_id: "own_delivery", product_b.shop_id: "jne:REG"},
    )

    checkout = services.place_order(
        buyer=buyer,
        cart=cart,
        address=address,
        choices={
            product_a.shop_id: ShopChoice("own_delivery", "cod"),
            product_b.shop_id: ShopChoice("jne:REG", "transfer"),
        },
        token="stored-totals",
    )

    assert checkout.total == expected.total == 45_000 + 10_000 + 250_000 + 9_000
    for order in checkout.orders.all():
        shop = expected.for_shop(order.shop_id)
        assert (order.subtotal, order.shipping_fee, order.total) == (
            shop.items,
            shop.shipping_fee,
            shop.total,
        )
        assert [(i.unit_price, i.quantity, i.line_total) for i in order.items.all()] == [
            (line.unit_price, line.quantity, line.amount) for line in shop.lines
        ]


@pytest.mark.django_db
def test_an_order_keeps_its_prices_when_the_shop_changes_them_later(buyer, address, product_a):
    order = buy(buyer, (product_a, 2), address=address, shipping="jne:REG").orders.get()
    reprice(product_a, 99_000)
    Tariff.objects.filter(shop=product_a.shop).update(first_kg_fee=50_000)

    order.refresh_from_db()
    item = OrderItem.objects.get(order=order)
    assert (item.unit_price, item.line_total) == (15_000, 30_000)
    assert (order.subtotal, order.shipping_fee, order.total) == (30_000, 9_000, 39_000)
    assert Checkout.objects.get().total == 39_000


@pytest.mark.django_db
def test_the_query_expressions_count_the_goods_without_shipping(buyer, address, product_a):
    buy(buyer, (product_a, 2), address=address, shipping="jne:REG")

    assert Order.objects.aggregate(goods=pricing.sales_amount())["goods"] == 30_000
    assert Order.objects.none().aggregate(goods=pricing.sales_amount())["goods"] == 0
    assert OrderItem.objects.aggregate(goods=Sum(pricing.line_amount_expression()))["goods"] == 30_000


def test_nothing_but_the_pricing_module_multiplies_prices_or_adds_fees():
    """Totals are computed in one place: no price × quantity or fee addition anywhere else."""
    root = pathlib.Path(__file__).resolve().parents[2]
    money_math = re.compile(
        r"price\w*\"?\)?\s*\*"  # price × quantity, in Python or as F("unit_price") * ...
        r"|\*\s*[\w.]*price\b"  # quantity × price
        r"|subtotal\w*\s*\+|\+\s*[\w.]*fee\b"  # goods + shipping
        r"|Sum\(\s*\"(subtotal|total)\""  # a sales figure summed by hand
    )
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in sorted(root.glob("*/**/*.py"))
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name != "pricing.py"
        for match in [money_math.search(path.read_text())]
        if match
    ]
    templates = [
        str(path.relative_to(root))
        for path in sorted((root / "templates").glob("**/*.html"))
        # Arithmetic on money in a template (chart coordinates may use |add).
        if re.search(r"(price|total|fee|sales|amount)\w*\|(add|mul)\b", path.read_text())
    ]
    assert offenders == [] and templates == []
