"""The vendor's products under /dashboard/<shop>/produk/: every view starts from the shop's own rows."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import csv_import, services, stock, transitions, weights
from catalog.forms import (
    CsvImportForm,
    ImageUploadForm,
    PhotosForm,
    ProductForm,
    ProductSearchForm,
    RupiahField,
    StockField,
    VariantFormSet,
)
from catalog.models import MAX_IMAGES_PER_PRODUCT, Product, ProductImage, ProductVariant
from marketplace.pagecache import reuses_stored_header
from vendors.permissions import shop_member_required


def own_products(request):
    """The only way these views reach products: the user's, and of the shop in the URL."""
    return Product.objects.editable_by(request.user).filter(shop=request.shop)


def own_product(request, pk):
    return get_object_or_404(own_products(request), pk=pk)


@shop_member_required
@reuses_stored_header
def product_list(request):
    form = ProductSearchForm(request.GET)
    products = own_products(request).order_by("-updated_at", "-id")
    if form.is_valid():
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"]
            products = products.filter(Q(name__icontains=q) | Q(sku__icontains=q))
        if form.cleaned_data["status"]:
            products = products.filter(status=form.cleaned_data["status"])
    page = Paginator(products, 30).get_page(request.GET.get("page"))
    for product in page:
        product.can_archive = transitions.may_move(product, Product.Status.ARCHIVED, transitions.VENDOR)
    return render(request, "catalog/dashboard/list.html", {"shop": request.shop, "form": form, "page": page})


@shop_member_required
def product_create(request):
    return edit_product(request, Product(shop=request.shop))


@shop_member_required
def product_edit(request, pk):
    return edit_product(request, own_product(request, pk))


def edit_product(request, product):
    is_new = product.pk is None
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ProductForm(data, instance=product, weight_required=weights.weight_required(request.shop))
    variants = VariantFormSet(data, instance=product, prefix="variants")
    photos = PhotosForm(data, files)
    valid = request.method == "POST" and all([form.is_valid(), variants.is_valid(), photos.is_valid()])
    if valid and form.check_weight(variants.kept_weights()):
        try:
            product = services.save_product_form(
                form=form, variant_formset=variants, photos=photos.cleaned_data["photos"], actor=request.user
            )
        except transitions.IllegalMove as error:
            form.add_error("status", error)
        except stock.StockChangedMany as error:
            variants.show_current_stock(error.changes)
            messages.error(request, _("Nothing was saved: the stock changed while you were editing."))
        except ValidationError as error:
            photos.add_error("photos", error)
        else:
            messages.success(request, _("The product is saved."))
            if product.status == Product.Status.IN_REVIEW:
                messages.info(request, _("Dinas staff will review the product before buyers can see it."))
            return redirect("catalog:dashboard_edit", request.shop.slug, product.pk)
    context = {
        "shop": request.shop,
        "product": product,
        "is_new": is_new,
        "form": form,
        "variants": variants,
        "photos": photos,
        "images": list(product.images.all()) if not is_new else [],
        "upload_form": ImageUploadForm(),
        "max_images": MAX_IMAGES_PER_PRODUCT,
    }
    return render(
        request, "catalog/dashboard/edit.html", context, status=400 if request.method == "POST" else 200
    )


@shop_member_required
@require_POST
def image_upload(request, pk):
    product = own_product(request, pk)
    form = ImageUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_image(product=product, upload=form.cleaned_data["photo"])
            messages.success(request, _("The photo is uploaded; it appears once it is processed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("catalog:dashboard_edit", request.shop.slug, product.pk)


IMAGE_ACTIONS = {
    "hapus": services.delete_image,
    "utama": services.make_primary,
    "ulang": services.retry_image,
}


@shop_member_required
@require_POST
def image_action(request, pk, image_id, action):
    product = own_product(request, pk)
    image = get_object_or_404(ProductImage.objects.filter(product=product), pk=image_id)
    if action not in IMAGE_ACTIONS:
        return HttpResponse(status=404)
    IMAGE_ACTIONS[action](image=image)
    return redirect("catalog:dashboard_edit", request.shop.slug, product.pk)


@shop_member_required
@require_POST
def product_archive(request, pk):
    try:
        product = transitions.archive(product=own_product(request, pk), actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("catalog:dashboard_products", request.shop.slug)
    messages.success(request, _("“%(name)s” is archived; buyers no longer see it.") % {"name": product.name})
    return redirect("catalog:dashboard_products", request.shop.slug)


@shop_member_required
def bulk_edit(request):
    variants = list(
        ProductVariant.objects.filter(product__in=own_products(request))
        .select_related("product")
        .order_by("product__name", "product_id", "position", "id")[:300]
    )
    rows = [bulk_row(request, variant) for variant in variants]
    if request.method == "POST":
        changes, errors = [], False
        for row in rows:
            try:
                changes.append(
                    services.VariantChange(
                        variant_id=row["variant"].pk,
                        price=RupiahField(label="").clean(row["price"]),
                        stock=StockField(label="").clean(row["stock"]),
                        stock_shown=StockField(label="").clean(row["stock_shown"]),
                    )
                )
            except ValidationError as error:
                row["errors"], errors = error.messages, True
        if not errors:
            try:
                count = services.set_prices_and_stock(shop=request.shop, changes=changes)
            except stock.StockChangedMany as error:
                for row in rows:
                    if row["variant"].pk in error.changes:
                        current = error.changes[row["variant"].pk]
                        row["stock_shown"] = current
                        row["errors"] = [
                            _("Stock changed to %(n)s since you opened this page.") % {"n": current}
                        ]
            else:
                messages.success(request, _("%(count)s products updated.") % {"count": count})
                return redirect("catalog:dashboard_bulk", request.shop.slug)
        messages.error(request, _("Nothing was saved: correct the marked rows."))
    return render(
        request,
        "catalog/dashboard/bulk.html",
        {"shop": request.shop, "rows": rows},
        status=400 if request.method == "POST" else 200,
    )


def bulk_row(request, variant):
    """A row of the bulk page: what the vendor typed (or the current values) and the stock shown."""
    post = request.POST if request.method == "POST" else {}
    pk = variant.pk
    return {
        "variant": variant,
        "price": post.get(f"price-{pk}", variant.price),
        "stock": post.get(f"stock-{pk}", variant.stock),
        # A post without it (an old page) compares with the stock read now.
        "stock_shown": post.get(f"shown-{pk}", variant.stock),
    }


@shop_member_required
def import_csv(request):
    form = CsvImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = csv_import.import_products(shop=request.shop, upload=form.cleaned_data["file"])
        if report.ok:
            messages.success(request, _("%(count)s products imported.") % {"count": report.created})
            if report.updated:
                messages.success(request, _("%(count)s products updated.") % {"count": report.updated})
            return redirect("catalog:dashboard_products", request.shop.slug)
    return render(
        request,
        "catalog/dashboard/import.html",
        {"shop": request.shop, "form": form, "report": report, "columns": csv_import.COLUMNS},
        status=400 if request.method == "POST" else 200,
    )


@shop_member_required
def csv_template(request):
    response = HttpResponse(csv_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="templat-produk.csv"'
    return response


@shop_member_required
def products_csv(request):
    response = HttpResponse(csv_import.products_csv(request.shop), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="produk.csv"'
    return response
