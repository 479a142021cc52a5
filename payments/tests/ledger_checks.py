"""The ledger's invariants, checked after every step of the property-based tests."""

from django.db.models import Q, Sum

from payments import ledger
from payments.models import Account, Entry, LedgerTransaction


def assert_ledger_sound():
    """Every transaction balances, the kept balances match the entries, all accounts sum to
    zero, and no account is below zero on its own side."""
    unbalanced = LedgerTransaction.objects.annotate(total=Sum("entries__amount")).filter(~Q(total=0))
    assert not unbalanced.exists()
    assert ledger.recompute() == []
    assert sum(Entry.objects.values_list("amount", flat=True)) == 0
    for account in Account.objects.all():
        assert account.balance >= 0, account
