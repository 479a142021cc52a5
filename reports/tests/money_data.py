"""A fixed set of ledger transactions for the money report, made through the payments services.

Commission 2.5 %, payout fee Rp2.500. Counted by hand:

January 2026
- Checkout 1 paid (Rp250.000): Dapur Ani 2 × 15.000 + 10.000 shipping = 40.000 held;
  Batik Bayu 1 × 200.000 + 10.000 = 210.000 held.
- Gonggong Citra's COD order (1 × 100.000 + 10.000) completed: commission 2.500, owed
  (Citra has no balance yet).
February
- Ani's order completed and released: commission 750, released 39.250.
- Bayu's order: a complaint refunds 50.000 (160.000 stay held).
- Checkout 2 paid: Citra 2 × 50.000 + 10.000 = 110.000 held.
March
- Bayu's order completed and released: commission 5.000 (on the goods), released 155.000.
- Citra's order completed and released: commission 2.500, the 2.500 owed settled, 105.000 to the
  balance: released 107.500.
- Ani withdraws 39.250 (fee 2.500, 36.750 sent) and the payout is marked paid.
- A payment of 75.000 arrives after its checkout expired (no shop): received and owed back.

| month | received | refunds | released | comm. held | comm. COD | fees | payouts | held at end |
| Jan   | 250.000  | 0       | 0        | 0          | 2.500     | 0    | 0       | 250.000     |
| Feb   | 110.000  | 50.000  | 39.250   | 750        | 0         | 0    | 0       | 270.000     |
| Mar   | 75.000   | 75.000  | 262.500  | 7.500      | 0         | 2.500| 36.750  | 0           |
"""

import contextlib

from django.utils import timezone

from orders.models import PaymentMethod
from payments import services
from payments.models import LedgerTransaction, Payment, PaymentStatus
from payments.tests.factories import complete, make_checkout
from reports.tests import factories as f
from vendors.models import BankAccount

MONTHS = ["2026-01", "2026-02", "2026-03"]
EXPECTED_MONTHS = [
    # received, refunds, released, commission_held, commission_cod, payout_fees, payouts_paid, held
    (250_000, 0, 0, 0, 2_500, 0, 0, 250_000),
    (110_000, 50_000, 39_250, 750, 0, 0, 0, 270_000),
    (75_000, 75_000, 262_500, 7_500, 0, 2_500, 36_750, 0),
]
FIGURE_ORDER = [
    "received",
    "refunds",
    "released",
    "commission_held",
    "commission_cod",
    "payout_fees",
    "payouts_paid",
    "held",
]


@contextlib.contextmanager
def posted_on(when):
    """Ledger transactions posted inside the block are dated `when` (the services post "now")."""
    before = set(LedgerTransaction.objects.values_list("pk", flat=True))
    yield
    LedgerTransaction.objects.exclude(pk__in=before).update(created_at=when)


def pay(checkout, *, provider="midtrans", suffix="AAAAAA", when):
    payment = Payment.objects.create(
        checkout=checkout,
        provider=provider,
        reference=f"WO-{checkout.pk}-{suffix}",
        amount=checkout.total,
    )
    with posted_on(when):
        services.mark_paid(payment=payment)
    Payment.objects.filter(pk=payment.pk).update(paid_at=when)
    payment.refresh_from_db()
    return payment


def build(buyer, settings, owner_of):
    """The shops, payments and ledger of the docstring; returns names → objects."""
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM = 10_000
    settings.PAYOUT_FEE = 2_500
    maju = f.community("Koperasi Maju Bersama", "koperasi-maju")
    batik = f.community("Paguyuban Batik Purwakarta", "paguyuban-batik")
    food = f.category("makanan-uji", "Makanan")
    ani = f.shop(owner_of("ani"), "Dapur Ani", approved=f.at(2025, 12, 1), communities=[maju])
    bayu = f.shop(
        owner_of("bayu"), "Batik Bayu", where=f.CAMPAKA, approved=f.at(2025, 12, 1), communities=[batik]
    )
    citra = f.shop(owner_of("citra"), "Gonggong Citra", where=f.BATAM, approved=f.at(2025, 12, 1))
    keripik = f.product(ani, name="Keripik Singkong", category=food, price=15_000)
    kain = f.product(bayu, name="Kain Batik", category=food, price=200_000)
    suvenir = f.product(citra, name="Suvenir Gonggong", category=food, price=50_000)

    jan, feb, mar = f.at(2026, 1, 10), f.at(2026, 2, 10), f.at(2026, 3, 10)
    first = make_checkout(buyer, (ani, [(keripik, 15_000, 2)]), (bayu, [(kain, 200_000, 1)]))
    payment_1 = pay(first, when=jan)
    ani_order, bayu_order = first.orders.order_by("pk")
    cod = make_checkout(buyer, (citra, [(suvenir, 100_000, 1)]), payment=PaymentMethod.COD)
    with posted_on(jan):
        services.charge_commission_on_cod(order=complete(cod.orders.get()))

    with posted_on(feb):
        services.release_order(order=complete(ani_order))
        services.refund_order(order=bayu_order, amount=50_000, key="complaint:bayu", reason="rusak")
    second = make_checkout(buyer, (citra, [(suvenir, 50_000, 2)]))
    payment_2 = pay(second, suffix="BBBBBB", when=feb)

    with posted_on(mar):
        services.release_order(order=complete(bayu_order))
        services.release_order(order=complete(second.orders.get()))
        # Payouts go only to an account the dinas verified.
        account = BankAccount.objects.create(
            shop=ani,
            bank="BRI",
            account_number="1234567890",
            holder_name="Ani Rahayu",
            verified_at=timezone.now(),
        )
        payout = services.request_payout(shop=ani, amount=39_250, bank_account=account, key="payout:ani:1")
        services.mark_payout_paid(payout=payout, reference="BRI-0001")
    expired_checkout = make_checkout(
        buyer,
        (
            ani,
            [(keripik, 15_000, 1)],
        ),
        shipping_fee=60_000,
    )
    late = Payment.objects.create(
        checkout=expired_checkout,
        provider="midtrans",
        reference=f"WO-{expired_checkout.pk}-LATE00",
        amount=expired_checkout.total,
        status=PaymentStatus.EXPIRED,
    )
    with posted_on(mar):
        services.record_late_payment(payment=late)
    Payment.objects.filter(pk=late.pk).update(paid_at=mar)
    assert late.amount == 75_000
    return {
        "shops": {"ani": ani, "bayu": bayu, "citra": citra},
        "communities": {"maju": maju, "batik": batik},
        "payments": {"first": payment_1, "second": payment_2, "late": late},
        "now": timezone.now(),
    }
