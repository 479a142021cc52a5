from io import StringIO

import pytest
from django.core.management import call_command

from conftest import make_user
from payments import services
from payments.models import Payout
from payments.tests.factories import funded
from vendors.models import Shop


@pytest.fixture(autouse=True)
def rates(settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM = 50_000
    settings.PAYOUT_FEE = 2_500


def seed():
    out = StringIO()
    call_command("seed_demo_payouts", stdout=out)
    return out.getvalue()


def test_a_demo_shop_gets_a_paid_and_a_pending_payout_once(buyer, shop_a, shop_b, product_a, product_b):
    staff = make_user("admin@warung.test", is_staff=True, is_superuser=True)
    Shop.objects.filter(pk=shop_b.pk).update(is_demo=True)
    funded(buyer, shop_b, product_b)  # Rp253.750 available
    funded(buyer, shop_a, product_a, price=200_000, reference="WO-not-demo")
    assert "1 paid, 1 waiting" in seed()
    balance = services.available_balance(shop_b)
    seed()
    payouts = {p.key: p for p in Payout.objects.all()}
    assert set(payouts) == {f"demo-payout:{shop_b.pk}:paid", f"demo-payout:{shop_b.pk}:pending"}
    paid, pending = payouts[f"demo-payout:{shop_b.pk}:paid"], payouts[f"demo-payout:{shop_b.pk}:pending"]
    assert (paid.status, paid.amount) == (Payout.Status.PAID, 126_000)
    assert paid.reference.startswith("DEMO-BRI-")
    assert (pending.status, pending.amount) == (Payout.Status.REQUESTED, 127_000)
    assert services.available_balance(shop_b) == balance == 750
    account = shop_b.bank_accounts.get()
    assert account.verified_by == staff
    assert not shop_a.bank_accounts.get().is_verified  # a real shop is left alone


def test_a_demo_shop_without_balance_gets_nothing(shop_b):
    Shop.objects.filter(pk=shop_b.pk).update(is_demo=True)
    assert "No demo shop has a released balance yet" in seed()
    assert not Payout.objects.exists()
