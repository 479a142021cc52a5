from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    # Inside the admin (staff only); included before admin.site.urls.
    path("admin/laporan/", views.report_index, name="index"),
    path("admin/laporan/ekspor/<slug:table>.<str:fmt>", views.report_export, name="export"),
    path("admin/laporan/uang/", views.money_index, name="money"),
    path("admin/laporan/uang/ekspor/<slug:table>.<str:fmt>", views.money_export, name="money_export"),
    path("admin/laporan/rekonsiliasi/", views.reconcile, name="reconcile"),
    path("admin/laporan/rekonsiliasi/<int:pk>/selisih.csv", views.reconcile_export, name="reconcile_export"),
    path("admin/laporan/riwayat/", views.moderation_history, name="history"),
    path("admin/laporan/bantu-buka-toko/", views.staff_onboarding, name="onboard"),
    # Community managers, in the dashboard ("komunitas" is a reserved shop address).
    path("dashboard/komunitas/<slug:slug>/", views.community_dashboard, name="community_dashboard"),
    path("dashboard/komunitas/<slug:slug>/toko-baru/", views.community_onboarding, name="community_onboard"),
]
