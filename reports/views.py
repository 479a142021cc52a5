"""Dinas pages inside the admin (reports, exports, history, assisted onboarding) and the
community managers' page in the dashboard."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import charts, exports, history, money, onboarding, reconciliation, selectors
from reports.forms import (
    HistoryFilterForm,
    OnboardingForm,
    ProductFormSet,
    ReconciliationForm,
    ReportFilterForm,
)
from reports.models import ReconciliationRun
from vendors.models import Community


def staff_view(permission):
    """An admin page: staff log in through the admin, and need `permission` on top."""

    def decorator(view):
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return admin.site.admin_view(checked)

    return decorator


EXPORT_LABELS = [
    ("toko", gettext_lazy("Shops (the full list)")),
    ("per-bulan", gettext_lazy("By month")),
    ("kategori", gettext_lazy("Sales by category")),
    ("kabupaten-kota", gettext_lazy("By regency or city")),
    ("kecamatan", gettext_lazy("By district")),
    ("toko-teratas", gettext_lazy("Top shops")),
    ("expo", gettext_lazy("Virtual expos")),
]


def admin_context(request, title):
    return {**admin.site.each_context(request), "title": title}


def chart_set(report):
    return {
        "onboarded": charts.column_chart(
            [{"month": m["month"].strftime("%m/%y"), "shops": m["shops"]} for m in report.monthly],
            label="month",
            value="shops",
            title=_("Shops onboarded per month"),
        ),
        "orders": charts.column_chart(
            [{"month": m["month"].strftime("%m/%y"), "orders": m["sales_orders"]} for m in report.monthly],
            label="month",
            value="orders",
            title=_("Orders sold per month"),
        ),
        "sales": charts.column_chart(
            [{"month": m["month"].strftime("%m/%y"), "sales": m["sales"]} for m in report.monthly],
            label="month",
            value="sales",
            money=True,
            title=_("Sales per month"),
        ),
        "categories": charts.bar_chart(
            report.categories, label="category", value="sales", money=True, title=_("Sales by category")
        ),
        "regencies": charts.bar_chart(
            report.regencies, label="name", value="shops", title=_("Active shops per regency or city")
        ),
    }


@staff_view("reports.view_reports")
def report_index(request):
    form = ReportFilterForm(request.GET or None)
    filters = form.filters()
    report = selectors.full_report(filters)
    context = {
        **admin_context(request, _("Reports")),
        "form": form,
        "filters": filters,
        "report": report,
        "charts": chart_set(report),
        "query": request.GET.urlencode(),
        "exports": EXPORT_LABELS,
    }
    return TemplateResponse(request, "admin/reports/index.html", context)


@staff_view("reports.view_reports")
def report_export(request, table, fmt):
    if table not in exports.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    filters = ReportFilterForm(request.GET or None).filters()
    data = exports.TABLES[table](filters)
    return exports.as_csv(data, filters) if fmt == "csv" else exports.as_xlsx(data, filters)


# --- Money: the report and the reconciliation with the provider ---------------------------------


def money_charts(report):
    months = [m["month"].strftime("%m/%y") for m in report.monthly]

    def per_month(name, title):
        rows = [{"month": label, name: row[name]} for label, row in zip(months, report.monthly, strict=True)]
        return charts.column_chart(rows, label="month", value=name, money=True, title=title)

    commission = [
        {"month": label, "commission": row["commission_held"] + row["commission_cod"]}
        for label, row in zip(months, report.monthly, strict=True)
    ]
    return [
        per_month("received", _("Money received per month")),
        per_month("held", _("Money held at the end of each month")),
        charts.column_chart(
            commission, label="month", value="commission", money=True, title=_("Commission per month")
        ),
    ]


@staff_view("reports.view_money")
def money_index(request):
    form = ReportFilterForm(request.GET or None)
    filters = form.filters()
    report = money.money_report(filters)
    context = {
        **admin_context(request, _("Money report")),
        "form": form,
        "filters": filters,
        "report": report,
        "totals": [(label, report.total[name]) for name, label in money.FIGURES],
        "charts": money_charts(report),
        "tables": exports.money_tables(report).values(),
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "admin/reports/money.html", context)


@staff_view("reports.view_money")
def money_export(request, table, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filters = ReportFilterForm(request.GET or None).filters()
    tables = exports.money_tables(money.money_report(filters))
    if table not in tables:
        raise Http404
    return exports.as_csv(tables[table], filters) if fmt == "csv" else exports.as_xlsx(tables[table], filters)


@staff_view("reports.view_money")
def reconcile(request):
    """Compare an uploaded settlement export with the payments; changes nothing but the run log."""
    form = ReconciliationForm(request.POST or None, request.FILES or None)
    result = run = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        layout = reconciliation.LAYOUTS[data["layout"]]
        try:
            settlement = reconciliation.read_settlement(reconciliation.read_upload(data["file"]), layout)
        except reconciliation.SettlementFileError as error:
            form.add_error("file", str(error))
        else:
            result = reconciliation.compare(settlement, layout=layout, start=data["start"], end=data["end"])
            run = reconciliation.record(result, actor=request.user, file_name=data["file"].name)
    context = {
        **admin_context(request, _("Reconciliation with the payment provider")),
        "form": form,
        "result": result,
        "run": run,
        "kinds": reconciliation.KINDS,
        "runs": ReconciliationRun.objects.select_related("run_by")[:10],
    }
    return TemplateResponse(request, "admin/reports/reconcile.html", context, status=200)


@staff_view("reports.view_money")
def reconcile_export(request, pk):
    run = get_object_or_404(ReconciliationRun, pk=pk)
    period = selectors.ReportFilters(start=run.period_start, end=run.period_end)
    return exports.as_csv(reconciliation.differences_table(run), period)


@staff_view("reports.view_reports")
def moderation_history(request):
    form = HistoryFilterForm(request.GET or None)
    events = history.events(**form.criteria())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {**admin_context(request, _("Moderation history")), "form": form, "page": page}
    return TemplateResponse(request, "admin/reports/history.html", context)


@staff_view("reports.onboard_shops")
def staff_onboarding(request):
    form, products = _onboarding_forms(request, community=None)
    shop = _onboard(request, form, products, community=None)
    if shop:
        return redirect("admin:vendors_shop_change", shop.pk)
    context = {**admin_context(request, _("Open a shop for a seller")), "form": form, "products": products}
    return TemplateResponse(request, "admin/reports/onboard.html", context)


def _onboarding_forms(request, community):
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    return OnboardingForm(data, files, with_community=community is None), ProductFormSet(
        data, prefix="produk"
    )


def _onboard(request, form, products, community):
    """The new shop once a valid form was posted; None otherwise."""
    if request.method != "POST" or not (form.is_valid() and products.is_valid()):
        return None
    community = community or form.cleaned_data.get("community")
    try:
        shop = onboarding.onboard_shop(
            actor=request.user,
            community=community,
            products=[
                p.cleaned_data for p in products if p.cleaned_data and not p.cleaned_data.get("DELETE")
            ],
            **{k: v for k, v in form.cleaned_data.items() if k != "community"},
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(
        request,
        _("%(shop)s was created; %(email)s got a link to set a password and take over.")
        % {"shop": shop.name, "email": form.cleaned_data["owner_email"]},
    )
    return shop


# --- Community managers in the dashboard -------------------------------------------------------


def managed_community(request, slug) -> Community:
    """The community in the URL if the user manages it; 404 for anyone else, as for shops."""
    return get_object_or_404(Community.objects.managed_by(request.user), slug=slug)


@login_required
def community_dashboard(request, slug):
    community = managed_community(request, slug)
    filters = selectors.default_filters()
    filters = selectors.ReportFilters(start=filters.start, end=filters.end, community=community)
    context = {
        "community": community,
        "filters": filters,
        "summary": selectors.summary(filters),
        "shops": selectors.shop_register(filters, include_drafts=True),
    }
    return render(request, "reports/community_dashboard.html", context)


@login_required
def community_onboarding(request, slug):
    community = managed_community(request, slug)
    form, products = _onboarding_forms(request, community=community)
    if _onboard(request, form, products, community=community):
        return redirect("reports:community_dashboard", community.slug)
    return render(
        request,
        "reports/community_onboard.html",
        {"community": community, "form": form, "products": products},
    )
