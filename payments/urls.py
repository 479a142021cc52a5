from django.urls import path

from payments import views

app_name = "payments"

shop = "dashboard/<slug:shop_slug>/komplain/"

urlpatterns = [
    path("pembayaran/notifikasi/<slug:provider>/", views.notification, name="notification"),
    path("bayar/sandbox/<str:reference>/", views.sandbox_pay, name="sandbox_pay"),
    path("pesanan/<str:number>/komplain/", views.complaint, name="complaint"),
    path("pesanan/<str:number>/komplain/baru/", views.complaint_create, name="complaint_create"),
    path("pesanan/<str:number>/komplain/<slug:action>/", views.complaint_action, name="complaint_action"),
    path("komplain/foto/<uuid:token>/", views.complaint_photo, name="complaint_photo"),
    path(shop, views.shop_complaints, name="shop_complaints"),
    path(f"{shop}<int:pk>/", views.shop_complaint, name="shop_complaint"),
    path(f"{shop}<int:pk>/<slug:action>/", views.shop_complaint_action, name="shop_complaint_action"),
]
