"""Shipping labels printed in batches from the seller's orders list."""

import re

import pytest
from django.utils import translation

from orders import transitions
from orders.models import OrderStatus
from orders.tests.factories import COURIER, buy, make_product
from shipping.tests.test_labels import expected_modules, modules_of

S = OrderStatus


@pytest.fixture(autouse=True)
def in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def shop_a_ready(shop_a, shop_a_owner):
    """Dapur Bu Ani's full sender address, as the label prints it."""
    shop_a.street_address, shop_a.postal_code = "Jl. Veteran No. 12", "41111"
    shop_a.save(update_fields=["street_address", "postal_code"])
    return shop_a


@pytest.fixture
def cod_order(buyer, address, product_a, shop_a_owner, shop_a_ready):
    """Paid on delivery, being prepared: 2 × 250 g of keripik."""
    order = buy(buyer, (product_a, 2), payment="cod", shipping=COURIER).orders.get()
    return transitions.start_processing(order=order, actor=shop_a_owner)


@pytest.fixture
def transfer_order(buyer, address, shop_a, shop_a_owner, shop_a_ready):
    """Paid by transfer and confirmed: two products, one of them a variant."""
    sambal = make_product(shop_a, name="Sambal Bawang", price=20_000, weight_grams=300)
    order = buy(buyer, (sambal, 3), payment="transfer", shipping=COURIER).orders.get()
    order.status = S.PAYMENT_SUBMITTED
    order.save(update_fields=["status"])
    return transitions.confirm_payment(order=order, actor=shop_a_owner)


def labels_url(shop):
    return f"/dashboard/{shop.slug}/pesanan/label/"


def articles(html):
    return re.findall(r'<article class="label".*?</article>', html, flags=re.S)


def test_a_batch_prints_one_label_per_ticked_order_with_everything_a_courier_needs(
    vendor_client, shop_a, cod_order, transfer_order
):
    response = vendor_client.get(labels_url(shop_a), {"pesanan": [cod_order.number, transfer_order.number]})

    assert response.status_code == 200
    html = response.content.decode()
    labels = {re.search(r"WO-[\w-]+", label).group(): label for label in articles(html)}
    assert set(labels) == {cod_order.number, transfer_order.number}

    cod = labels[cod_order.number]
    # The order number as a Code 128 barcode (no receipt number yet: room to write it).
    assert [modules_of(svg) for svg in re.findall(r"<svg.*?</svg>", cod, flags=re.S)] == [
        expected_modules(cod_order.number)
    ]
    assert "Receipt no.: write it here" in cod
    for text in [
        "Dapur Bu Ani", "+6281234567890", "Jl. Veteran No. 12", "Purwakarta, Kabupaten Purwakarta, Jawa Barat, 41111",
        "Budi Santoso", "+6281298765432", "Jl. Kenanga No. 7, RT 02/RW 03",
        f"COD Rp{cod_order.total:,}".replace(",", "."), "0,50 kg", "2 × Keripik Pedas",
    ]:  # fmt: skip
        assert text in cod, text

    transfer = labels[transfer_order.number]
    assert "Non-COD" in transfer and "COD Rp" not in transfer
    assert "0,90 kg" in transfer and "3 × Sambal Bawang" in transfer


def test_a_shipped_orders_label_carries_its_receipt_number_as_a_barcode(
    vendor_client, shop_a, cod_order, shop_a_owner
):
    transitions.ship(order=cod_order, actor=shop_a_owner, courier="jnt", tracking_number="JP1234567890")

    html = vendor_client.get(labels_url(shop_a), {"pesanan": cod_order.number}).content.decode()

    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert [modules_of(svg) for svg in svgs] == [
        expected_modules("JP1234567890"),
        expected_modules(cod_order.number),
    ]
    assert "J&amp;T Express" in html


def test_all_ready_to_ship_prints_paid_unshipped_courier_orders_only(
    vendor_client, shop_a, shop_a_owner, buyer, product_a, cod_order, transfer_order
):
    picked_up = buy(buyer, (product_a, 1), payment="cod", shipping="pickup").orders.get()
    unpaid = buy(buyer, (product_a, 1), payment="transfer", shipping=COURIER).orders.get()
    shipped = buy(buyer, (product_a, 1), payment="cod", shipping=COURIER).orders.get()
    transitions.start_processing(order=shipped, actor=shop_a_owner)
    transitions.ship(order=shipped, actor=shop_a_owner, courier="jne", tracking_number="CGK1234567890")

    listing = vendor_client.get(f"/dashboard/{shop_a.slug}/pesanan/").content.decode()
    assert "all 2 orders ready to ship" in listing
    html = vendor_client.get(labels_url(shop_a), {"siap": "1"}).content.decode()

    printed = {re.search(r"WO-[\w-]+", label).group() for label in articles(html)}
    assert printed == {cod_order.number, transfer_order.number}
    assert not printed & {picked_up.number, unpaid.number, shipped.number}


