"""Shops, products, addresses and orders for the orders tests (and the demo orders)."""

import itertools

from catalog import services as catalog_services
from catalog.models import Category, Product
from catalog.tests.factories import region
from orders import services
from orders.models import Cart
from orders.services import ShopChoice
from shipping.models import OwnDeliveryArea, ShopCourierService, Tariff
from vendors.models import BankAccount, Shop
from vendors.services import start_shop

_counter = itertools.count(1)

PURWAKARTA = ("32.14.01", "Purwakarta", "Kabupaten Purwakarta", "Jawa Barat")
BATAM = ("21.71.01", "Batam Kota", "Kota Batam", "Kepulauan Riau")


def category():
    """Looked up or made: transactional tests empty the tables the data migration filled."""
    return Category.objects.get_or_create(slug="makanan-ringan", defaults={"name": "Makanan Ringan"})[0]


COURIER = "jne:REG"  # the one courier service the test shops offer


def make_shop(owner, *, name, where=PURWAKARTA, cod=True, own_delivery_fee=10_000, **fields):
    """An approved shop offering pick-up, own delivery in its regency (when a fee is given) and
    JNE REG to the provinces of Purwakarta and Batam (Rp9.000 the first kg, Rp5.000 each next)."""
    shop = start_shop(owner=owner, name=name)
    Shop.objects.filter(pk=shop.pk).update(
        status=Shop.Status.APPROVED,
        district=region(*where),
        whatsapp="+6281234567890",
        cod_enabled=cod,
        pickup_enabled=True,
        **fields,
    )
    shop.refresh_from_db()
    BankAccount.objects.create(
        shop=shop, bank="BRI", account_number="0123456789", holder_name=owner.first_name
    )
    if own_delivery_fee is not None:
        OwnDeliveryArea.objects.create(shop=shop, regency_id=shop.district.regency_id, fee=own_delivery_fee)
    ShopCourierService.objects.create(shop=shop, service=COURIER)
    for where_to in (PURWAKARTA, BATAM):
        courier_tariff(shop, to_province=region(*where_to).regency.province_id)
    return shop


def courier_tariff(shop, *, to_province, service=COURIER, first=9_000, following=5_000, days=(2, 4)):
    """The shop's own tariff for `service` from its regency to a province."""
    courier, _, code = service.partition(":")
    return Tariff.objects.create(
        shop=shop,
        origin_id=shop.district.regency_id,
        destination_province_id=to_province,
        courier=courier,
        service=code,
        first_kg_fee=first,
        next_kg_fee=following,
        min_days=days[0],
        max_days=days[1],
    )


def make_product(shop, **fields) -> Product:
    values = {
        "name": f"Keripik Singkong {next(_counter)}",
        "category": category(),
        "price": 15_000,
        "stock": 10,
        "weight_grams": 250,
        "status": Product.Status.ACTIVE,
    }
    values.update(fields)
    return catalog_services.create_product(shop=shop, **values)


def make_address(user, *, where=PURWAKARTA, recipient="Budi Santoso"):
    return services.save_address(
        user=user,
        recipient=recipient,
        phone="+6281298765432",
        street_address="Jl. Kenanga No. 7, RT 02/RW 03",
        district=region(*where),
        postal_code="41111",
    )


def cart_with(user, *lines) -> Cart:
    """lines: (product, quantity) or (product, quantity, variant)."""
    cart, _ = Cart.objects.get_or_create(user=user)
    for product, quantity, *variant in lines:
        services.add_to_cart(
            cart=cart, product_id=product.pk, variant_id=variant[0].pk if variant else None, quantity=quantity
        )
    return cart


def buy(user, *lines, address=None, shipping="pickup", payment="transfer", token=None):
    """Place a checkout of `lines` with the same choice for every shop."""
    cart = cart_with(user, *lines)
    address = address or user.addresses.first() or make_address(user)
    shops = {line[0].shop_id for line in lines}
    return services.place_order(
        buyer=user,
        cart=cart,
        address=address,
        choices={shop: ShopChoice(shipping, payment) for shop in shops},
        token=token or f"t-{next(_counter)}",
    )
