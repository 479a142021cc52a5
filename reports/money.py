"""The money report: what the ledger recorded per month, per shop and per community.

Every figure is a sum of ledger entries on one kind of account (docs/payments.md), so the report
and the balances can never tell two stories. A movement falls in the month it was posted
(Asia/Jakarta) and belongs to the shop its transaction names (a payment that arrived after its
checkout expired names none: it shows as "not a shop's").

    held at the end of a month = held at the end of the month before
                                 + received − refunds − released to shops − commission on held orders

(`held_identity_holds` checks it; the tests check it on a fixed set of transactions.)
"""

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from payments.models import AccountKind, Entry
from reports.selectors import ReportFilters, _month_key, months_between
from vendors.models import Shop

K = AccountKind

# The figures, in the order of the tables: name and label.
FIGURES = [
    ("received", _("Received")),
    ("refunds", _("Refunds")),
    ("released", _("Released to shops")),
    ("commission_held", _("Commission on held orders")),
    ("commission_cod", _("Commission on COD and direct orders")),
    ("payout_fees", _("Payout fees")),
    ("payouts_paid", _("Payouts paid")),
    ("held", _("Held at the end")),
]
FLOWS = [name for name, _label in FIGURES if name != "held"]
NO_SHOP = None


def _moves_money_out_of_held():
    return Exists(
        Entry.objects.filter(transaction=OuterRef("transaction"), account__kind=K.HELD, amount__gt=0)
    )


def _pays_out_of_clearing():
    return Exists(
        Entry.objects.filter(transaction=OuterRef("transaction"), account__kind=K.CLEARING, amount__lt=0)
    )


def _flow_sums():
    """Each figure as a conditional sum of entries; credits are negative, so they are negated."""
    from_held, to_clearing = _moves_money_out_of_held(), _pays_out_of_clearing()
    debit, credit = Q(amount__gt=0), Q(amount__lt=0)
    shops = Q(account__kind__in=[K.SHOP_AVAILABLE, K.SHOP_RECEIVABLE])
    return {
        # Money that reached the provider.
        "received": Sum("amount", filter=Q(account__kind=K.CLEARING) & debit),
        # Refunds decided (owed to buyers), including money paid after a checkout expired.
        "refunds": -Sum("amount", filter=Q(account__kind=K.REFUNDS_PAYABLE) & credit),
        # The shops' part of a completed order's held money (to their balance, or settling
        # commission they owed): not a failed payout coming back, which leaves nothing held.
        "released": -Sum("amount", filter=shops & credit & from_held),
        "commission_held": -Sum("amount", filter=Q(account__kind=K.COMMISSION) & from_held),
        "commission_cod": -Sum("amount", filter=Q(account__kind=K.COMMISSION) & ~from_held),
        "payout_fees": -Sum("amount", filter=Q(account__kind=K.PAYOUT_FEES)),
        # Sent to the shops' banks: the money left the provider.
        "payouts_paid": Sum("amount", filter=Q(account__kind=K.PAYOUTS_IN_TRANSIT) & debit & to_clearing),
        "held_change": -Sum("amount", filter=Q(account__kind=K.HELD)),
    }


def _entries(filters: ReportFilters):
    entries = Entry.objects.all()
    shops = filters.shops_q("transaction__shop__")
    return entries.filter(shops) if shops else entries


def _blank():
    return dict.fromkeys(FLOWS, 0) | {"held": 0}


@dataclass
class MoneyReport:
    filters: ReportFilters
    monthly: list = field(default_factory=list)
    shops: list = field(default_factory=list)
    communities: list = field(default_factory=list)
    total: dict = field(default_factory=dict)
    held_before: int = 0


