from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from catalog import views as catalog_views
from marketplace import views

admin.site.site_header = format_lazy("{} · {}", settings.SITE_NAME, _("Dinas administration"))
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Dinas work desk")

handler500 = "marketplace.views.server_error"

urlpatterns = [
    # The home page shows the catalogue, so the catalogue serves it.
    path("", catalog_views.home, name="home"),
    path("", include("catalog.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
    path("favicon.ico", views.favicon),
    path("notifikasi/", views.notification_inbox, name="notifications"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Dinas reports and tools live under /admin/laporan/, so they come before the admin's own URLs.
    path("", include("reports.urls")),
    path("admin/login/", views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("payments.urls")),
    # Before vendors: orders serves /dashboard/<shop>/ (the overview shows order figures).
    path("", include("orders.urls")),
    path("", include("shipping.urls")),
    path("", include("vendors.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
