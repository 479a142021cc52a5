"""The shop's money in its dashboard: balance, movements, commission per order, payouts, statements.

Every view starts from `shop_member_required` (vendors/permissions.py): another shop's page is a 404,
and only the owner may request a payout.
"""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marketplace.money import format_rupiah
from marketplace.spreadsheet import csv_response
from payments import selectors, services
from payments.forms import PayoutForm, already_requested
from payments.models import Payout
from payments.services import PaymentRefused
from vendors.permissions import shop_member_required

PAGE_SIZE = 20


def recent_months(today: date, count=12) -> list[date]:
    months, year, month = [], today.year, today.month
    for _month in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


@shop_member_required
def balance(request):
    shop = request.shop
    newest_first = selectors.shop_movements(shop).reverse()
    movements = Paginator(newest_first, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = selectors.shop_account_ids(shop)
    orders = Paginator(selectors.orders_with_money(shop), PAGE_SIZE).get_page(request.GET.get("orders"))
    context = {
        "summary": selectors.balance_summary(shop),
        "movements": movements,
        "movement_rows": [selectors.movement(txn, ids) for txn in movements.object_list],
        "orders": orders,
        "order_rows": selectors.order_money(orders.object_list),
        "order_states": selectors.ORDER_STATES,
        "payouts": Payout.objects.filter(shop=shop)[:10],
        "months": recent_months(timezone.localdate()),
    }
    return render(request, "payments/dashboard/balance.html", context)


@shop_member_required(owner_only=True)
def payout_request(request):
    shop = request.shop
    summary = selectors.balance_summary(shop)
    if request.method == "POST" and "confirm" in request.POST:
        done = already_requested(shop, request.POST)
        if done:
            return payout_requested(request, done)
    form = PayoutForm(request.POST or None, shop=shop, available=summary.available)
    template = "payments/dashboard/payout_form.html"
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        if "confirm" not in request.POST:
            template = "payments/dashboard/payout_confirm.html"
        else:
            try:
                payout = services.request_payout(
                    shop=shop,
                    amount=form.cleaned_data["amount"],
                    bank_account=form.cleaned_data["bank_account"],
                    key=form.idempotency_key(),
                    actor=request.user,
                )
            except PaymentRefused as refused:
                form.add_error(None, refused.messages[0])
            else:
                return payout_requested(request, payout)
    context = {
        "form": form,
        "summary": summary,
        "has_unverified": shop.bank_accounts.filter(verified_at__isnull=True).exists(),
        "PAYOUT_MINIMUM": settings.PAYOUT_MINIMUM,
        "PAYOUT_FEE": services.payout_fee(),
    }
    if template.endswith("confirm.html"):
        context["fee"] = services.payout_fee()
        context["net"] = form.cleaned_data["amount"] - context["fee"]
    return render(request, template, context)


def payout_requested(request, payout):
    messages.success(
        request,
        _("Payout of %(amount)s requested: %(net)s will reach %(bank)s %(account)s.")
        % {
            "amount": format_rupiah(payout.amount),
            "net": format_rupiah(payout.net),
            "bank": payout.bank,
            "account": payout.account_number,
        },
    )
    return redirect("payments:balance", request.shop.slug)


def month_statement(request, year, month):
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    return selectors.statement(request.shop, year=year, month=month)


@shop_member_required
def statement(request, year, month):
    report = month_statement(request, year, month)
    context = {"statement": report, "month": date(year, month, 1)}
    return render(request, "payments/dashboard/statement.html", context)


@shop_member_required
def statement_csv(request, year, month):
    report = month_statement(request, year, month)
    headers = [
        _("Date"),
        _("Movement"),
        _("Order"),
        _("Gross (Rp)"),
        _("Commission (Rp)"),
        _("Fee (Rp)"),
        _("Change (Rp)"),
        _("Balance (Rp)"),
    ]
    rows = [["", _("Opening balance"), "", "", "", "", "", report.opening]]
    running = report.opening
    for row in report.rows:
        running += row.change
        when = date_format(timezone.localtime(row.posted), "Y-m-d H:i")
        rows.append(
            [when, row.label, row.order_number, row.gross, row.commission, row.fee, row.change, running]
        )
    rows.append(["", _("Closing balance"), "", "", "", "", "", report.closing])
    filename = f"laporan-{request.shop.slug}-{year:04d}-{month:02d}.csv"
    return csv_response(filename, headers, rows)
