from django.urls import path

from shipping import views

app_name = "shipping"

dashboard = "dashboard/<slug:shop_slug>/"

urlpatterns = [
    path(f"{dashboard}kurir/", views.couriers, name="couriers"),
    path(f"{dashboard}kurir/antar-sendiri/", views.own_delivery, name="own_delivery"),
    path(
        f"{dashboard}kurir/antar-sendiri/<int:area_id>/hapus/",
        views.remove_own_delivery_area,
        name="remove_own_delivery_area",
    ),
    path(f"{dashboard}kurir/tarif/", views.tariffs, name="tariffs"),
    path(f"{dashboard}kurir/tarif/contoh.csv", views.tariff_template, name="tariff_template"),
    path("pengiriman/webhook/biteship/", views.biteship_webhook, name="biteship_webhook"),
]
