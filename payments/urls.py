from django.urls import path

from orders.urls import shop  # "dashboard/<shop:shop_slug>/" (registers the shop converter)
from payments import dashboard, views

app_name = "payments"

urlpatterns = [
    path("pembayaran/notifikasi/<slug:provider>/", views.notification, name="notification"),
    path("bayar/sandbox/<str:reference>/", views.sandbox_pay, name="sandbox_pay"),
    path(shop + "saldo/", dashboard.balance, name="balance"),
    path(shop + "saldo/tarik/", dashboard.payout_request, name="payout_request"),
    path(shop + "saldo/laporan/<int:year>/<int:month>/", dashboard.statement, name="statement"),
    path(shop + "saldo/laporan/<int:year>/<int:month>/csv/", dashboard.statement_csv, name="statement_csv"),
]
