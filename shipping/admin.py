from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shipping import tariff_import
from shipping.forms import TariffImportForm
from shipping.models import (
    OwnDeliveryArea,
    ProviderArea,
    ShopCourierService,
    ShopShippingProfile,
    Tariff,
    TrackingEvent,
)


class ScopeFilter(admin.SimpleListFilter):
    title = gettext_lazy("scope")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("deployment", gettext_lazy("Whole deployment")), ("shop", gettext_lazy("A shop's own"))]

    def queryset(self, request, queryset):
        if self.value() == "deployment":
            return queryset.filter(shop__isnull=True)
        if self.value() == "shop":
            return queryset.filter(shop__isnull=False)
        return queryset


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = [
        "origin",
        "destination",
        "courier",
        "service",
        "first_kg_fee",
        "next_kg_fee",
        "min_days",
        "max_days",
        "shop",
    ]
    list_filter = [ScopeFilter, "courier", "service", "origin__province"]
    list_select_related = ["origin", "destination_regency", "destination_province", "shop"]
    search_fields = [
        "origin__name",
        "origin__code",
        "destination_regency__name",
        "destination_province__name",
    ]
    autocomplete_fields = ["origin", "destination_regency", "destination_province", "shop"]
    change_list_template = "admin/shipping/tariff/change_list.html"

    @admin.display(description=gettext_lazy("to"))
    def destination(self, tariff):
        return tariff.destination_regency or tariff.destination_province

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="shipping_tariff_import"),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.template_view),
                name="shipping_tariff_template",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = TariffImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = tariff_import.import_tariffs(
                raw=form.cleaned_data["file"].read(), shop=form.cleaned_data["shop"]
            )
            if report.ok:
                self.message_user(
                    request,
                    _("Tariffs imported: %(created)s new, %(updated)s updated.")
                    % {"created": report.created, "updated": report.updated},
                    messages.SUCCESS,
                )
                return redirect("admin:shipping_tariff_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "columns": tariff_import.COLUMNS,
            "title": _("Import courier tariffs"),
        }
        return TemplateResponse(request, "admin/shipping/tariff/import.html", context)

    def template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(tariff_import.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="tariffs.csv"'
        return response


@admin.register(ProviderArea)
class ProviderAreaAdmin(admin.ModelAdmin):
    list_display = ["provider", "region_code", "area_id"]
    list_filter = ["provider"]
    search_fields = ["region_code", "area_id"]


@admin.register(OwnDeliveryArea)
class OwnDeliveryAreaAdmin(admin.ModelAdmin):
    list_display = ["shop", "regency", "district", "fee"]
    list_select_related = ["shop", "regency", "district"]
    search_fields = ["shop__name"]
    autocomplete_fields = ["shop", "regency", "district"]


@admin.register(ShopShippingProfile)
class ShopShippingProfileAdmin(admin.ModelAdmin):
    list_display = ["shop", "default_weight_grams"]
    search_fields = ["shop__name"]
    autocomplete_fields = ["shop"]


@admin.register(ShopCourierService)
class ShopCourierServiceAdmin(admin.ModelAdmin):
    list_display = ["shop", "service"]
    list_filter = ["service"]
    search_fields = ["shop__name"]
    autocomplete_fields = ["shop"]


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    """What couriers reported, as received: read only, so the history stays the providers' word."""

    list_display = ["waybill", "courier", "status", "happened_at", "source"]
    list_filter = ["status", "source", "courier"]
    search_fields = ["waybill"]
    date_hierarchy = "happened_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
