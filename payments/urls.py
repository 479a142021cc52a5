from django.urls import path

from orders.urls import shop  # "dashboard/<shop:shop_slug>/" (registers the shop converter)
from payments import dashboard, views

app_name = "payments"

complaints = "dashboard/<slug:shop_slug>/komplain/"

urlpatterns = [
    path("pembayaran/notifikasi/<slug:provider>/", views.notification, name="notification"),
    path("bayar/<int:checkout_id>/", views.checkout_pay, name="checkout_pay"),
    path("bayar/<int:checkout_id>/bukti/", views.checkout_transfer_proof, name="checkout_transfer_proof"),
    path("bayar/sandbox/<str:reference>/", views.sandbox_pay, name="sandbox_pay"),
    path("pesanan/<str:number>/komplain/", views.complaint, name="complaint"),
    path("pesanan/<str:number>/komplain/baru/", views.complaint_create, name="complaint_create"),
    path("pesanan/<str:number>/komplain/<slug:action>/", views.complaint_action, name="complaint_action"),
    path("komplain/foto/<uuid:token>/", views.complaint_photo, name="complaint_photo"),
    path(complaints, views.shop_complaints, name="shop_complaints"),
    path(f"{complaints}<int:pk>/", views.shop_complaint, name="shop_complaint"),
    path(f"{complaints}<int:pk>/<slug:action>/", views.shop_complaint_action, name="shop_complaint_action"),
    path(shop + "saldo/", dashboard.balance, name="balance"),
    path(shop + "saldo/tarik/", dashboard.payout_request, name="payout_request"),
    path(shop + "saldo/laporan/<int:year>/<int:month>/", dashboard.statement, name="statement"),
    path(shop + "saldo/laporan/<int:year>/<int:month>/csv/", dashboard.statement_csv, name="statement_csv"),
]
