from django.urls import path

from vendors import views

app_name = "vendors"

dashboard = "dashboard/<slug:shop_slug>/"

urlpatterns = [
    path("dashboard/", views.my_shops, name="my_shops"),
    path("dashboard/buka-toko/", views.start_shop, name="start"),
    path("dashboard/wilayah/", views.region_options, name="region_options"),
    path("dashboard/undangan/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path(dashboard, views.dashboard, name="dashboard"),
    path(f"{dashboard}buka-toko/", views.onboarding, name="onboarding"),
    path(f"{dashboard}buka-toko/profil/", views.onboarding_profile, name="onboarding_profile"),
    path(f"{dashboard}buka-toko/alamat/", views.onboarding_address, name="onboarding_address"),
    path(f"{dashboard}buka-toko/legalitas/", views.onboarding_legal, name="onboarding_legal"),
    path(f"{dashboard}buka-toko/periksa/", views.onboarding_review, name="onboarding_review"),
    path(f"{dashboard}pengaturan/", views.shop_settings, name="settings"),
    path(f"{dashboard}anggota/", views.members, name="members"),
    path(f"{dashboard}anggota/<int:member_id>/hapus/", views.remove_member, name="remove_member"),
    path(
        f"{dashboard}anggota/undangan/<int:invitation_id>/batal/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path(f"{dashboard}rekening/", views.bank_accounts, name="bank_accounts"),
    path(
        f"{dashboard}rekening/<int:account_id>/hapus/", views.remove_bank_account, name="remove_bank_account"
    ),
    path(f"{dashboard}pengiriman/", views.shipping, name="shipping"),
    path(f"{dashboard}bagikan/", views.share_on_whatsapp, name="share_whatsapp"),
    path(f"{dashboard}dokumen/ktp/", views.identity_document, name="identity_document"),
    path("toko/<slug:slug>/", views.shop_page, name="shop"),
    path("komunitas/<slug:slug>/", views.community_page, name="community"),
]
