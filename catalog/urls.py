from django.urls import path

from catalog import dashboard, dinas_views, views

app_name = "catalog"

urlpatterns = [
    path("cari/", views.search, name="search"),
    path("cari/saran/", views.search_suggestions, name="suggestions"),
    path("kategori/<slug:slug>/", views.category, name="category"),
    # The shop page is the vendors app's, with the shop's products added here.
    path("toko/<slug:slug>/", views.shop_page, name="shop"),
    path("toko/<slug:shop_slug>/<slug:product_slug>/", views.product_detail, name="product"),
    # The vendor's products; /dashboard/<shop>/ itself belongs to the vendors app.
    path("dashboard/<slug:shop_slug>/produk/", dashboard.product_list, name="dashboard_products"),
    path("dashboard/<slug:shop_slug>/produk/baru/", dashboard.product_create, name="dashboard_create"),
    path("dashboard/<slug:shop_slug>/produk/<int:pk>/", dashboard.product_edit, name="dashboard_edit"),
    path("dashboard/<slug:shop_slug>/produk/<int:pk>/foto/", dashboard.image_upload, name="dashboard_images"),
    path(
        "dashboard/<slug:shop_slug>/produk/<int:pk>/foto/<int:image_id>/<str:action>/",
        dashboard.image_action,
        name="dashboard_image_action",
    ),
    path(
        "dashboard/<slug:shop_slug>/produk/<int:pk>/arsip/",
        dashboard.product_archive,
        name="dashboard_archive",
    ),
    path("dashboard/<slug:shop_slug>/produk/stok-harga/", dashboard.bulk_edit, name="dashboard_bulk"),
    path("dashboard/<slug:shop_slug>/produk/impor/", dashboard.import_csv, name="dashboard_import"),
    path("dashboard/<slug:shop_slug>/produk/ekspor.csv", dashboard.products_csv, name="dashboard_export"),
    path(
        "dashboard/<slug:shop_slug>/produk/impor/templat.csv",
        dashboard.csv_template,
        name="dashboard_import_template",
    ),
]

# Dinas moderation and expos (catalog.dinas_views). The community page lists members' products,
# so the catalog serves /komunitas/<slug>/ before the vendors' plain version.
urlpatterns += [
    path(
        "toko/<slug:shop_slug>/<slug:product_slug>/laporkan/",
        dinas_views.report_product,
        name="report_product",
    ),
    path("dashboard/<slug:shop_slug>/produk/<int:pk>/banding/", dinas_views.appeal_takedown, name="appeal"),
    path("dashboard/<slug:shop_slug>/expo/", dinas_views.shop_expos, name="dashboard_expos"),
    path("expo/<slug:slug>/", dinas_views.expo_page, name="expo"),
    path("komunitas/<slug:slug>/", dinas_views.community_page, name="community"),
]
