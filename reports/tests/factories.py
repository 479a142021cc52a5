"""A fixed, hand-countable data set for the report tests, written straight into the tables."""

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from catalog import services as catalog_services
from catalog.models import Category, Product
from catalog.tests.factories import region
from orders.models import Checkout, Order, OrderItem, OrderStatus, PaymentMethod
from vendors.models import Community, Shop
from vendors.services import start_shop

_counter = itertools.count(1)

PURWAKARTA = ("32.14.01", "Purwakarta", "Kabupaten Purwakarta", "Jawa Barat")
CAMPAKA = ("32.14.02", "Campaka", "Kabupaten Purwakarta", "Jawa Barat")
BATAM = ("21.71.01", "Batam Kota", "Kota Batam", "Kepulauan Riau")


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour))


def shop(owner, name, *, where=PURWAKARTA, status=Shop.Status.APPROVED, approved=None, communities=()):
    made = start_shop(owner=owner, name=name)
    Shop.objects.filter(pk=made.pk).update(
        status=status,
        district=region(*where),
        whatsapp="+6281234567890",
        street_address="Jl. Veteran No. 5",
        approved_at=approved,
        submitted_at=approved,
    )
    made.refresh_from_db()
    made.communities.set(communities)
    return made


def category(slug, name, parent=None):
    return Category.objects.get_or_create(slug=slug, defaults={"name": name, "parent": parent})[0]


def product(shop, *, name=None, category, price=10_000):
    return catalog_services.create_product(
        shop=shop,
        name=name or f"Produk {next(_counter)}",
        slug=f"produk-{next(_counter)}",
        category=category,
        price=price,
        stock=100,
        status=Product.Status.ACTIVE,
    )


def order(buyer, *, product, quantity=1, status=OrderStatus.COMPLETED, when, payment=PaymentMethod.TRANSFER):
    """One order of one line; the shipping fee is left out of sales, so it is set on purpose."""
    subtotal = product.price * quantity
    checkout = Checkout.objects.create(buyer=buyer, token=f"t{next(_counter)}", total=subtotal + 9_000)
    made = Order.objects.create(
        checkout=checkout,
        number=f"WO-T-{next(_counter)}",
        shop=product.shop,
        buyer=buyer,
        status=status,
        recipient="Budi",
        phone="+6281298765432",
        street_address="Jl. Kenanga 7",
        district_name="Purwakarta",
        regency_name="Kabupaten Purwakarta",
        province_name="Jawa Barat",
        shipping_method="courier",
        shipping_fee=9_000,
        payment_method=payment,
        subtotal=subtotal,
        total=subtotal + 9_000,
    )
    OrderItem.objects.create(
        order=made, product=product, name=product.name, unit_price=product.price, quantity=quantity
    )
    Order.objects.filter(pk=made.pk).update(created_at=when)
    return made


def community(name, slug):
    return Community.objects.create(name=name, slug=slug)


def many_orders(buyer, products, n, *, since):
    """`n` orders spread over products, statuses and days, in three bulk inserts."""
    statuses = [OrderStatus.COMPLETED, OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT]
    checkouts = Checkout.objects.bulk_create(
        Checkout(buyer=buyer, token=f"bulk-{next(_counter)}-{i}", total=1) for i in range(n)
    )
    orders = []
    for i, checkout in enumerate(checkouts):
        product = products[i % len(products)]
        orders.append(
            Order(
                checkout=checkout,
                number=f"WO-B-{next(_counter)}-{i}",
                shop_id=product.shop_id,
                buyer=buyer,
                status=statuses[i % len(statuses)],
                recipient="Budi",
                phone="+6281298765432",
                street_address="Jl. Kenanga 7",
                district_name="Purwakarta",
                regency_name="Kabupaten Purwakarta",
                province_name="Jawa Barat",
                shipping_method="pickup",
                shipping_fee=0,
                payment_method=PaymentMethod.TRANSFER,
                subtotal=product.price,
                total=product.price,
            )
        )
    orders = Order.objects.bulk_create(orders)
    OrderItem.objects.bulk_create(
        OrderItem(
            order=o, product_id=products[i % len(products)].pk, name="x", unit_price=o.subtotal, quantity=1
        )
        for i, o in enumerate(orders)
    )
    for day in range(28):
        Order.objects.filter(pk__in=[o.pk for o in orders[day::28]]).update(
            created_at=since + timedelta(days=day * 10)
        )
    return orders
