"""Dinas admin pages that span apps: the product report queue, appeals, moderation history,
expos and community managers. Registered on the one admin site every app uses."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import expos, moderation, transitions
from catalog.models import (
    Expo,
    ExpoShop,
    ModerationEvent,
    ProductReport,
    ReportedProduct,
    TakedownAppeal,
)
from marketplace.admin import StorefrontModelAdmin
from reports.models import ReconciliationRun
from vendors.forms import MetadataFreePhotosAdmin
from vendors.models import CommunityManager


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the vendor will read it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Reported products: one row per product, decided on one page ------------------------------


@admin.register(ReportedProduct)
class ReportedProductAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "shop",
        "open_report_count",
        "latest_reasons",
        "last_reported_at",
        "taken_down_at",
    ]
    list_display_links = ["name"]
    search_fields = ["name", "shop__name"]

    def get_queryset(self, request):
        return moderation.reported_products()

    @admin.display(description=gettext_lazy("open reports"), ordering="open_report_count")
    def open_report_count(self, product):
        return product.open_report_count

    @admin.display(description=gettext_lazy("last reported"), ordering="last_reported_at")
    def last_reported_at(self, product):
        return product.last_reported_at

    @admin.display(description=gettext_lazy("latest reasons"))
    def latest_reasons(self, product):
        reasons = dict.fromkeys(report.get_reason_display() for report in product.open_reports[:5])
        return ", ".join(str(reason) for reason in reasons)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        product = get_object_or_404(self.get_queryset(request), pk=object_id)
        takedown_form = ReasonForm(prefix="takedown")
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            done = self._decide(request, product)
            if done:
                return redirect("admin:catalog_reportedproduct_changelist")
            takedown_form = ReasonForm(request.POST, prefix="takedown")
            takedown_form.is_valid()
            takedown_form.add_error("reason", _("Write the reason; the vendor will read it."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reports about “%(name)s”") % {"name": product.name},
            "product": product,
            "reports": product.open_reports,
            "takedown_form": takedown_form,
            "dismiss_form": ReasonForm(prefix="dismiss"),
            "can_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/reports/reported_product.html", context)

    def _decide(self, request, product):
        decision = request.POST.get("decision")
        reason = request.POST.get(f"{decision}-reason", "")
        try:
            if decision == "takedown":
                transitions.take_down(product=product, actor=request.user, reason=reason)
                message = _("“%(name)s” was taken down; the vendor was told why.")
            elif decision == "dismiss":
                moderation.dismiss_reports(product=product, actor=request.user, reason=reason)
                message = _("The reports about “%(name)s” were dismissed.")
            else:
                return False
        except ValidationError:
            return False
        self.message_user(request, message % {"name": product.name}, messages.SUCCESS)
        return True


@admin.register(ProductReport)
class ProductReportAdmin(ReadOnlyAdmin):
    """Every report ever made, for looking back; the queue is "reported products"."""

    list_display = ["created_at", "product", "reason", "status", "reporter", "resolved_at"]
    list_filter = ["status", "reason", "created_at"]
    search_fields = ["product__name", "product__shop__name", "text"]
    list_select_related = ["product", "reporter"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False


# --- Appeals against take-downs ---------------------------------------------------------------


@admin.register(TakedownAppeal)
class TakedownAppealAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "product", "shop_name", "status", "decided_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["product__name", "product__shop__name", "text"]
    list_select_related = ["product__shop"]

    @admin.display(description=gettext_lazy("shop"), ordering="product__shop__name")
    def shop_name(self, appeal):
        return appeal.product.shop.name

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        appeal = get_object_or_404(
            TakedownAppeal.objects.select_related("product__shop", "author"), pk=object_id
        )
        form = ReasonForm(request.POST or None)
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            if form.is_valid():
                accept = request.POST.get("decision") == "accept"
                try:
                    moderation.decide_appeal(
                        appeal=appeal, actor=request.user, accept=accept, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as error:
                    form.add_error("reason", error)
                else:
                    self.message_user(
                        request, _("The appeal was decided; the vendor was told."), messages.SUCCESS
                    )
                    return redirect("admin:catalog_takedownappeal_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Appeal for “%(name)s”") % {"name": appeal.product.name},
            "appeal": appeal,
            "form": form,
            "can_change": self.has_change_permission(request) and appeal.status == TakedownAppeal.Status.OPEN,
        }
        return TemplateResponse(request, "admin/reports/appeal.html", context)


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    """Product decisions, filterable by staff member and date (shop decisions: shop status changes)."""

    list_display = ["created_at", "action", "product", "shop", "actor", "reason"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["product__name", "shop__name", "reason", "actor__email"]
    list_select_related = ["product", "shop", "actor"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False


# --- Expos ------------------------------------------------------------------------------------


class ExpoShopInline(admin.TabularInline):
    model = ExpoShop
    extra = 0
    autocomplete_fields = ["shop"]
    fields = ["shop", "status", "note", "created_at"]
    readonly_fields = ["note", "created_at"]


@admin.register(Expo)
class ExpoAdmin(MetadataFreePhotosAdmin, StorefrontModelAdmin):
    photo_fields = ("banner",)
    list_display = ["name", "starts_on", "ends_on", "participants", "applications", "visit_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["visit_count"]
    inlines = [ExpoShopInline]
    actions = ["accept_applications"]

    def get_queryset(self, request):
        return expos.with_entry_counts(super().get_queryset(request))

    @admin.display(description=gettext_lazy("shops taking part"))
    def participants(self, expo):
        return expo.accepted_count

    @admin.display(description=gettext_lazy("applications to decide"))
    def applications(self, expo):
        return expo.applied_count

    @admin.action(description=gettext_lazy("Accept every application to the selected expos"))
    def accept_applications(self, request, queryset):
        accepted = expos.accept_applications(expos=queryset)
        self.message_user(request, _("%(count)d shop(s) accepted.") % {"count": accepted}, messages.SUCCESS)


# --- Community managers -----------------------------------------------------------------------


class CommunityManagerForm(forms.ModelForm):
    """Managers are picked by e-mail: moderators have no access to the user list."""

    email = forms.EmailField(label=gettext_lazy("manager's e-mail address"))

    class Meta:
        model = CommunityManager
        fields = ["community"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise ValidationError(_("No account uses this address; the person must sign up first."))
        self.instance.user = user
        return email


@admin.register(CommunityManager)
class CommunityManagerAdmin(admin.ModelAdmin):
    form = CommunityManagerForm
    list_display = ["community", "user_email", "created_at"]
    list_filter = ["community"]
    search_fields = ["community__name", "user__email"]
    list_select_related = ["community", "user"]
    autocomplete_fields = ["community"]

    @admin.display(description=gettext_lazy("user"), ordering="user__email")
    def user_email(self, manager):
        return manager.user.email


# --- Reconciliation runs: the record of every comparison, read-only ---------------------------


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "run_by",
        "file_name",
        "layout",
        "period_start",
        "period_end",
        "rows",
        "matched",
    ]
    list_filter = ["layout", "created_at"]
    list_select_related = ["run_by"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False
