import threading

import pytest
from django.db import connection

from orders.models import PaymentMethod
from payments import ledger, services
from payments.models import LedgerTransaction, Payout, Refund
from payments.services import PaymentRefused
from payments.tests.factories import complete, make_checkout, verified_account


@pytest.fixture(autouse=True)
def rates(settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM = 50_000
    settings.PAYOUT_FEE = 2_500


def orders_of(checkout):
    return list(checkout.orders.order_by("pk"))


def test_a_paid_checkout_holds_each_orders_total(payment, checkout):
    assert services.mark_paid(payment=payment) is True
    order_a, order_b = orders_of(checkout)
    assert services.held_amount(order_a) == 40_000
    assert services.held_amount(order_b) == 260_000
    assert ledger.balance(ledger.clearing()) == 300_000


def test_paying_twice_holds_once(payment, checkout):
    services.mark_paid(payment=payment)
    assert services.mark_paid(payment=payment) is False
    assert ledger.balance(ledger.clearing()) == 300_000


def test_a_payment_that_does_not_match_the_orders_holds_nothing(payment):
    type(payment).objects.filter(pk=payment.pk).update(amount=299_999)
    payment.refresh_from_db()
    with pytest.raises(PaymentRefused):
        services.mark_paid(payment=payment)
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert not LedgerTransaction.objects.exists()


def test_releasing_a_completed_order_pays_the_shop_less_commission(payment, checkout, shop_a):
    services.mark_paid(payment=payment)
    order_a = complete(orders_of(checkout)[0])
    services.release_order(order=order_a)
    # Rp30.000 goods at 2.5 % = Rp750; the shop gets the shipping fee in full.
    assert services.available_balance(shop_a) == 40_000 - 750
    assert ledger.balance(ledger.commission_income()) == 750
    assert services.held_amount(order_a) == 0
    services.release_order(order=order_a)
    assert services.available_balance(shop_a) == 39_250


def test_an_order_not_completed_is_not_released(payment, checkout, shop_a):
    services.mark_paid(payment=payment)
    with pytest.raises(PaymentRefused) as refused:
        services.release_order(order=orders_of(checkout)[0])
    assert refused.value.code == "not_completed"
    assert services.available_balance(shop_a) == 0


def test_a_partial_then_full_refund_never_exceeds_what_is_held(payment, checkout):
    services.mark_paid(payment=payment)
    order_b = orders_of(checkout)[1]
    services.refund_order(order=order_b, amount=60_000, key="complaint-1")
    services.refund_order(order=order_b, amount=60_000, key="complaint-1")  # the same decision again
    assert services.held_amount(order_b) == 200_000
    with pytest.raises(PaymentRefused) as refused:
        services.refund_order(order=order_b, amount=200_001, key="complaint-2")
    assert refused.value.code == "above_held"
    assert "Rp200.000" in refused.value.messages[0]
    services.refund_order(order=order_b, amount=200_000, key="complaint-3")
    assert services.held_amount(order_b) == 0
    assert ledger.balance(ledger.refunds_payable()) == 260_000
    assert Refund.objects.count() == 2


@pytest.mark.parametrize("amount", [0, -5, 1.5, "100"])
def test_a_refund_must_be_whole_rupiah_above_zero(payment, checkout, amount):
    services.mark_paid(payment=payment)
    with pytest.raises(PaymentRefused):
        services.refund_order(order=orders_of(checkout)[1], amount=amount, key="k")


def test_after_a_partial_refund_the_shop_gets_the_rest_less_commission(payment, checkout, shop_b):
    services.mark_paid(payment=payment)
    order_b = orders_of(checkout)[1]
    services.refund_order(order=order_b, amount=10_000, key="k")
    services.release_order(order=complete(order_b))
    assert services.available_balance(shop_b) == 250_000 - 6_250


def test_cod_commission_comes_from_the_balance_and_the_rest_is_owed_until_the_next_release(
    buyer, payment, checkout, shop_a, product_a
):
    cod = make_checkout(buyer, (shop_a, [(product_a, 15_000, 4)]), payment=PaymentMethod.COD).orders.get()
    services.charge_commission_on_cod(order=complete(cod))  # Rp60.000 → Rp1.500, balance is 0
    assert services.owed_by_shop(shop_a) == 1_500
    services.charge_commission_on_cod(order=cod)
    assert ledger.balance(ledger.commission_income()) == 1_500
    services.mark_paid(payment=payment)
    services.release_order(order=complete(orders_of(checkout)[0]))
    assert services.owed_by_shop(shop_a) == 0
    assert services.available_balance(shop_a) == 40_000 - 750 - 1_500


def test_cod_commission_is_not_charged_on_an_order_the_marketplace_held(payment, checkout):
    services.mark_paid(payment=payment)
    with pytest.raises(PaymentRefused):
        services.charge_commission_on_cod(order=complete(orders_of(checkout)[0]))


def funded(payment, checkout, shop_b):
    services.mark_paid(payment=payment)
    services.release_order(order=complete(orders_of(checkout)[1]))
    return services.available_balance(shop_b)  # Rp253.750


def test_a_payout_takes_the_amount_and_the_shop_receives_it_less_the_fee(payment, checkout, shop_b):
    balance = funded(payment, checkout, shop_b)
    payout = services.request_payout(
        shop=shop_b, amount=100_000, bank_account=verified_account(shop_b), key="p1"
    )
    assert payout.net == 97_500
    assert services.available_balance(shop_b) == balance - 100_000
    paid = services.mark_payout_paid(payout=payout, reference="BRI-778899")
    services.mark_payout_paid(payout=payout, reference="BRI-778899")
    assert paid.status == Payout.Status.PAID
    assert ledger.balance(ledger.payouts_in_transit()) == 0
    assert ledger.balance(ledger.clearing()) == 300_000 - 97_500
    assert ledger.balance(ledger.payout_fees()) == 2_500


def test_a_payout_above_the_balance_below_the_minimum_or_to_another_shops_account_is_refused(
    payment, checkout, shop_a, shop_b
):
    balance = funded(payment, checkout, shop_b)
    account = verified_account(shop_b)
    for amount, code in [(balance + 1, "above_balance"), (49_999, "minimum")]:
        with pytest.raises(PaymentRefused) as refused:
            services.request_payout(shop=shop_b, amount=amount, bank_account=account, key=f"k{amount}")
        assert refused.value.code == code
    with pytest.raises(PaymentRefused):
        services.request_payout(
            shop=shop_b, amount=60_000, bank_account=verified_account(shop_a), key="other"
        )
    assert not Payout.objects.exists()


def test_a_double_click_requests_one_payout(payment, checkout, shop_b):
    funded(payment, checkout, shop_b)
    account = verified_account(shop_b)
    first = services.request_payout(shop=shop_b, amount=100_000, bank_account=account, key="form-1")
    again = services.request_payout(shop=shop_b, amount=100_000, bank_account=account, key="form-1")
    assert again.pk == first.pk
    assert Payout.objects.count() == 1


@pytest.mark.postgres
def test_two_payout_requests_at_once_for_the_whole_balance_pay_once(
    postgres, transactional_db, buyer, shop_b, product_b
):
    checkout = make_checkout(buyer, (shop_b, [(product_b, 250_000, 1)]))
    payment = checkout.provider_payments.create(provider="sandbox", reference="WO-x", amount=checkout.total)
    services.mark_paid(payment=payment)
    services.release_order(order=complete(checkout.orders.get()))
    balance = services.available_balance(shop_b)
    account = verified_account(shop_b)
    barrier, outcomes = threading.Barrier(2), []

    def request(key):
        try:
            barrier.wait()
            services.request_payout(shop=shop_b, amount=balance, bank_account=account, key=key)
            outcomes.append("paid")
        except PaymentRefused as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(key,)) for key in ("tab-1", "tab-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["above_balance", "paid"]
    assert Payout.objects.count() == 1
    assert services.available_balance(shop_b) == 0
