from django.urls import path, register_converter

from orders import dashboard, views
from vendors.services import RESERVED_SLUGS

app_name = "orders"


class ShopSlugConverter:
    """A shop's slug, but not the fixed words under /dashboard/ that vendors serves itself."""

    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value):
        if value in RESERVED_SLUGS:
            raise ValueError(value)
        return value

    def to_url(self, value):
        return value


register_converter(ShopSlugConverter, "shop")

shop = "dashboard/<shop:shop_slug>/"

urlpatterns = [
    path("keranjang/", views.cart, name="cart"),
    path("keranjang/tambah/", views.cart_add, name="cart_add"),
    path("keranjang/<int:item_id>/ubah/", views.cart_update, name="cart_update"),
    path("keranjang/<int:item_id>/hapus/", views.cart_remove, name="cart_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/hitung/", views.checkout_quote, name="checkout_quote"),
    path("checkout/<int:pk>/", views.checkout_done, name="checkout_done"),
    path("alamat/", views.address_list, name="addresses"),
    path("alamat/baru/", views.address_edit, name="address_create"),
    path("alamat/<int:pk>/", views.address_edit, name="address_edit"),
    path("alamat/<int:pk>/hapus/", views.address_delete, name="address_delete"),
    path("alamat/<int:pk>/utama/", views.address_default, name="address_default"),
    path("pesanan/", views.order_list, name="list"),
    path("pesanan/bukti/<int:pk>/", views.payment_proof, name="proof"),
    path("pesanan/<str:number>/", views.order_detail, name="detail"),
    path("pesanan/<str:number>/bayar/", views.order_pay, name="pay"),
    path("pesanan/<str:number>/batal/", views.order_cancel, name="cancel"),
    path("pesanan/<str:number>/terima/", views.order_receive, name="receive"),
    path("pesanan/<str:number>/ulasan/", views.order_review, name="review"),
    # /dashboard/<shop>/ combines vendors' tiles with order figures, so orders serves it.
    path(shop, dashboard.overview, name="dashboard"),
    path(f"{shop}pesanan/", dashboard.order_list, name="shop_orders"),
    path(f"{shop}pesanan/label/", dashboard.order_labels, name="shop_labels"),
    path(f"{shop}pesanan/<str:number>/", dashboard.order_detail, name="shop_order"),
    path(f"{shop}pesanan/<str:number>/slip/", dashboard.packing_slip, name="packing_slip"),
    path(f"{shop}pesanan/<str:number>/<slug:action>/", dashboard.order_action, name="shop_order_action"),
]
