"""Demo complaints on demo orders paid through the marketplace (safe to run again).

One complaint the shop ignored, handed to the dinas by the deadline and refunded by the dinas;
one still waiting for the shop's answer. Each on its own order, paid in the sandbox, held,
processed and shipped by a demo shop: this command makes what it needs itself.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from orders import transitions
from orders.management.commands.seed_demo_orders import DEMO_BUYER, ship_demo_parcel
from orders.management.commands.seed_demo_orders import Command as DemoOrders
from orders.models import Checkout, OrderStatus, PaymentMethod
from payments import complaints, services
from payments.complaints import Decision
from payments.models import Complaint, ComplaintRequest, Payment, SandboxCharge

S = OrderStatus
# token -> (problem, request, what the buyer wrote, resolved by the dinas)
PLAN = {
    "demo-komplain-resolved": (
        "not_received",
        ComplaintRequest.REFUND_ALL,
        "Sudah 10 hari belum sampai, resi tidak bergerak sejak di gudang kurir.",
        True,
    ),
    "demo-komplain-open": (
        "damaged",
        ComplaintRequest.REFUND_PART,
        "Dua toples pecah saat diterima, sisanya utuh. Mohon kembalikan sebagian dana.",
        False,
    ),
}


class Command(BaseCommand):
    help = "Create a resolved and an open demo complaint on demo orders paid through the marketplace."

    def handle(self, *args, **options):
        users = get_user_model().objects
        buyer = users.filter(email=DEMO_BUYER).first()
        dinas = users.filter(is_superuser=True, is_staff=True).order_by("pk").first()
        orders_seed = DemoOrders()
        products = list(orders_seed.orderable().select_related("shop").order_by("shop__name", "pk"))
        if buyer is None or dinas is None or not products:
            self.stdout.write("No demo buyer, dinas account or demo products yet: run the other seeds first.")
            return
        made = 0
        # Complaints are about money held in transaksi aman, whatever mode the demo runs in.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", PAYMENT_MODE="aman"
        ):
            for number, (token, plan) in enumerate(PLAN.items()):
                if Checkout.objects.filter(buyer=buyer, token=token).exists():
                    continue
                product = products[(number * 3 + 1) % len(products)]
                self.seed_one(orders_seed, buyer, dinas, product, token, number, *plan)
                made += 1
        self.stdout.write(self.style.SUCCESS(f"Demo complaints: {made} made ({len(PLAN)} in all)."))

    @transaction.atomic
    def seed_one(self, orders_seed, buyer, dinas, product, token, number, reason, request, text, resolved):
        address = orders_seed.demo_address(buyer, product.shop)
        method = getattr(PaymentMethod, "AMAN", PaymentMethod.TRANSFER)
        order = orders_seed.make_order(
            buyer, address, product, S.AWAITING_PAYMENT, method, number, token=token
        )
        seller = product.shop.members.order_by("pk").first().user
        self.pay_in_the_sandbox(order, orders_seed, buyer, seller)
        transitions.start_processing(order=order, actor=seller)
        ship_demo_parcel(order, seller)
        order.refresh_from_db()
        amount = services.held_amount(order) // 2 if request == ComplaintRequest.REFUND_PART else None
        complaint = complaints.open_complaint(
            order=order, buyer=buyer, reason=reason, description=text, request=request, amount=amount
        )
        if not resolved:
            return complaint
        # The shop let the deadline pass: the beat's sweep hands it to the dinas, who refunds.
        Complaint.objects.filter(pk=complaint.pk).update(deadline=timezone.now() - timedelta(minutes=1))
        complaints.escalate_if_overdue(complaint_id=complaint.pk)
        complaint.refresh_from_db()
        return complaints.dinas_decide(
            complaint=complaint,
            staff=dinas,
            decision=Decision.REFUND_ALL,
            reason="Toko tidak menanggapi dan resi tidak bergerak: dana dikembalikan penuh ke pembeli.",
        )

    def pay_in_the_sandbox(self, order, orders_seed, buyer, seller):
        """The checkout paid through the sandbox provider: the money is held for the order."""
        checkout = order.checkout
        reference = f"{settings.PAYMENT_REFERENCE_PREFIX}-{checkout.pk}-DEMOKP"
        payment = Payment.objects.filter(checkout=checkout).first() or Payment.objects.create(
            checkout=checkout, provider="sandbox", reference=reference, amount=checkout.total, method="qris"
        )
        SandboxCharge.objects.get_or_create(
            reference=payment.reference,
            defaults={"amount": payment.amount, "status": "settlement", "method": "qris"},
        )
        services.mark_paid(payment=payment)
        order.refresh_from_db()
        if order.status != S.AWAITING_PAYMENT:
            return
        if SYSTEM_PAYS in transitions.ALLOWED_MOVES:
            transitions.transition(order=order, to=S.PAID, actor=None)
        else:
            for step in ("proof", "confirm"):
                orders_seed.apply(step, order, buyer, seller)


SYSTEM_PAYS = (S.AWAITING_PAYMENT, S.PAID)
