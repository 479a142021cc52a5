"""Random sequences of payments, notifications, releases, refunds, COD commission and payouts
across several shops keep the ledger's invariants after every step."""

import contextlib

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from orders.models import Order, OrderStatus, PaymentMethod
from orders.tests.factories import make_product, make_shop
from payments import incoming, ledger, services
from payments.models import Account, AccountKind, CommissionRate, LedgerTransaction, Payment, Payout
from payments.providers.base import Notification, NotificationRefused
from payments.services import PaymentRefused
from payments.tests.factories import complete, make_checkout, verified_account
from payments.tests.ledger_checks import assert_ledger_sound

N_CHECKOUTS, N_ORDERS, N_COD, N_SHOPS = 3, 5, 2, 3

steps = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, N_CHECKOUTS - 1)),
    st.tuples(st.just("pay"), st.integers(0, N_CHECKOUTS - 1)),
    st.tuples(st.just("release"), st.integers(0, N_ORDERS - 1)),
    st.tuples(st.just("expire"), st.integers(0, N_CHECKOUTS - 1)),
    st.tuples(st.just("notify"), st.integers(0, N_CHECKOUTS - 1)),
    st.tuples(st.just("complete"), st.integers(0, N_ORDERS - 1)),
    st.tuples(st.just("release"), st.integers(0, N_ORDERS - 1)),
    st.tuples(st.just("refund"), st.integers(0, N_ORDERS - 1), st.integers(0, 4)),
    st.tuples(st.just("cod"), st.integers(0, N_COD - 1)),
    st.tuples(st.just("payout"), st.integers(0, N_SHOPS - 1), st.integers(1, 4)),
    st.tuples(st.just("payout"), st.integers(0, N_SHOPS - 1), st.integers(1, 4)),
    st.tuples(st.just("payout_paid"), st.integers(0, 1)),
)


@pytest.fixture
def world(buyer, shop_a, shop_b, db, settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM = 10_000
    settings.PAYOUT_FEE = 2_500
    from conftest import make_user

    shop_c = make_shop(make_user("citra@example.com", first_name="Citra"), name="Koperasi Citra")
    CommissionRate.objects.create(shop=shop_c, basis_points=0)
    products = {shop.pk: make_product(shop, price=17_500) for shop in (shop_a, shop_b, shop_c)}
    return buyer, [shop_a, shop_b, shop_c], products


class Run:
    """The example's checkouts and orders, and what the provider says about each payment."""

    def __init__(self, buyer, shops, products):
        a, b, c = shops

        def lines(shop, quantity):
            return (shop, [(products[shop.pk], 17_500, quantity)])

        self.checkouts = [
            make_checkout(buyer, lines(a, 2), lines(b, 1)),
            make_checkout(buyer, lines(c, 3)),
            make_checkout(buyer, lines(b, 1), lines(c, 1), shipping_fee=9_000),
        ]
        self.orders = [o for c in self.checkouts for o in c.orders.order_by("pk")]
        self.cod = [
            make_checkout(buyer, lines(a, 1), payment=PaymentMethod.COD).orders.get(),
            make_checkout(buyer, lines(c, 2), payment=PaymentMethod.COD).orders.get(),
        ]
        self.shops = shops
        self.payments = [
            Payment.objects.create(checkout=c, provider="sandbox", reference=f"WO-{c.pk}-P", amount=c.total)
            for c in self.checkouts
        ]
        self.truth = ["pending"] * N_CHECKOUTS
        self.expected_held = {o.pk: 0 for o in self.orders}
        self.paid = set()

    def notify(self, i):
        payment = self.payments[i]
        note = Notification(reference=payment.reference, status=self.truth[i], amount=payment.amount)
        with contextlib.suppress(NotificationRefused):  # a paid payment reported failed: refused
            incoming.apply_notification(provider="sandbox", notification=note)
        payment.refresh_from_db()
        if payment.status == "paid" and i not in self.paid:
            self.paid.add(i)
            for order in self.checkouts[i].orders.all():
                self.expected_held[order.pk] = order.total

    def step(self, op, *args):
        if op == "pay":
            self.truth[args[0]] = "paid"
            self.notify(args[0])
        elif op == "expire":
            if self.truth[args[0]] == "pending":
                self.truth[args[0]] = "expired"
            self.notify(args[0])
        elif op == "notify":
            self.notify(args[0])
        elif op == "complete":
            order = Order.objects.get(pk=self.orders[args[0]].pk)
            if order.status != OrderStatus.CANCELLED and ledger.posted(services.hold_key(order)):
                complete(order)
        elif op == "release":
            # Most releases follow the buyer's confirmation at once: complete first when it can be.
            self.step("complete", args[0])
            order = self.orders[args[0]]
            try:
                services.release_order(order=order)
                self.expected_held[order.pk] = 0
                event("released")
            except PaymentRefused:
                pass
        elif op == "refund":
            order, quarters = self.orders[args[0]], args[1]
            held = services.held_amount(order)
            amount = held if quarters == 4 else max(1, held * quarters // 4)
            try:
                services.refund_order(
                    order=order, amount=amount, key=f"k{order.pk}-{LedgerTransaction.objects.count()}"
                )
                self.expected_held[order.pk] -= amount
                event("refunded in full" if quarters == 4 else "refunded in part")
            except PaymentRefused:
                pass
        elif op == "cod":
            order = complete(self.cod[args[0]])
            if services.charge_commission_on_cod(order=order):
                event("COD commission charged")
        elif op == "payout":
            shop = self.shops[args[0]]
            amount = services.available_balance(shop) * args[1] // 4
            with contextlib.suppress(PaymentRefused):  # below the minimum: refused, nothing changes
                services.request_payout(
                    shop=shop,
                    amount=amount,
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
        held_accounts = Account.objects.filter(kind=AccountKind.HELD)
        assert {a.order_id: a.balance for a in held_accounts if a.balance} == {
            pk: amount for pk, amount in self.expected_held.items() if amount
        }
        released = {o.pk for o in self.orders if ledger.posted(f"release:{o.pk}")}
        assert all(services.held_amount(o) == 0 for o in self.orders if o.pk in released)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(steps, min_size=5, max_size=40))
def test_random_money_flows_keep_the_ledger_balanced(world, sequence):
    with transaction.atomic():
        run = Run(*world)
        for step in sequence:
            run.step(*step)
            run.check()
        transaction.set_rollback(True)
