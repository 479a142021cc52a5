"""Django admin for dinas staff: the shop verification queue, status actions with reasons, history."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.admin import StorefrontModelAdmin
from marketplace.models import Regency
from marketplace.text import parse_id
from vendors import services
from vendors.forms import MetadataFreePhotosAdmin
from vendors.models import (
    BankAccount,
    Community,
    Shop,
    ShopCategory,
    ShopInvitation,
    ShopMember,
    ShopStatusEvent,
)

Status = Shop.Status

# What staff may do from each status, as (target status, button label).
STATUS_ACTIONS = {
    Status.PENDING: [(Status.APPROVED, gettext_lazy("Approve")), (Status.REJECTED, gettext_lazy("Reject"))],
    Status.APPROVED: [(Status.SUSPENDED, gettext_lazy("Suspend"))],
    Status.SUSPENDED: [(Status.APPROVED, gettext_lazy("Reinstate"))],
}


class StatusReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the shop owner will read it)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )


class RegencyWithShopsFilter(admin.SimpleListFilter):
    """Only regencies that have shops: a list of all 514 would be useless."""

    title = gettext_lazy("regency or city")
    parameter_name = "regency"

    def lookups(self, request, model_admin):
        regencies = Regency.objects.filter(districts__shops__isnull=False).distinct().order_by("name")
        return [(r.code, r.name) for r in regencies]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(district__regency_id=self.value())
        return queryset


class ShopMemberInline(admin.TabularInline):
    model = ShopMember
    extra = 0
    autocomplete_fields = ["user"]


class BankAccountInline(admin.TabularInline):
    model = BankAccount
    extra = 0
    # Verification is given with the bank accounts' action, which records who and when.
    readonly_fields = ["verified_at", "verified_by"]


class ShopStatusEventInline(admin.TabularInline):
    """The shop's history, newest first; records are never edited."""

    model = ShopStatusEvent
    extra = 0
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("History")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Shop)
class ShopAdmin(MetadataFreePhotosAdmin, StorefrontModelAdmin):
    photo_fields = ("logo", "banner")
    list_display = ["name", "status", "regency_name", "owner_email", "submitted_at", "approved_at"]
    list_filter = [
        "status",
        RegencyWithShopsFilter,
        "district__regency__province",
        "communities",
        "categories",
    ]
    search_fields = ["name", "slug", "members__user__email", "whatsapp", "nib"]
    list_select_related = ["district__regency"]
    ordering = ["-submitted_at"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "status_reason",
        "submitted_at",
        "approved_at",
        "created_at",
        "identity_document_link",
    ]
    autocomplete_fields = ["district", "communities"]
    filter_horizontal = ["categories"]
    inlines = [ShopMemberInline, BankAccountInline, ShopStatusEventInline]
    actions = ["approve_selected"]
    fieldsets = [
        (
            gettext_lazy("Verification"),
            {"fields": ["status", "status_reason", "submitted_at", "approved_at", "created_at"]},
        ),
        (None, {"fields": ["name", "slug", "description", "logo", "banner", "categories", "opening_hours"]}),
        (gettext_lazy("Contact"), {"fields": ["whatsapp", "instagram", "facebook"]}),
        (gettext_lazy("Address"), {"fields": ["street_address", "district", "postal_code"]}),
        (gettext_lazy("Legal"), {"fields": ["nib", "identity_document_link", "communities"]}),
        (
            gettext_lazy("Delivery and payment"),
            {"fields": ["pickup_enabled", "cod_enabled"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members__user")

    @admin.display(description=gettext_lazy("regency or city"), ordering="district__regency__name")
    def regency_name(self, shop):
        return shop.district.regency.name if shop.district else "—"

    @admin.display(description=gettext_lazy("owner"))
    def owner_email(self, shop):
        owners = [m.user.email for m in shop.members.all() if m.role == ShopMember.Role.OWNER]
        return ", ".join(owners) or "—"

    @admin.display(description=gettext_lazy("owner's identity card (KTP) photo"))
    def identity_document_link(self, shop):
        if not shop.identity_document:
            return "—"
        try:
            url = reverse("vendors:identity_document", args=[shop.slug])
        except NoReverseMatch:
            return _("uploaded")
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("View (private)"))

    # --- Status changes: one admin view per move, each with a reason form ------------------

    def get_urls(self):
        extra = [
            path(
                "<path:object_id>/status/<str:to>/",
                self.admin_site.admin_view(self.change_status_view),
                name="vendors_shop_change_status",
            )
        ]
        return extra + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        shop = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "status_actions": STATUS_ACTIONS.get(shop.status, []) if shop else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def change_status_view(self, request, object_id, to):
        if not self.has_change_permission(request):
            raise PermissionDenied
        shop = get_object_or_404(Shop, pk=parse_id(object_id) or 0)
        if to not in Status.values:
            raise PermissionDenied
        form = StatusReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.change_status(
                    shop=shop, to=to, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                self.message_user(
                    request,
                    _("%(shop)s is now “%(status)s”; the owner was notified.")
                    % {"shop": shop.name, "status": Status(to).label},
                    messages.SUCCESS,
                )
                return redirect("admin:vendors_shop_change", shop.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "shop": shop,
            "target_label": Status(to).label,
            "form": form,
            "title": _("%(shop)s: set to “%(status)s”") % {"shop": shop.name, "status": Status(to).label},
        }
        return TemplateResponse(request, "admin/vendors/shop/change_status.html", context)

    @admin.action(description=gettext_lazy("Approve selected shops waiting for verification"))
    def approve_selected(self, request, queryset):
        approved = 0
        for shop in queryset.filter(status=Status.PENDING):
            services.approve(shop=shop, actor=request.user)
            approved += 1
        self.message_user(request, _("%(count)d shop(s) approved.") % {"count": approved}, messages.SUCCESS)


@admin.register(ShopStatusEvent)
class ShopStatusEventAdmin(admin.ModelAdmin):
    """Every verification decision, filterable by staff member and date."""

    list_display = ["created_at", "shop", "from_status", "to_status", "actor", "reason"]
    list_filter = ["to_status", ("actor", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["shop__name", "reason", "actor__email"]
    list_select_related = ["shop", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Community)
class CommunityAdmin(StorefrontModelAdmin):
    list_display = ["name", "kind", "regency", "shop_count"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["regency"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(shop_total=Count("shops"))

    @admin.display(description=gettext_lazy("shops"), ordering="shop_total")
    def shop_count(self, community):
        return community.shop_total


@admin.register(ShopCategory)
class ShopCategoryAdmin(StorefrontModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ShopInvitation)
class ShopInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "shop", "created_at", "accepted_at"]
    search_fields = ["email", "shop__name"]
    readonly_fields = ["token"]


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    """Bank accounts to check before the shop's payouts may go to them."""

    list_display = ["shop", "bank", "account_number", "holder_name", "verified_at", "verified_by"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter), "bank"]
    search_fields = ["shop__name", "account_number", "holder_name"]
    list_select_related = ["shop", "verified_by"]
    autocomplete_fields = ["shop"]
    actions = ["verify", "withdraw_verification"]

    def get_readonly_fields(self, request, obj=None):
        # A verified account's details are what was checked: withdraw the verification to change them.
        if obj is not None and obj.is_verified:
            return ["shop", "bank", "account_number", "holder_name", "verified_at", "verified_by"]
        return ["verified_at", "verified_by"]

    @admin.action(description=gettext_lazy("Verify: the account belongs to the shop"), permissions=["change"])
    def verify(self, request, queryset):
        count = services.verify_bank_accounts(accounts=queryset, staff=request.user)
        self.message_user(
            request,
            _("%(count)d bank account(s) verified.") % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Withdraw verification"), permissions=["change"])
    def withdraw_verification(self, request, queryset):
        count = services.withdraw_bank_account_verification(accounts=queryset)
        self.message_user(
            request,
            _("Verification withdrawn from %(count)d bank account(s).") % {"count": count},
            messages.SUCCESS,
        )
