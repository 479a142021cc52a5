from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("pembayaran/notifikasi/<slug:provider>/", views.notification, name="notification"),
    path("bayar/sandbox/<str:reference>/", views.sandbox_pay, name="sandbox_pay"),
]
