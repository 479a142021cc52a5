"""The whole transaksi aman flow under random sequences, through the real use cases.

Pay, notifications (duplicated, reordered), ship, confirm, cancel, complain, the shop's and the
dinas' answers (full and partial refunds, release), settlement and payouts across three shops,
driven by `orders.transitions`, `payments.incoming`, `payments.complaints`, `payments.settlement`
and `payments.services`, with the after-commit hooks run as they would be after each step.
After every step: every ledger transaction balances, no balance is negative, the money held is
exactly the open (paid, not yet completed, refunded or cancelled) orders' totals, and all
accounts add up to zero.
"""

import contextlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import make_user
from orders import transitions
from orders.models import Order, OrderStatus
from orders.tests.factories import make_product, make_shop
from payments import complaints, incoming, ledger, services, settlement
from payments.complaints import Decision
from payments.models import (
    Account,
    AccountKind,
    CommissionRate,
    Complaint,
    ComplaintRequest,
    Payment,
    Payout,
    SandboxCharge,
)
from payments.providers.base import Notification, NotificationRefused
from payments.tests.factories import make_checkout, verified_account
from payments.tests.ledger_checks import assert_ledger_sound

S = OrderStatus
OPEN = {S.PAID, S.PROCESSING, S.SHIPPED, S.IN_COMPLAINT}
N_CHECKOUTS, N_ORDERS, N_SHOPS = 3, 5, 3
checkout_i = st.integers(0, N_CHECKOUTS - 1)
order_i = st.integers(0, N_ORDERS - 1)

pay = st.tuples(st.just("pay"), checkout_i)
ship = st.tuples(st.just("ship"), order_i)
confirm = st.tuples(st.just("confirm"), order_i)
complain = st.tuples(st.just("complain"), order_i, st.booleans())
decide = st.one_of(
    st.tuples(st.just("shop_accepts"), order_i),
    st.tuples(
        st.just("dinas"),
        order_i,
        st.sampled_from([Decision.REFUND_ALL, Decision.REFUND_PART, Decision.RELEASE]),
    ),
)
payout = st.tuples(st.just("payout"), st.integers(0, N_SHOPS - 1), st.integers(1, 4))
# The happy path's steps come more often than the ones that end an order early.
steps = st.one_of(
    pay,
    pay,
    st.tuples(st.just("notify"), checkout_i),
    ship,
    ship,
    ship,
    confirm,
    confirm,
    complain,
    complain,
    decide,
    decide,
    payout,
    payout,
    st.tuples(st.just("payout_paid"), st.integers(0, 2)),
    st.tuples(st.just("sweep")),
    st.tuples(st.just("expire"), checkout_i),
    st.tuples(st.just("cancel"), order_i),
    st.tuples(st.just("confirm_all")),
)


@pytest.fixture
def world(buyer, shop_a, shop_b, shop_a_owner, shop_b_owner, db, settings):
    settings.PAYMENT_MODE, settings.PAYMENT_PROVIDER = "aman", "sandbox"
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM, settings.PAYOUT_FEE = 10_000, 2_500
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    settings.ORDER_AUTO_COMPLETE_DAYS = 0  # "confirm_all": every shipped order is due
    citra = make_user("citra@example.com", first_name="Citra")
    shop_c = make_shop(citra, name="Koperasi Citra")
    CommissionRate.objects.create(shop=shop_c, basis_points=0)
    dinas = make_user("dinas@example.com", is_staff=True, is_superuser=True)
    shops = [shop_a, shop_b, shop_c]
    owners = {shop_a.pk: shop_a_owner, shop_b.pk: shop_b_owner, shop_c.pk: citra}
    products = {shop.pk: make_product(shop, price=17_500, stock=100) for shop in shops}
    for shop in shops:
        verified_account(shop)
    return buyer, shops, owners, products, dinas


def after_commit():
    """What runs once the step's transaction commits: the order-move hooks, provider refunds."""
    return TestCase.captureOnCommitCallbacks(execute=True)


