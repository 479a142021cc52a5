"""Demo orders in every state for the demo buyer, across the demo shops (safe to run again)."""

import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from PIL import Image

from catalog.models import Product
from marketplace.models import District
from orders import pricing, services, transitions
from orders.models import Cart, Checkout, OrderStatus, PaymentMethod

S = OrderStatus
DEMO_BUYER = "pembeli@warung.test"
# state -> how it is paid; each becomes one checkout named by a fixed form token.
PLAN = [
    (S.AWAITING_PAYMENT, PaymentMethod.TRANSFER),
    (S.PAYMENT_SUBMITTED, PaymentMethod.TRANSFER),
    (S.PAID, PaymentMethod.TRANSFER),
    (S.PLACED, PaymentMethod.COD),
    (S.PROCESSING, PaymentMethod.TRANSFER),
    (S.SHIPPED, PaymentMethod.COD),
    (S.COMPLETED, PaymentMethod.TRANSFER),
    (S.CANCELLED, PaymentMethod.TRANSFER),
]
# The moves that bring a new order to each state.
PATHS = {
    S.AWAITING_PAYMENT: [],
    S.PLACED: [],
    S.PAYMENT_SUBMITTED: ["proof"],
    S.PAID: ["proof", "confirm"],
    S.PROCESSING: ["proof", "confirm", "process"],
    S.SHIPPED: ["process", "ship"],
    S.COMPLETED: ["proof", "confirm", "process", "ship", "receive"],
    S.CANCELLED: ["cancel"],
}


def proof_png():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 500), (240, 240, 240)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="bukti.png")


class Command(BaseCommand):
    help = "Create demo orders in every state for pembeli@warung.test (run seed_demo and the shop/product seeds first)."

    def handle(self, *args, **options):
        buyer = get_user_model().objects.filter(email=DEMO_BUYER).first()
        products = list(
            Product.objects.visible()
            .filter(shop__members__user__email__endswith="@warung.test", stock__gte=5)
            .annotate(options=Count("variants"))
            .filter(options=1)
            .select_related("shop")
            .order_by("shop__name", "pk")
        )
        if buyer is None or not products:
            self.stdout.write(
                "No demo buyer or no demo products yet: run seed_demo and seed the demo shops' products first. Nothing done."
            )
            return
        address = self.demo_address(buyer, products[0].shop)
        by_shop = {}
        for product in products:
            by_shop.setdefault(product.shop_id, product)
        shops = list(by_shop.values())
        created = 0
        for number, (state, payment) in enumerate(PLAN):
            if Checkout.objects.filter(buyer=buyer, token=f"demo-{state}").exists():
                continue
            candidates = [p for p in shops if payment != PaymentMethod.COD or p.shop.cod_enabled] or shops
            product = candidates[number % len(candidates)]
            if payment == PaymentMethod.COD and not product.shop.cod_enabled:
                payment = PaymentMethod.TRANSFER
            self.make_order(buyer, address, product, state, payment, number)
            created += 1
        self.stdout.write(self.style.SUCCESS(f"Demo orders: {created} created for {DEMO_BUYER}."))

    def demo_address(self, buyer, shop):
        address = buyer.addresses.filter(is_default=True).first()
        if address:
            return address
        district = shop.district or District.objects.order_by("code").first()
        return services.save_address(
            user=buyer,
            recipient=buyer.first_name or "Siti Pembeli",
            phone="+6281311112222",
            street_address="Jl. Kenari No. 12, RT 03/RW 05",
            district=district,
            postal_code="",
            is_default=True,
        )

    @transaction.atomic
    def make_order(self, buyer, address, product, state, payment, number):
        cart = Cart.objects.create()  # a cart of its own: the buyer's real cart is left alone
        services.add_to_cart(cart=cart, product_id=product.pk, quantity=product.min_order_quantity)
        options = pricing.shipping_options(product.shop, address, product.weight_grams)
        # Vary the shipping so the demo shows pick-up, own delivery and couriers.
        shipping = options[number % len(options)].method if options else "pickup"
        checkout = services.place_order(
            buyer=buyer,
            cart=cart,
            address=address,
            choices={product.shop_id: services.ShopChoice(shipping, payment)},
            token=f"demo-{state}",
        )
        cart.delete()
        order = checkout.orders.get()
        seller = product.shop.members.order_by("pk").first().user
        for step in PATHS[state]:
            self.apply(step, order, buyer, seller)

    def apply(self, step, order, buyer, seller):
        if step == "proof":
            transitions.submit_payment_proof(
                order=order, buyer=buyer, upload=proof_png(), content_type="image/png"
            )
        elif step == "confirm":
            transitions.confirm_payment(order=order, actor=seller)
        elif step == "process":
            transitions.start_processing(order=order, actor=seller)
        elif step == "ship":
            transitions.ship(order=order, actor=seller, courier="JNE", tracking_number=f"JNE{order.pk:010d}")
        elif step == "receive":
            transitions.confirm_receipt(order=order, buyer=buyer)
        elif step == "cancel":
            transitions.cancel(order=order, actor=buyer)
