"""The double-entry ledger: the one writer of `Account`, `LedgerTransaction` and `Entry`.

Every movement of money is one transaction whose entries add up to zero, posted once per
idempotency key: posting the same key again returns the first transaction and changes
nothing, also when two processes post it at the same moment (a unique key, and the insert in
a savepoint so the loser reads the winner's row). Balances are the sums of the entries; each
account keeps its sum in the same transaction (`Account.entries_sum`) and `recompute` checks it.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from payments.models import Account, AccountKind, Entry, LedgerTransaction


class LedgerError(ValueError):
    """A transaction that does not balance, or is not in whole rupiah: nothing was posted."""


def account(kind, *, shop=None, order=None) -> Account:
    """The account of this kind for this shop or order (made the first time it is needed)."""
    try:
        with transaction.atomic():
            return Account.objects.get_or_create(kind=kind, shop=shop, order=order)[0]
    except IntegrityError:
        # Made by someone else at the same moment.
        return Account.objects.get(kind=kind, shop=shop, order=order)


def clearing() -> Account:
    return account(AccountKind.CLEARING)


def held(order) -> Account:
    return account(AccountKind.HELD, order=order)


def commission_income() -> Account:
    return account(AccountKind.COMMISSION)


def payout_fees() -> Account:
    return account(AccountKind.PAYOUT_FEES)


def shop_available(shop) -> Account:
    return account(AccountKind.SHOP_AVAILABLE, shop=shop)


def shop_receivable(shop) -> Account:
    return account(AccountKind.SHOP_RECEIVABLE, shop=shop)


def payouts_in_transit() -> Account:
    return account(AccountKind.PAYOUTS_IN_TRANSIT)


def refunds_payable() -> Account:
    return account(AccountKind.REFUNDS_PAYABLE)


def lock(*accounts: Account) -> dict[int, Account]:
    """Lock the accounts' rows (in primary-key order, so two callers never deadlock); fresh copies by pk."""
    pks = sorted({a.pk for a in accounts})
    return {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=pks).order_by("pk")}


def debit(acct: Account, amount: int) -> tuple[Account, int]:
    return (acct, amount)


def credit(acct: Account, amount: int) -> tuple[Account, int]:
    return (acct, -amount)


def check_legs(legs) -> list[tuple[Account, int]]:
    legs = [(acct, amount) for acct, amount in legs if amount != 0]
    for _, amount in legs:
        if type(amount) is not int:
            raise LedgerError(f"amounts are whole rupiah (int), not {type(amount).__name__}")
    if not legs:
        raise LedgerError("a transaction needs at least one entry that is not zero")
    if sum(amount for _, amount in legs) != 0:
        raise LedgerError(f"entries must add up to zero, not {sum(amount for _, amount in legs)}")
    return legs


def post(*, key: str, description: str, legs: Iterable, order=None, shop=None) -> LedgerTransaction:
    """Post one balanced transaction once: a key already posted returns its transaction unchanged."""
    legs = check_legs(legs)
    with transaction.atomic():
        existing = LedgerTransaction.objects.filter(key=key).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                txn = LedgerTransaction.objects.create(
                    key=key, description=description[:200], order=order, shop=shop
                )
                Entry.objects.bulk_create(
                    Entry(transaction=txn, account=acct, amount=amount) for acct, amount in legs
                )
                for acct, amount in sorted(legs, key=lambda leg: leg[0].pk):
                    Account.objects.filter(pk=acct.pk).update(entries_sum=F("entries_sum") + amount)
        except IntegrityError:
            # Either the same key posted at this moment by someone else (return theirs) or an
            # account driven below zero (the check constraint): that one is a real error.
            existing = LedgerTransaction.objects.filter(key=key).first()
            if existing:
                return existing
            raise
    return txn


def posted(key: str) -> bool:
    return LedgerTransaction.objects.filter(key=key).exists()


def balance(acct: Account) -> int:
    """The account's balance on its own side, read from the database now."""
    acct.refresh_from_db(fields=["entries_sum"])
    return acct.balance


def recompute(*, fix=False) -> list[Account]:
    """Accounts whose kept sum differs from the sum of their entries (corrected when `fix`)."""
    sums = dict(
        Entry.objects.values_list("account").annotate(total=Sum("amount")).values_list("account", "total")
    )
    wrong = []
    for acct in Account.objects.order_by("pk"):
        actual = sums.get(acct.pk, 0)
        if acct.entries_sum != actual:
            wrong.append(acct)
            if fix:
                Account.objects.filter(pk=acct.pk).update(entries_sum=actual)
    return wrong
