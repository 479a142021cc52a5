"""Money for dinas staff and the operator: to look up, never to edit by hand (services move money)."""

import logging

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, When
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.spreadsheet import csv_response
from payments import complaints, incoming, services
from payments.forms import DecisionForm, MarkPaidForm
from payments.models import (
    Account,
    CommissionRate,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    Entry,
    LedgerTransaction,
    ManualTransfer,
    Payment,
    Payout,
    ProviderRefund,
    ReceivedNotification,
)
from payments.providers import disbursement
from payments.providers.base import ProviderError
from payments.providers.disbursement import payout_key

logger = logging.getLogger(__name__)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ["account", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "shop", "order", "balance"]
    list_filter = ["kind"]
    search_fields = ["shop__name", "order__number"]

    @admin.display(description=_("balance (Rp)"))
    def balance(self, account):
        return account.balance


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "key", "description", "shop", "order"]
    search_fields = ["key", "description", "order__number", "shop__name"]
    inlines = [EntryInline]


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "shop", "community", "category", "basis_points"]
    autocomplete_fields = ["shop", "community", "category"]


class NotificationInline(admin.TabularInline):
    model = ReceivedNotification
    fields = ["received_at", "outcome", "reason", "remote_addr"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "provider", "amount", "status", "created_at", "paid_at"]
    list_filter = ["provider", "status"]
    search_fields = ["reference", "provider_reference"]
    inlines = [NotificationInline]


@admin.register(ReceivedNotification)
class ReceivedNotificationAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "reference", "outcome", "reason", "remote_addr"]
    list_filter = ["provider", "outcome"]
    search_fields = ["reference"]