class Run:
    def __init__(self, buyer, shops, owners, products, dinas):
        a, b, c = shops

        def lines(shop, quantity):
            return (shop, [(products[shop.pk], 17_500, quantity)])

        self.buyer, self.shops, self.owners, self.dinas = buyer, shops, owners, dinas
        self.checkouts = [
            make_checkout(buyer, lines(a, 2), lines(b, 1)),
            make_checkout(buyer, lines(c, 3)),
            make_checkout(buyer, lines(b, 1), lines(c, 1), shipping_fee=9_000),
        ]
        self.orders = [o.pk for c in self.checkouts for o in c.orders.order_by("pk")]
        self.payments = [
            Payment.objects.create(checkout=c, provider="sandbox", reference=f"WO-{c.pk}-P", amount=c.total)
            for c in self.checkouts
        ]
        self.truth = ["pending"] * N_CHECKOUTS

    def order(self, i, *statuses):
        """The i-th order (counting round) of those in `statuses`, or of all; None when none is."""
        orders = Order.objects.select_related("shop").filter(pk__in=self.orders).order_by("pk")
        if statuses:
            orders = orders.filter(status__in=statuses)
        orders = list(orders)
        return orders[i % len(orders)] if orders else None

    def open_complaint(self, i):
        order = self.order(i, S.IN_COMPLAINT)
        return order and complaints.open_complaint_of(order)

    def notify(self, i):
        payment = self.payments[i]
        note = Notification(reference=payment.reference, status=self.truth[i], amount=payment.amount)
        with contextlib.suppress(NotificationRefused):  # a paid payment reported failed: refused
            incoming.apply_notification(provider="sandbox", notification=note)

    def step(self, op, *args):
        with after_commit(), contextlib.suppress(ValidationError):
            # A move the order's state does not allow is refused and changes nothing.
            self.act(op, *args)

    def act(self, op, *args):
        if op == "pay":
            self.truth[args[0]] = "paid"
            payment = self.payments[args[0]]
            SandboxCharge.objects.get_or_create(
                reference=payment.reference,
                defaults={"amount": payment.amount, "status": "settlement", "method": "qris"},
            )
            self.notify(args[0])
        elif op == "expire":
            if self.truth[args[0]] == "pending":
                self.truth[args[0]] = "expired"
            self.notify(args[0])
        elif op == "notify":  # the provider's notification again, possibly out of order
            self.notify(args[0])
        elif op == "ship":
            order = self.order(args[0], S.PAID, S.PROCESSING)
            if order is None:
                return
            owner = self.owners[order.shop_id]
            if order.status == S.PAID:
                transitions.start_processing(order=order, actor=owner)
            transitions.ship(order=order, actor=owner, courier="JNE", tracking_number=f"JNE{order.pk:08d}")
            event("shipped")
        elif op == "confirm":
            order = self.order(args[0], S.SHIPPED)
            if order is None:
                return
            transitions.confirm_receipt(order=order, buyer=self.buyer)
            event("confirmed")
        elif op == "confirm_all":  # the auto-completion of shipped orders (not those in complaint)
            if transitions.complete_shipped_orders():
                event("auto-completed")
        elif op == "cancel":
            # A paid order the shop cannot fulfil (unpaid ones end by "expire" and the deadline).
            order = self.order(args[0], S.PAID, S.PROCESSING)
            if order is None:
                return
            transitions.cancel(order=order, actor=self.owners[order.shop_id], reason="Stok habis.")
            event(f"cancelled from {order.status}")
        elif op == "complain":
            order, part = self.order(args[0], S.SHIPPED), args[1]
            if order is None:
                return
            held = services.held_amount(order)
            complaints.open_complaint(
                order=order,
                buyer=self.buyer,
                reason="damaged",
                description="Pecah.",
                request=ComplaintRequest.REFUND_PART if part else ComplaintRequest.REFUND_ALL,
                amount=max(1, held // 3) if part else None,
            )
            event("complaint opened")
        elif op == "shop_accepts":
            complaint = self.open_complaint(args[0])
            if complaint:
                order = complaint.order
                complaints.seller_accept(complaint=complaint, actor=self.owners[order.shop_id])
                event("shop accepted")
        elif op == "dinas":
            complaint = self.open_complaint(args[0])
            if complaint:
                # The shop let the deadline pass: the sweep hands the complaint to the dinas.
                Complaint.objects.filter(pk=complaint.pk).update(
                    deadline=timezone.now() - timedelta(minutes=1)
                )
                complaints.escalate_overdue()
                complaint.refresh_from_db()
                held = services.held_amount(complaint.order)
                complaints.dinas_decide(
                    complaint=complaint,
                    staff=self.dinas,
                    decision=args[1],
                    reason="Diputuskan dinas.",
                    amount=max(1, held // 2),
                )
                event(f"dinas: {args[1]}")
        elif op == "sweep":
            settlement.settle_finished_orders()
        elif op == "payout":
            shop = self.shops[args[0]]
            services.request_payout(
                shop=shop,
                amount=services.available_balance(shop) * args[1] // 4,
                bank_account=verified_account(shop),
                key=f"p{Payout.objects.count()}",
            )
            event("payout requested")
        elif op == "payout_paid":
            payout = Payout.objects.order_by("pk")[args[0] : args[0] + 1].first()
            if payout:
                services.mark_payout_paid(payout=payout, reference=f"BRI-{payout.pk}")
                event("payout paid")

    def check(self):
        assert_ledger_sound()
        held = {a.order_id: a.balance for a in Account.objects.filter(kind=AccountKind.HELD) if a.balance}
        open_orders = {o.pk: o.total for o in Order.objects.filter(pk__in=self.orders, status__in=OPEN)}
        assert held == open_orders
        for order in Order.objects.filter(pk__in=self.orders, status__in=OPEN):
            assert ledger.posted(services.hold_key(order))


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(steps, min_size=10, max_size=50))
def test_random_transaksi_aman_flows_keep_the_money_right(world, sequence):
    with transaction.atomic():
        run = Run(*world)
        for step in sequence:
            run.step(*step)
            run.check()
        transaction.set_rollback(True)
