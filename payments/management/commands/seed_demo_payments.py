"""Demo transaksi aman checkouts for the demo buyer (safe to run again).

Each checkout buys from two demo shops and is paid once through the sandbox provider, by the
same code a real notification runs: some wait for payment, some are paid and held, some are
completed and released to the shops less commission, so the shops have demo balances.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Count
from django.test import override_settings

from catalog.models import Product
from orders import pricing, selectors, services, transitions
from orders.management.commands.seed_demo_orders import ship_demo_parcel
from orders.models import Cart, Checkout, PaymentMethod
from payments import incoming, settlement
from payments.models import SandboxCharge
from payments.providers.sandbox import Sandbox
from vendors.demo import demo_shops

DEMO_BUYER = "pembeli@warung.test"
# How far each checkout goes; then one completed checkout per pair of demo shops, so that
# every demo shop has a balance to withdraw.
STAGES = ["unpaid", "paid", "shipped"]
QUANTITY = 2


class Command(BaseCommand):
    help = "Create demo transaksi aman checkouts (paid, held, released) for pembeli@warung.test."

    def handle(self, *args, **options):
        buyer = get_user_model().objects.filter(email=DEMO_BUYER).first()
        products = self.orderable()
        address = buyer.addresses.filter(is_default=True).first() if buyer else None
        if buyer is None or address is None or len({p.shop_id for p in products}) < 2:
            self.stdout.write(
                "No demo buyer, address or products yet: run the other demo seeds first. Nothing done."
            )
            return
        created = 0
        # Demo checkouts are paid through the sandbox whatever the deployment's provider is.
        with override_settings(
            PAYMENT_MODE="aman",
            PAYMENT_PROVIDER="sandbox",
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        ):
            for number, stage in enumerate(self.plan(products)):
                token = f"demo-aman-{number:02d}-{stage}"
                if Checkout.objects.filter(buyer=buyer, token=token).exists():
                    continue
                pair = self.two_shops(products, 2 * number if stage == "completed" else number)
                created += self.checkout(buyer, address, pair, token, stage) is not None
        mode = settings.PAYMENT_MODE
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo transaksi aman: {created} checkouts for {DEMO_BUYER} (PAYMENT_MODE={mode})."
            )
        )

    def orderable(self):
        single = Product.objects.visible().annotate(options=Count("variants")).filter(options=1)
        found = (
            single.filter(shop__in=demo_shops(), stock__gte=10)
            .select_related("shop")
            .order_by("shop__name", "pk")
        )
        first_per_shop = {}
        for product in found:
            first_per_shop.setdefault(product.shop_id, product)
        return list(first_per_shop.values())

    def plan(self, products):
        return STAGES + ["completed"] * ((len(products) + 1) // 2)

    def two_shops(self, products, number):
        first = products[number % len(products)]
        second = products[(number + 1) % len(products)]
        return [first, second]

    def checkout(self, buyer, address, products, token, stage):
        cart = Cart.objects.create()  # a cart of its own: the buyer's real cart is left alone
        for product in products:
            quantity = max(product.min_order_quantity, QUANTITY)
            services.add_to_cart(cart=cart, product_id=product.pk, quantity=quantity)
        groups = selectors.group_by_shop(selectors.cart_lines(cart))
        options = pricing.shipping_options_for(groups, address)
        if len(groups) < 2 or not all(options.values()):
            cart.delete()  # a shop that does not deliver to the demo address: no checkout
            return None
        choices = {
            group.shop.pk: services.ShopChoice(options[group.shop.pk][0].method, PaymentMethod.AMAN)
            for group in groups
        }
        checkout = services.place_order(buyer=buyer, cart=cart, address=address, choices=choices, token=token)
        cart.delete()
        payment = incoming.pay_checkout(checkout=checkout, method="qris")
        if stage == "unpaid":
            return checkout
        # What pressing pay on the sandbox page does, without the HTTP round trip to ourselves.
        SandboxCharge.objects.filter(reference=payment.reference).update(status="settlement", method="qris")
        incoming.apply_notification(
            provider="sandbox", notification=Sandbox().fetch_status(payment.reference)
        )
        if stage == "paid":
            return checkout
        for order in checkout.orders.select_related("shop").order_by("pk"):
            seller = order.shop.members.order_by("pk").first().user
            transitions.start_processing(order=order, actor=seller)
            ship_demo_parcel(order, seller)
            if stage == "completed":
                transitions.confirm_receipt(order=order, buyer=buyer)
                # The move's hook settles it; made sure here when the hook runs in a worker.
                settlement.settle_order(order_id=order.pk)
        return checkout
