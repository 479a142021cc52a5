from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from catalog import services, stock
from catalog.models import Category, Product, ProductImage, ProductVariant
from marketplace.pagecache import storefront_changed


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "icon", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ModerationForm(forms.ModelForm):
    """Dinas staff take a product down with a reason the vendor reads, or put it back."""

    take_down = forms.BooleanField(label=_("Taken down"), required=False)

    class Meta:
        model = Product
        fields = ["takedown_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["take_down"].initial = self.instance.taken_down_at is not None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("take_down") and not (cleaned.get("takedown_reason") or "").strip():
            self.add_error("takedown_reason", _("Write the reason; the vendor will read it."))
        return cleaned


class VariantStockForm(forms.ModelForm):
    """Staff may correct a variant's stock; the number shown travels with the form (catalog.stock)."""

    stock_shown = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = ProductVariant
        fields = ["stock"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stock_shown"].initial = self.instance.stock

    def clean(self):
        cleaned = super().clean()
        shown = cleaned.get("stock_shown")
        cleaned["stock_shown"] = self.instance.stock if shown is None else shown
        current = ProductVariant.objects.filter(pk=self.instance.pk).values_list("stock", flat=True).first()
        typed = cleaned.get("stock")
        if typed is not None and typed != cleaned["stock_shown"] and current != cleaned["stock_shown"]:
            self.data = self.data.copy()
            self.data[self.add_prefix("stock_shown")] = str(current)
            raise ValidationError(stock.StockChanged(variant_id=self.instance.pk, current=current or 0))
        return cleaned


class VariantInline(admin.TabularInline):
    model = ProductVariant
    form = VariantStockForm
    extra = 0
    fields = ["name", "price", "stock", "stock_shown", "sku"]
    readonly_fields = ["name", "price", "sku"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["position", "is_primary", "status", "failure_reason", "width", "height"]
    readonly_fields = fields
    can_delete = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ModerationForm
    list_display = ["name", "shop", "category", "price", "stock", "status", "taken_down_at", "created_at"]
    list_filter = [
        "status",
        ("taken_down_at", admin.EmptyFieldListFilter),
        "category__parent",
        "shop__status",
    ]
    list_select_related = ["shop", "category"]
    search_fields = ["name", "sku", "shop__name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "shop", "name", "slug", "category", "description", "price", "stock", "sku", "status",
        "halal_certificate", "pirt_number", "reviewed_at", "taken_down_at", "created_at", "updated_at",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": readonly_fields[:9]}),
        (_("Permits"), {"fields": ["halal_certificate", "pirt_number"]}),
        (_("Moderation"), {"fields": ["take_down", "takedown_reason", "reviewed_at", "taken_down_at"]}),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [VariantInline, ImageInline]
    actions = ["approve_review", "restore"]

    def has_add_permission(self, request):
        return False  # products are added by vendors in their dashboard

    def save_model(self, request, obj, form, change):
        try:
            if form.cleaned_data["take_down"]:
                services.take_down(
                    product=obj, actor=request.user, reason=form.cleaned_data["takedown_reason"]
                )
            elif obj.taken_down_at is not None:
                services.restore(product=obj, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProductVariant:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        adjustments = [
            stock.Adjustment(f.instance.pk, shown=f.cleaned_data["stock_shown"], to=f.cleaned_data["stock"])
            for f in formset.forms
            if f.instance.pk and f.cleaned_data
        ]
        try:
            stock.adjust(adjustments)
        except stock.StockChangedMany as error:
            # Lost the race between the form's check and the lock: nothing of this save is kept.
            transaction.set_rollback(True)
            messages.error(request, " ".join(error.messages))
        else:
            if any(a.to != a.shown for a in adjustments):
                storefront_changed()

    @admin.action(description=_("Approve the selected products waiting for review"))
    def approve_review(self, request, queryset):
        for product in queryset.filter(status=Product.Status.IN_REVIEW):
            services.approve_review(product=product, actor=request.user)

    @admin.action(description=_("Restore the selected taken-down products"))
    def restore(self, request, queryset):
        for product in queryset.filter(taken_down_at__isnull=False):
            services.restore(product=product, actor=request.user)
