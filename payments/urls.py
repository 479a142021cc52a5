from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("pembayaran/notifikasi/<slug:provider>/", views.notification, name="notification"),
    path("bayar/<int:checkout_id>/", views.checkout_pay, name="checkout_pay"),
    path("bayar/<int:checkout_id>/bukti/", views.checkout_transfer_proof, name="checkout_transfer_proof"),
    path("bayar/sandbox/<str:reference>/", views.sandbox_pay, name="sandbox_pay"),
]
