"""Demo orders in the demo shops only (safe to run again).

One order in every state for the demo buyer, placed in the last days, and a year of completed
(and some cancelled) orders, payments and reviews from a few demo buyers, growing month by
month, so the dinas charts and reports have twelve months of life.
"""

import io
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from catalog.models import Product, Review
from marketplace.models import District
from orders import pricing, selectors, services, transitions
from orders.models import Cart, Checkout, Order, OrderEvent, OrderStatus, Payment, PaymentMethod
from shipping.couriers import Courier, courier_code
from vendors.demo import demo_shops

S = OrderStatus
DEMO_BUYER = "pembeli@warung.test"
# Buyers of the year's history (no log-in: their password is unusable).
HISTORY_BUYERS = [
    ("rina.marlina@warung.test", "Rina Marlina"),
    ("dedi.supriadi@warung.test", "Dedi Supriadi"),
    ("maya.sari@warung.test", "Maya Sari"),
]
MONTHS = 12
REVIEW_TEXTS = [
    "Barang sesuai foto, pengiriman cepat.",
    "Rasanya enak, akan pesan lagi.",
    "Penjual ramah dan responsif.",
    "Kemasan rapi, terima kasih.",
    "",
]
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
        products = list(self.orderable().select_related("shop").order_by("shop__name", "pk"))
        if buyer is None or not products:
            self.stdout.write(
                "No demo buyer or no demo products yet: run seed_demo and seed the demo shops' products first. Nothing done."
            )
            return
        # Backdated orders need no e-mail; their notifications still land in the inboxes.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            history = self.seed_history(buyer)
            created = self.seed_states(buyer, products)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo orders: {created} in every state for {DEMO_BUYER}, {history} over the year."
            )
        )

    def orderable(self):
        single = Product.objects.visible().annotate(options=Count("variants")).filter(options=1)
        return single.filter(shop__in=demo_shops(), stock__gte=5)

    def seed_states(self, buyer, products):
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
            order = self.make_order(buyer, address, product, state, payment, number, token=f"demo-{state}")
            self.backdate(order, timezone.now() - timedelta(days=len(PLAN) - number, hours=3))
            created += 1
        return created

    def seed_history(self, main_buyer):
        """Orders month by month over the last year, more each month, in shops already open."""
        buyers = [main_buyer] + [self.history_buyer(email, name) for email, name in HISTORY_BUYERS]
        now, created = timezone.now(), 0
        for months_ago in range(MONTHS - 1, -1, -1):
            for k in range(2 + (MONTHS - 1 - months_ago) // 2):
                token = f"demo-history-{months_ago:02d}-{k:02d}"
                buyer = buyers[k % len(buyers)]
                if Checkout.objects.filter(token=token).exists():
                    continue
                rng = random.Random(token)
                placed = now - timedelta(days=30 * months_ago + rng.randint(1, 27), hours=rng.randint(0, 12))
                products = list(
                    self.orderable()
                    .filter(shop__approved_at__lt=placed, created_at__lt=placed)
                    .order_by("pk")
                )
                if not products:
                    continue
                product = rng.choice(products)
                state = S.CANCELLED if rng.random() < 0.1 else S.COMPLETED
                payment = (
                    PaymentMethod.COD
                    if product.shop.cod_enabled and rng.random() < 0.3
                    else PaymentMethod.TRANSFER
                )
                address = self.demo_address(buyer, product.shop)
                order = self.make_order(buyer, address, product, state, payment, k, token=token)
                self.backdate(order, placed)
                if state == S.COMPLETED and rng.random() < 0.6:
                    self.review(order, buyer, product, rng)
                created += 1
        return created

    def history_buyer(self, email, name):
        user, created = get_user_model().objects.get_or_create(email=email, defaults={"first_name": name})
        if created:
            user.set_unusable_password()
            user.save()
        return user

    def backdate(self, order, placed):
        """Moves an order, its checkout, payments and events to `placed`, keeping their order."""
        order.refresh_from_db()
        events = list(order.events.order_by("pk").values_list("pk", flat=True))
        for n, pk in enumerate(events):
            OrderEvent.objects.filter(pk=pk).update(created_at=placed + timedelta(hours=6 * n))
        last = placed + timedelta(hours=6 * max(len(events) - 1, 0))
        Checkout.objects.filter(pk=order.checkout_id).update(created_at=placed)
        Order.objects.filter(pk=order.pk).update(
            created_at=placed,
            # An unpaid order keeps its real deadline, or the next sweep would cancel it.
            payment_deadline=order.payment_deadline
            if order.status == S.AWAITING_PAYMENT or not order.payment_deadline
            else placed + timedelta(hours=24),
            shipped_at=last if order.shipped_at else None,
            completed_at=last if order.completed_at else None,
        )
        Payment.objects.filter(order=order).update(
            created_at=placed + timedelta(hours=2), decided_at=placed + timedelta(hours=6)
        )

    def review(self, order, buyer, product, rng):
        if Review.objects.filter(product=product, author=buyer).exists():
            return
        review = services.review_product(
            buyer=buyer,
            product_id=product.pk,
            rating=rng.choice([5, 5, 4, 4, 3]),
            text=rng.choice(REVIEW_TEXTS),
        )
        Review.objects.filter(pk=review.pk).update(
            created_at=Order.objects.get(pk=order.pk).completed_at + timedelta(days=1)
        )

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
    def make_order(self, buyer, address, product, state, payment, number, *, token):
        cart = Cart.objects.create()  # a cart of its own: the buyer's real cart is left alone
        services.add_to_cart(cart=cart, product_id=product.pk, quantity=product.min_order_quantity)
        groups = selectors.group_by_shop(selectors.cart_lines(cart))
        options = [o for o in pricing.shipping_options_for(groups, address)[product.shop_id] if o.available]
        # Vary the shipping so the demo shows pick-up, own delivery and couriers.
        shipping = options[number % len(options)].key if options else "pickup"
        checkout = services.place_order(
            buyer=buyer,
            cart=cart,
            address=address,
            choices={product.shop_id: services.ShopChoice(shipping, payment)},
            token=token,
        )
        cart.delete()
        order = checkout.orders.get()
        seller = product.shop.members.order_by("pk").first().user
        for step in PATHS[state]:
            if payment == PaymentMethod.COD and step in ("proof", "confirm"):
                continue  # cash on delivery is paid at the door
            self.apply(step, order, buyer, seller)
        return order

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
            ship_demo_parcel(order, seller)
        elif step == "receive":
            transitions.confirm_receipt(order=order, buyer=buyer)
        elif step == "cancel":
            transitions.cancel(order=order, actor=buyer)


def ship_demo_parcel(order, seller):
    """Ship with the courier the buyer chose and a receipt number that courier would print."""
    courier = courier_code(order.courier)
    return transitions.ship(
        order=order, actor=seller, courier=courier, tracking_number=demo_receipt(courier, order)
    )


def demo_receipt(courier: str, order) -> str:
    """A receipt number shaped like the chosen courier's own; none for pick-up or the shop's delivery."""
    if not courier:
        return ""
    if courier == Courier.JNT:
        return f"JP{order.pk:010d}"
    if courier == Courier.SICEPAT:
        return f"0042{order.pk:08d}"
    return f"{courier.upper()}{order.pk:010d}"
