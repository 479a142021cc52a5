"""Checkouts and orders for the payments tests, made directly (checkout itself is tested in orders)."""

import itertools

from django.utils import timezone

from orders.models import Checkout, Order, OrderItem, OrderStatus, PaymentMethod, new_order_number

_counter = itertools.count(1)


def make_checkout(buyer, *shops_and_lines, payment=PaymentMethod.AMAN, shipping_fee=10_000):
    """shops_and_lines: (shop, [(product, unit_price, quantity), ...]) per order."""
    checkout = Checkout.objects.create(buyer=buyer, token=f"pay-{next(_counter)}", total=0)
    total = 0
    for shop, lines in shops_and_lines:
        subtotal = sum(price * quantity for _, price, quantity in lines)
        order = Order.objects.create(
            checkout=checkout,
            number=new_order_number(timezone.now()) + str(next(_counter)),
            shop=shop,
            buyer=buyer,
            status=OrderStatus.PLACED if payment == PaymentMethod.COD else OrderStatus.AWAITING_PAYMENT,
            recipient="Budi Santoso",
            phone="+6281298765432",
            street_address="Jl. Kenanga No. 7",
            district_name="Purwakarta",
            regency_name="Kabupaten Purwakarta",
            province_name="Jawa Barat",
            shipping_method="courier",
            shipping_fee=shipping_fee,
            payment_method=payment,
            subtotal=subtotal,
            total=subtotal + shipping_fee,
        )
        for product, price, quantity in lines:
            OrderItem.objects.create(
                order=order,
                product=product,
                name=product.name if product else "Barang",
                unit_price=price,
                quantity=quantity,
            )
        total += order.total
    Checkout.objects.filter(pk=checkout.pk).update(total=total)
    checkout.refresh_from_db()
    return checkout


def complete(order):
    """Arrange a completed order: the order app's moves are tested there, not here."""
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.COMPLETED, completed_at=timezone.now())
    order.refresh_from_db()
    return order


def verified_account(shop):
    """The shop's bank account, verified by dinas staff (only such an account receives payouts)."""
    account = shop.bank_accounts.order_by("pk").first()
    if not account.is_verified:
        account.verified_at = timezone.now()
        account.save(update_fields=["verified_at"])
    return account


def funded(buyer, shop, product, *, price=250_000, reference=None):
    """A paid and completed order of `shop`, released to its balance; the order is returned."""
    checkout = make_checkout(buyer, (shop, [(product, price, 1)]))
    payment = checkout.provider_payments.create(
        provider="sandbox", reference=reference or f"WO-{checkout.pk}-FUND", amount=checkout.total
    )
    from payments import services

    services.mark_paid(payment=payment)
    order = complete(checkout.orders.get())
    services.release_order(order=order)
    return order