def test_the_list_offers_a_box_per_order_and_the_print_button(vendor_client, shop_a, cod_order):
    html = vendor_client.get(f"/dashboard/{shop_a.slug}/pesanan/").content.decode()

    assert f'name="pesanan" value="{cod_order.number}"' in html
    assert f'action="{labels_url(shop_a)}"' in html
    assert "Print labels of the selected orders" in html


def test_another_shops_order_in_the_batch_refuses_the_whole_batch(
    client, vendor_client, shop_a, shop_b, shop_b_owner, buyer, cod_order
):
    others = buy(buyer, (make_product(shop_b, name="Kain Batik"), 1), payment="transfer").orders.get()

    response = vendor_client.get(labels_url(shop_a), {"pesanan": [cod_order.number, others.number]})
    assert response.status_code == 404
    assert "Kain Batik" not in response.content.decode()

    # Nor through the other shop's address, by a member of neither.
    client.force_login(shop_b_owner)
    assert client.get(labels_url(shop_a), {"pesanan": cod_order.number}).status_code == 404
    assert client.get(labels_url(shop_b), {"pesanan": cod_order.number}).status_code == 404


def test_a_visitor_is_sent_to_log_in(client, shop_a, cod_order):
    response = client.get(labels_url(shop_a), {"pesanan": cod_order.number})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_empty_batch_goes_back_with_a_message(vendor_client, shop_a, cod_order):
    response = vendor_client.get(labels_url(shop_a), follow=True)

    assert response.redirect_chain[-1][0] == f"/dashboard/{shop_a.slug}/pesanan/"
    assert "Tick the orders to print labels for." in response.content.decode()


def test_the_label_page_is_ready_for_the_content_security_policy(vendor_client, shop_a, cod_order):
    response = vendor_client.get(labels_url(shop_a), {"pesanan": cod_order.number})
    html = response.content.decode()

    assert "style=" not in html and "<style" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/shipping/print.js" defer>']
    assert "Content-Security-Policy" in response.headers


def test_a_batch_is_at_most_a_hundred_labels(vendor_client, shop_a, cod_order, monkeypatch):
    from orders import labels

    monkeypatch.setattr(labels, "MAX_LABELS", 1)
    other = buy(cod_order.buyer, (make_product(shop_a), 1), payment="cod", shipping=COURIER).orders.get()

    response = vendor_client.get(
        labels_url(shop_a), {"pesanan": [cod_order.number, other.number]}, follow=True
    )
    assert "Print at most 1 labels at a time." in response.content.decode()

    # "All ready to ship" prints the oldest ones that fit.
    html = vendor_client.get(labels_url(shop_a), {"siap": "1"}).content.decode()
    assert [re.search(r"WO-[\w-]+", label).group() for label in articles(html)] == [cod_order.number]


def test_a_label_prints_the_chosen_courier_service_its_days_and_the_chargeable_weight(
    vendor_client, buyer, address, shop_a, shop_a_owner, shop_a_ready
):
    # 1,6 kg of rice in a 40 × 30 × 20 cm box: 4 kg by volume, so the courier charges 4 kg.
    rice = make_product(
        shop_a, name="Beras Pandan", weight_grams=1_600, length_cm=40, width_cm=30, height_cm=20
    )
    order = buy(buyer, (rice, 1), payment="cod", shipping="jne:REG").orders.get()
    order = transitions.start_processing(order=order, actor=shop_a_owner)

    label = articles(vendor_client.get(labels_url(shop_a), {"pesanan": order.number}).content.decode())[0]

    header = re.search(r'<header class="label-courier">.*?</header>', label, flags=re.S).group()
    assert re.findall(r'class="(courier|service|days)">([^<]+)<', header) == [
        ("courier", "JNE"),
        ("service", "REG"),
        ("days", "2–4 days"),
    ]
    assert re.search(
        r'class="weight">1,60 kg</span> · Chargeable weight <span class="chargeable-weight">4 kg<', label
    )


def test_the_shops_own_delivery_prints_no_service_days_nor_chargeable_weight(
    vendor_client, buyer, address, product_a, shop_a, shop_a_owner, shop_a_ready
):
    order = buy(buyer, (product_a, 1), payment="cod", shipping="own_delivery").orders.get()
    order = transitions.start_processing(order=order, actor=shop_a_owner)

    label = articles(vendor_client.get(labels_url(shop_a), {"pesanan": order.number}).content.decode())[0]

    assert 'class="service"></span>' in label
    assert 'class="days"' not in label and "Chargeable weight" not in label
