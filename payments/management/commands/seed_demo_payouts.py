"""Demo payouts for the demo shops (safe to run again).

The demo shops' bank accounts are verified by the demo dinas account; each demo shop whose
released balance allows it gets one payout already paid (with a bank reference) and one still
waiting in the staff's batch. Balances come from the demo transaksi aman orders
(`seed_demo_payments`); a shop without enough balance gets what fits, or nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from payments import services
from payments.models import Payout
from vendors.demo import demo_shops
from vendors.services import verify_bank_accounts

DEMO_STAFF = "admin@warung.test"


def payout_amounts(balance: int) -> list[int]:
    """The paid payout (about half the balance, in thousands) and the pending one (what is left)."""
    minimum = max(settings.PAYOUT_MINIMUM, settings.PAYOUT_FEE + 1)
    if balance < minimum:
        return []
    paid = max(minimum, balance // 2 // 1_000 * 1_000)
    rest = (balance - paid) // 1_000 * 1_000
    return [paid, rest] if rest >= minimum else [paid]


class Command(BaseCommand):
    help = "Verify the demo shops' bank accounts and give them a paid and a pending payout."

    def handle(self, *args, **options):
        staff = get_user_model().objects.filter(email=DEMO_STAFF).first()
        shops = demo_shops().order_by("pk")
        for shop in shops:
            verify_bank_accounts(accounts=shop.bank_accounts.all(), staff=staff)
        paid = pending = 0
        for shop in shops:
            made = self.payouts(shop)
            paid += made.count(Payout.Status.PAID)
            pending += made.count(Payout.Status.REQUESTED)
        if paid + pending == 0:
            self.stdout.write("No demo shop has a released balance yet (run seed_demo_payments first).")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo payouts: {paid} paid, {pending} waiting for staff."))

    def payouts(self, shop) -> list[str]:
        keys = [f"demo-payout:{shop.pk}:paid", f"demo-payout:{shop.pk}:pending"]
        existing = {p.key: p for p in Payout.objects.filter(key__in=keys)}
        account = shop.bank_accounts.filter(verified_at__isnull=False).order_by("pk").first()
        if account is None:
            return []
        if not existing:
            amounts = payout_amounts(services.available_balance(shop))
            for key, amount in zip(keys, amounts, strict=False):
                existing[key] = services.request_payout(
                    shop=shop, amount=amount, bank_account=account, key=key
                )
        paid = existing.get(keys[0])
        if paid is not None:
            services.mark_payout_paid(payout=paid, reference=f"DEMO-{account.bank}-{paid.pk:06d}")
            paid.refresh_from_db()
        return [p.status for p in existing.values()]
