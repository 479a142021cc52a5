"""Shipping labels for a batch of a shop's orders: each order as `shipping.labels.LabelData`."""

from django.db.models import Prefetch

from orders.models import Order, OrderItem, OrderStatus, ShippingMethod
from shipping.couriers import courier_name
from shipping.labels import LabelData, LabelItem, Party, render_labels

MAX_LABELS = 100
# Paid (or cash on delivery) and not yet handed to the courier: the parcels being packed.
READY_TO_SHIP = (OrderStatus.PAID, OrderStatus.PLACED, OrderStatus.PROCESSING)


def ready_to_ship(orders):
    """The orders of a member's queryset that wait for a label: paid, not shipped, not picked up."""
    return orders.filter(status__in=READY_TO_SHIP).exclude(shipping_method=ShippingMethod.PICKUP)


def with_label_details(orders):
    return orders.select_related("shop__district__regency__province").prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.order_by("id"))
    )


def sender_of(shop) -> Party:
    district = shop.district
    return Party(
        name=shop.name,
        phone=shop.whatsapp,
        address=shop.street_address,
        district=district.name if district else "",
        regency=district.regency.name if district else "",
        province=district.regency.province.name if district else "",
        postal_code=shop.postal_code,
    )


def recipient_of(order: Order) -> Party:
    return Party(
        name=order.recipient,
        phone=order.phone,
        address=order.street_address,
        district=order.district_name,
        regency=order.regency_name,
        province=order.province_name,
        postal_code=order.postal_code,
    )


def label_for(order: Order) -> LabelData:
    courier = courier_name(order.courier) or order.get_shipping_method_display()
    return LabelData(
        sender=sender_of(order.shop),
        recipient=recipient_of(order),
        courier=courier,
        service=order.courier_service,
        order_number=order.number,
        weight_grams=order.weight_grams,
        chargeable_kg=order.chargeable_weight_kg,
        min_days=order.shipping_min_days,
        max_days=order.shipping_max_days,
        receipt_number=order.tracking_number,
        # Cash on delivery: the courier collects the whole order, shipping included.
        cod_amount=order.total if order.is_cod else 0,
        items=[
            LabelItem(f"{item.name} ({item.variant_name})" if item.variant_name else item.name, item.quantity)
            for item in order.items.all()
        ],
    )


def labels_page(orders, *, back_url="") -> str:
    return render_labels([label_for(order) for order in with_label_details(orders)], back_url=back_url)