def money_report(filters: ReportFilters) -> MoneyReport:
    """Four queries whatever the number of months, shops and transactions."""
    flows = list(
        _entries(filters)
        .filter(transaction__created_at__gte=filters.since, transaction__created_at__lt=filters.until)
        .annotate(month=TruncMonth("transaction__created_at"))
        .values("month", "transaction__shop")
        .annotate(**_flow_sums())
        .order_by()
    )
    held_before = dict(
        _entries(filters)
        .filter(account__kind=K.HELD, transaction__created_at__lt=filters.since)
        .values("transaction__shop")
        .annotate(held=-Sum("amount"))
        .order_by()
        .values_list("transaction__shop", "held")
    )
    shop_ids = {row["transaction__shop"] for row in flows} | set(held_before)
    shop_ids.discard(NO_SHOP)
    shops = {
        s["pk"]: s
        for s in Shop.objects.filter(pk__in=shop_ids)
        .values("pk", "name", regency=F("district__regency__name"))
        .order_by()
    }
    links = Shop.communities.through.objects.filter(shop_id__in=shop_ids).values_list(
        "shop_id", "community_id", "community__name"
    )
    report = MoneyReport(filters=filters, held_before=sum(held_before.values()))
    report.monthly = _by_month(filters, flows, report.held_before)
    report.shops = _by_shop(flows, held_before, shops)
    report.communities = _by_community(report.shops, list(links))
    report.total = _sum_rows(report.shops)
    return report


def _add(target, row):
    for name in FLOWS:
        target[name] += row.get(name) or 0


def _by_month(filters, flows, held_before):
    months = {m: {"month": m, **_blank()} for m in months_between(filters.start, filters.end)}
    change = dict.fromkeys(months, 0)
    for row in flows:
        month = _month_key(row["month"])
        _add(months[month], row)
        change[month] += row["held_change"] or 0
    held = held_before
    for month, row in months.items():
        held += change[month]
        row["held"] = held
    return list(months.values())


def _by_shop(flows, held_before, shops):
    rows = {}
    for shop_id in set(held_before) | {row["transaction__shop"] for row in flows}:
        shop = shops.get(shop_id, {})
        rows[shop_id] = {
            "shop_id": shop_id,
            "name": shop.get("name"),
            "regency": shop.get("regency") or "",
            **_blank(),
            "held": held_before.get(shop_id, 0),
        }
    for row in flows:
        target = rows[row["transaction__shop"]]
        _add(target, row)
        target["held"] += row["held_change"] or 0
    # Shops by name; the movements of no shop last.
    return sorted(rows.values(), key=lambda r: (r["shop_id"] is NO_SHOP, r["name"] or "", r["shop_id"] or 0))


def _by_community(shop_rows, links):
    """One row per community with its member shops' figures, then shops in none, then no shop.

    A shop in two communities counts in both (their rows then add up to more than the total).
    """
    members = {}
    for shop_id, community_id, name in links:
        members.setdefault((name, community_id), set()).add(shop_id)
    in_some = set().union(*members.values()) if members else set()
    rows = []
    for (name, community_id), shop_ids in sorted(members.items()):
        rows.append(
            {
                "community_id": community_id,
                "name": name,
                **_sum_rows(r for r in shop_rows if r["shop_id"] in shop_ids),
            }
        )
    alone = [r for r in shop_rows if r["shop_id"] is not NO_SHOP and r["shop_id"] not in in_some]
    if alone:
        rows.append({"community_id": None, "name": None, "kind": "none", **_sum_rows(alone)})
    nobody = [r for r in shop_rows if r["shop_id"] is NO_SHOP]
    if nobody:
        rows.append({"community_id": None, "name": None, "kind": "no_shop", **_sum_rows(nobody)})
    return rows


def _sum_rows(rows):
    total = _blank()
    for row in rows:
        _add(total, row)
        total["held"] += row["held"]
    return total


def held_identity_holds(report: MoneyReport) -> bool:
    """Each month's held money follows from the month before and the month's movements."""
    held = report.held_before
    for row in report.monthly:
        held += row["received"] - row["refunds"] - row["released"] - row["commission_held"]
        if held != row["held"]:
            return False
    return True
