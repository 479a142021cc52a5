import threading

import pytest
from django.db import IntegrityError, connection, transaction

from payments import ledger
from payments.models import AccountKind, Entry, LedgerTransaction


def test_a_balanced_transaction_moves_both_balances(db):
    cash, refunds = ledger.clearing(), ledger.refunds_payable()
    ledger.post(key="t1", description="in", legs=[ledger.debit(cash, 5_000), ledger.credit(refunds, 5_000)])
    assert ledger.balance(cash) == 5_000
    assert ledger.balance(refunds) == 5_000
    assert sum(Entry.objects.values_list("amount", flat=True)) == 0


def test_an_unbalanced_transaction_is_refused_and_posts_nothing(db):
    with pytest.raises(ledger.LedgerError, match="add up to zero"):
        ledger.post(
            key="t",
            description="x",
            legs=[ledger.debit(ledger.clearing(), 5_000), ledger.credit(ledger.refunds_payable(), 4_999)],
        )
    assert not LedgerTransaction.objects.exists()


@pytest.mark.parametrize("amount", [1.5, 5000.0, True])
def test_amounts_are_whole_rupiah_ints(db, amount):
    with pytest.raises(ledger.LedgerError, match="whole rupiah"):
        ledger.post(
            key="t", description="x", legs=[(ledger.clearing(), amount), (ledger.refunds_payable(), -amount)]
        )


def test_the_same_key_posts_once_and_returns_the_first_transaction(db):
    legs = [ledger.debit(ledger.clearing(), 7_000), ledger.credit(ledger.refunds_payable(), 7_000)]
    first = ledger.post(key="same", description="first", legs=legs)
    second = ledger.post(key="same", description="second", legs=legs)
    assert second.pk == first.pk
    assert ledger.balance(ledger.clearing()) == 7_000
    assert Entry.objects.count() == 2


def test_no_account_can_go_below_zero(db):
    with pytest.raises(IntegrityError):
        ledger.post(
            key="overdraw",
            description="x",
            legs=[ledger.debit(ledger.refunds_payable(), 1_000), ledger.credit(ledger.clearing(), 1_000)],
        )
    assert not LedgerTransaction.objects.filter(key="overdraw").exists()
    assert ledger.balance(ledger.clearing()) == 0


def test_kept_balances_can_be_recomputed_from_entries(db):
    cash = ledger.clearing()
    ledger.post(
        key="t1",
        description="in",
        legs=[ledger.debit(cash, 3_000), ledger.credit(ledger.refunds_payable(), 3_000)],
    )
    assert ledger.recompute() == []
    type(cash).objects.filter(pk=cash.pk).update(entries_sum=999)
    assert [a.pk for a in ledger.recompute(fix=True)] == [cash.pk]
    assert ledger.balance(cash) == 3_000


def test_accounts_are_one_per_kind_and_owner(db, shop_a):
    assert ledger.shop_available(shop_a).pk == ledger.shop_available(shop_a).pk
    assert ledger.shop_available(shop_a).kind == AccountKind.SHOP_AVAILABLE
    assert ledger.clearing().pk == ledger.clearing().pk


@pytest.mark.postgres
def test_the_same_key_posted_by_ten_threads_at_once_posts_once(postgres, transactional_db):
    cash, refunds = ledger.clearing(), ledger.refunds_payable()
    barrier = threading.Barrier(10)
    errors = []

    def post():
        try:
            barrier.wait()
            with transaction.atomic():
                ledger.post(
                    key="race",
                    description="x",
                    legs=[ledger.debit(cash, 1_000), ledger.credit(refunds, 1_000)],
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LedgerTransaction.objects.filter(key="race").count() == 1
    assert ledger.balance(cash) == 1_000
