"""Money for dinas staff and the operator: to look up, never to edit by hand (services move money)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from payments import incoming
from payments.models import (
    Account,
    CommissionRate,
    Entry,
    LedgerTransaction,
    ManualTransfer,
    Payment,
    Payout,
    ReceivedNotification,
)


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
    list_display = [
        "created_at",
        "shop",
        "amount",
        "fee",
        "bank",
        "account_number",
        "holder_name",
        "status",
        "reference",
    ]
    list_filter = ["status"]
    search_fields = ["shop__name", "reference"]
