"""Reads of a shop's money for its dashboard and statement, all derived from the ledger.

A shop's position is what it may withdraw less what it owes (COD commission not yet settled):
`shop_available` balance − `shop_receivable` balance, that is minus the sum of the entries on
those two accounts. Each movement's change is minus the sum of its entries on them, so a
statement's opening balance plus its movements is its closing balance by construction.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Q, Sum
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from payments.commission import commission_for
from payments.models import Account, AccountKind, Entry, LedgerTransaction, Payout

SHOP_KINDS = (AccountKind.SHOP_AVAILABLE, AccountKind.SHOP_RECEIVABLE)

# What a movement is, by the prefix of its idempotency key (payments/services.py names them).
MOVEMENT_KINDS = {
    "release": _("Order completed: money released"),
    "commission": _("Commission on a COD or direct order"),
    "refund": _("Refund to the buyer"),
    "payout-requested": _("Payout requested (fee included)"),
    "payout-paid": _("Payout sent to the bank"),
}


@dataclass
class BalanceSummary:
    available: int
    held: int
    owed: int
    in_transit: int

    @property
    def position(self) -> int:
        return self.available - self.owed


def _balance(kind, **owner) -> int:
    acct = Account.objects.filter(kind=kind, **owner).first()
    return acct.balance if acct else 0


def balance_summary(shop) -> BalanceSummary:
    held = Account.objects.filter(kind=AccountKind.HELD, order__shop=shop).aggregate(s=Sum("entries_sum"))[
        "s"
    ]
    in_transit = Payout.objects.filter(shop=shop, status=Payout.Status.REQUESTED).values_list("amount", "fee")
    return BalanceSummary(
        available=_balance(AccountKind.SHOP_AVAILABLE, shop=shop),
        held=-(held or 0),
        owed=_balance(AccountKind.SHOP_RECEIVABLE, shop=shop),
        in_transit=sum(amount - fee for amount, fee in in_transit),
    )


def shop_account_ids(shop) -> set[int]:
    return set(Account.objects.filter(kind__in=SHOP_KINDS, shop=shop).values_list("pk", flat=True))


# --- Movements -----------------------------------------------------------------------------------


@dataclass
class Movement:
    posted: datetime
    kind: str
    label: str
    order_number: str
    description: str
    gross: int = 0
    commission: int = 0
    fee: int = 0
    change: int = 0


def movement_kind(key: str) -> str:
    prefix = key.split(":", 1)[0]
    if prefix == "payout":
        return "payout-paid" if key.endswith(":paid") else "payout-requested"
    return prefix


def shop_movements(shop, *, start=None, end=None):
    """The shop's ledger transactions (oldest first), without the holds (money not yet the shop's)."""
    ids = shop_account_ids(shop)
    txns = (
        LedgerTransaction.objects.filter(Q(shop=shop) | Q(entries__account__in=ids))
        .exclude(key__startswith="hold:")
        .distinct()
        .select_related("order")
        .prefetch_related(Prefetch("entries", queryset=Entry.objects.select_related("account")))
        .order_by("created_at", "pk")
    )
    if start is not None:
        txns = txns.filter(created_at__gte=start)
    if end is not None:
        txns = txns.filter(created_at__lt=end)
    return txns


def movement(txn, ids: set[int]) -> Movement:
    entries = list(txn.entries.all())

    def credited(kind):
        return -sum(e.amount for e in entries if e.account.kind == kind)

    kind = movement_kind(txn.key)
    change = -sum(e.amount for e in entries if e.account_id in ids)
    row = Movement(
        posted=txn.created_at,
        kind=kind,
        label=str(MOVEMENT_KINDS.get(kind, txn.description)),
        order_number=txn.order.number if txn.order_id else "",
        description=txn.description,
        commission=credited(AccountKind.COMMISSION),
        fee=credited(AccountKind.PAYOUT_FEES),
        change=change,
    )
    if kind in ("release", "refund"):
        row.gross = sum(e.amount for e in entries if e.account.kind == AccountKind.HELD and e.amount > 0)
    elif kind == "commission" and txn.order_id:
        row.gross = txn.order.total
    elif kind == "payout-requested":
        row.gross = -change
    elif kind == "payout-paid":
        row.gross = credited(AccountKind.CLEARING)
    return row


def movements(shop, **bounds) -> list[Movement]:
    ids = shop_account_ids(shop)
    return [movement(txn, ids) for txn in shop_movements(shop, **bounds)]


def position_before(shop, moment) -> int:
    """The shop's position (available − owed) just before `moment`."""
    total = Entry.objects.filter(
        account__kind__in=SHOP_KINDS, account__shop=shop, transaction__created_at__lt=moment
    ).aggregate(s=Sum("amount"))["s"]
    return -(total or 0)