@admin.register(ManualTransfer)
class ManualTransferAdmin(ReadOnlyAdmin):
    list_display = ["payment", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    actions = ["confirm"]

    @admin.action(description=_("Confirm: the money is on the operator's account"))
    def confirm(self, request, queryset):
        for transfer in queryset.filter(status=ManualTransfer.Status.SUBMITTED):
            incoming.decide_manual_transfer(transfer=transfer, staff=request.user, accept=True)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d transfer confirmed.", "%(count)d transfers confirmed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    """The payout batch: requested payouts to export for the bank, mark paid, or send by API."""

    list_display = [
        "created_at",
        "shop",
        "amount",
        "fee",
        "net",
        "bank",
        "account_number",
        "holder_name",
        "status",
        "reference",
    ]
    list_filter = ["status", "provider"]
    search_fields = ["shop__name", "reference", "provider_reference", "account_number"]
    list_select_related = ["shop"]
    actions = ["export_for_bank", "mark_paid", "send_through_provider"]

    @admin.display(description=_("transferred (Rp)"))
    def net(self, payout):
        return payout.net

    def has_change_permission(self, request, obj=None):
        # Actions that move money need the change permission; the fields stay read-only.
        return request.user.has_perm("payments.change_payout")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if disbursement.configured() is None:
            actions.pop("send_through_provider", None)
        return actions

    @admin.action(description=_("Export for the bank (CSV)"), permissions=["change"])
    def export_for_bank(self, request, queryset):
        payouts = queryset.filter(status=Payout.Status.REQUESTED).select_related("shop").order_by("pk")
        headers = [
            _("Bank"),
            _("Account number"),
            _("Account holder"),
            _("Amount (Rp)"),
            _("Reference"),
            _("Shop"),
        ]
        rows = [[p.bank, p.account_number, p.holder_name, p.net, payout_key(p), p.shop.name] for p in payouts]
        return csv_response(f"payouts-{timezone.localdate():%Y-%m-%d}.csv", headers, rows)

    @admin.action(description=_("Mark paid with the bank's reference"), permissions=["change"])
    def mark_paid(self, request, queryset):
        payouts = queryset.filter(status=Payout.Status.REQUESTED).select_related("shop").order_by("pk")
        form = MarkPaidForm(request.POST if "apply" in request.POST else None, payouts=payouts)
        if form.is_bound and form.is_valid():
            done = [services.mark_payout_paid(payout=p, reference=ref) for p, ref in form.references()]
            self.message_user(
                request,
                ngettext("%(count)d payout marked paid.", "%(count)d payouts marked paid.", len(done))
                % {"count": len(done)},
                messages.SUCCESS if done else messages.WARNING,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark payouts paid"),
            "form": form,
            "payouts": form.payouts,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/payments/payout/mark_paid.html", context)

    @admin.action(description=_("Send through the disbursement provider"), permissions=["change"])
    def send_through_provider(self, request, queryset):
        adapter = disbursement.configured()
        sent, failed = 0, []
        for payout in queryset.filter(status=Payout.Status.REQUESTED).order_by("pk"):
            try:
                services.send_payout(payout=payout, adapter=adapter)
                sent += 1
            except (ProviderError, services.PaymentRefused) as error:
                logger.warning("Payout %s not sent: %s", payout.pk, error)
                failed.append(f"#{payout.pk} {payout.shop}")
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d payout sent.", "%(count)d payouts sent.", sent) % {"count": sent},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                _("Not sent (nothing was paid; sending again is safe, it never pays twice): %(payouts)s")
                % {"payouts": ", ".join(failed)},
                messages.ERROR,
            )


# --- Complaints: the dinas decides what the shop did not settle ---------------------------------


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    fields = ["created_at", "side", "kind", "actor", "amount", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """The queue: complaints with the dinas first, oldest first; each decided with a reason."""

    list_display = [
        "order",
        "shop",
        "reason",
        "request",
        "requested_amount",
        "status",
        "escalated_at",
        "deadline",
        "decide_link",
    ]
    list_filter = ["status", "reason", "request"]
    search_fields = ["order__number", "order__shop__name"]
    list_select_related = ["order__shop"]
    inlines = [ComplaintEventInline]
    fields = [
        "order",
        "reason",
        "description",
        "request",
        "requested_amount",
        "status",
        "deadline",
        "seller_answer",
        "offered_amount",
        "return_courier",
        "return_tracking_number",
        "outcome",
        "refunded_amount",
        "decision_reason",
        "decided_by",
        "created_at",
        "escalated_at",
        "decided_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        first = Case(When(status=ComplaintStatus.ESCALATED, then=0), default=1)
        return super().get_queryset(request).order_by(first, "escalated_at", "-created_at")

    def has_change_permission(self, request, obj=None):
        # Read-only fields, but the page must open for staff who may decide.
        return request.user.has_perm("payments.change_complaint")

    @admin.display(description=_("shop"))
    def shop(self, complaint):
        return complaint.order.shop

    @admin.display(description=_("decide"))
    def decide_link(self, complaint):
        if complaint.status != ComplaintStatus.ESCALATED:
            return "—"
        url = reverse("admin:payments_complaint_decide", args=[complaint.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Decide"))

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [path("<int:pk>/decide/", decide, name="payments_complaint_decide"), *super().get_urls()]

    def decide_view(self, request, pk):
        complaint = get_object_or_404(Complaint.objects.select_related("order__shop", "order__buyer"), pk=pk)
        if not request.user.has_perm("payments.change_complaint"):
            raise PermissionDenied
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                complaints.dinas_decide(
                    complaint=complaint,
                    staff=request.user,
                    decision=data["decision"],
                    amount=data.get("amount"),
                    reason=data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("Complaint decided."), messages.SUCCESS)
                return redirect("admin:payments_complaint_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Decide the complaint on %(number)s") % {"number": complaint.order.number},
            "complaint": complaint,
            "order": complaint.order,
            "events": complaint.events.select_related("actor"),
            "held": services.held_amount(complaint.order),
            "form": form,
        }
        return render(
            request, "admin/payments/complaint/decide.html", context, status=400 if form.errors else 200
        )


@admin.register(ProviderRefund)
class ProviderRefundAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "refund",
        "provider",
        "status",
        "attempts",
        "last_error",
        "provider_reference",
    ]
    list_filter = ["status", "provider"]
    actions = ["retry", "mark_transferred"]

    @admin.action(description=_("Send again now"))
    def retry(self, request, queryset):
        sent = 0
        for row in queryset.filter(status__in=[ProviderRefund.Status.PENDING, ProviderRefund.Status.FAILED]):
            ProviderRefund.objects.filter(pk=row.pk, status=ProviderRefund.Status.FAILED).update(
                status=ProviderRefund.Status.PENDING, attempts=0
            )
            sent += complaints.send_refund(provider_refund_id=row.pk)
        self.message_user(request, _("%(count)d refunds sent.") % {"count": sent}, messages.INFO)

    @admin.action(description=_("Mark as transferred by hand from the operator's account"))
    def mark_transferred(self, request, queryset):
        for row in queryset.exclude(status__in=[ProviderRefund.Status.SENT, ProviderRefund.Status.DONE]):
            complaints.mark_refunded_by_hand(
                provider_refund=row, staff=request.user, reference=f"manual by {request.user.get_username()}"
            )
        self.message_user(request, _("Marked as transferred."), messages.SUCCESS)
