from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from marketplace.models import District, Province, Regency, User
from marketplace.pagecache import storefront_changed


class StorefrontModelAdmin(admin.ModelAdmin):
    """An admin page for data buyers see (shops, products, categories, expos): every save or
    delete moves the storefront cache version itself, so no admin class has to remember."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        storefront_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        storefront_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        storefront_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        storefront_changed()


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "phone"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class ReadOnlyRegionAdmin(admin.ModelAdmin):
    """Regions come from the Kemendagri data loader, never typed by hand."""

    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyRegionAdmin):
    list_display = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(ReadOnlyRegionAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]


@admin.register(District)
class DistrictAdmin(ReadOnlyRegionAdmin):
    list_display = ["code", "name", "regency"]
    list_select_related = ["regency"]