# --- Monthly statement ---------------------------------------------------------------------------


@dataclass
class Statement:
    shop: object
    start: datetime
    end: datetime
    opening: int
    rows: list = field(default_factory=list)

    @property
    def closing(self) -> int:
        return self.opening + sum(row.change for row in self.rows)

    def total(self, name) -> int:
        return sum(getattr(row, name) for row in self.rows)

    @property
    def released(self) -> int:
        return sum(row.gross for row in self.rows if row.kind == "release")

    @property
    def commission(self) -> int:
        return self.total("commission")

    @property
    def payouts(self) -> int:
        return sum(row.gross for row in self.rows if row.kind == "payout-requested")

    @property
    def fees(self) -> int:
        return self.total("fee")

    @property
    def refunds(self) -> int:
        return sum(row.gross for row in self.rows if row.kind == "refund")


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month from its first midnight to the next month's, in the deployment's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def statement(shop, *, year: int, month: int) -> Statement:
    start, end = month_bounds(year, month)
    return Statement(
        shop=shop,
        start=start,
        end=end,
        opening=position_before(shop, start),
        rows=movements(shop, start=start, end=end),
    )


# --- Commission per order ------------------------------------------------------------------------


@dataclass
class OrderMoney:
    order: Order
    state: str
    gross: int
    commission: int
    refunded: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.commission

    @property
    def rate_percent(self) -> Decimal:
        """The commission as a share of the goods (shipping pays none), in percent."""
        if not self.order.subtotal:
            return Decimal(0)
        return (Decimal(self.commission) * 100 / self.order.subtotal).quantize(Decimal("0.01"))


ORDER_STATES = {
    "held": _("Held until the buyer confirms"),
    "released": _("Released to your balance"),
    "charged": _("Paid to you directly; commission charged"),
}


def orders_with_money(shop):
    """The shop's orders the ledger knows (held, released or charged commission), newest first."""
    order_ids = LedgerTransaction.objects.filter(shop=shop, order__isnull=False).values("order_id")
    return Order.objects.filter(shop=shop, pk__in=order_ids).order_by("-created_at", "-pk")


def order_money(orders) -> list[OrderMoney]:
    """Gross, commission and net of each order (one query for all their transactions)."""
    orders = list(orders)
    by_order: dict[int, list] = {order.pk: [] for order in orders}
    txns = LedgerTransaction.objects.filter(order__in=orders).prefetch_related(
        Prefetch("entries", queryset=Entry.objects.select_related("account"))
    )
    for txn in txns:
        by_order[txn.order_id].append(txn)
    return [_order_money(order, by_order[order.pk]) for order in orders]


def _order_money(order, txns) -> OrderMoney:
    kinds = {movement_kind(txn.key): txn for txn in txns}
    entries = [(movement_kind(txn.key), e) for txn in txns for e in txn.entries.all()]
    refunded = sum(e.amount for kind, e in entries if kind == "refund" and e.account.kind == AccountKind.HELD)
    commission = -sum(e.amount for _kind, e in entries if e.account.kind == AccountKind.COMMISSION)
    if "release" in kinds:
        gross = sum(
            e.amount
            for kind, e in entries
            if kind == "release" and e.account.kind == AccountKind.HELD and e.amount > 0
        )
        return OrderMoney(order, "released", gross, commission, refunded)
    if "commission" in kinds:
        return OrderMoney(order, "charged", order.total, commission, refunded)
    held = sum(-e.amount for _kind, e in entries if e.account.kind == AccountKind.HELD)
    # Not released yet: the commission it will pay, computed as the release will compute it.
    return OrderMoney(order, "held", held, min(commission_for(order), held), refunded)
