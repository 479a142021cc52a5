"""Orders for dinas staff: to look up and follow, not to edit (status moves happen in the apps)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from orders.models import Order, OrderEvent, OrderItem, Payment


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = ["name", "variant_name", "unit_price", "quantity", "weight_grams"]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["created_at", "status", "reason", "decided_at"]


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    verbose_name_plural = _("History")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "shop", "buyer", "status", "payment_method", "total", "created_at"]
    list_filter = ["status", "payment_method", "shipping_method", "created_at"]
    search_fields = ["number", "shop__name", "buyer__email", "recipient", "tracking_number"]
    list_select_related = ["shop", "buyer"]
    date_hierarchy = "created_at"
    inlines = [OrderItemInline, PaymentInline, OrderEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
