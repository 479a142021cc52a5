"""Pages where buyers and vendors meet dinas moderation and expos: reporting a product,
appealing a take-down, applying to an expo, the public expo and community pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog import expos, moderation, selectors
from catalog.dinas_forms import AppealForm, ExpoApplicationForm, ProductReportForm
from catalog.models import Expo, Product
from vendors import selectors as vendor_selectors
from vendors.permissions import shop_member_required


def _error_text(error):
    return " ".join(error.messages)


@login_required
@require_POST
def report_product(request, shop_slug, product_slug):
    product = selectors.product_for_buyer(shop_slug=shop_slug, product_slug=product_slug)
    form = ProductReportForm(request.POST)
    if form.is_valid():
        try:
            moderation.report_product(product=product, reporter=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Thank you. A moderator of the dinas will look at this product."))
    else:
        messages.error(request, _("Choose what is wrong with the product."))
    return redirect(product.get_absolute_url())


@shop_member_required
@require_POST
def appeal_takedown(request, pk):
    product = get_object_or_404(Product.objects.editable_by(request.user).filter(shop=request.shop), pk=pk)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            moderation.appeal_takedown(product=product, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Your appeal was sent to the dinas."))
    else:
        messages.error(request, _("Explain why the product should be shown again."))
    return redirect("catalog:dashboard_edit", request.shop.slug, product.pk)


@shop_member_required
def shop_expos(request):
    if request.method == "POST":
        expo = get_object_or_404(Expo, pk=request.POST.get("expo"))
        form = ExpoApplicationForm(request.POST)
        if form.is_valid():
            try:
                expos.apply(expo=expo, shop=request.shop, note=form.cleaned_data["note"])
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("Your shop applied to %(expo)s.") % {"expo": expo.name})
        return redirect("catalog:dashboard_expos", request.shop.slug)
    context = {
        "shop": request.shop,
        "expos": expos.expos_open_to(request.shop),
        "form": ExpoApplicationForm(),
    }
    return render(request, "catalog/dashboard/expos.html", context)


@require_GET
def expo_page(request, slug):
    expo = expos.public_expo(slug)
    expos.count_visit(expo)
    products = selectors.with_card_data(expos.expo_products(expo).order_by("-sold_count", "-created_at"))[:48]
    context = {"expo": expo, "shops": expos.participating_shops(expo), "products": list(products)}
    response = render(request, "catalog/expo.html", context)
    # Never served from the anonymous page cache: every visit must reach this view to be counted.
    patch_cache_control(response, private=True)
    return response


@require_GET
def community_page(request, slug):
    """The vendors' community page, with its members' products (which the catalog owns)."""
    community, shops = vendor_selectors.community_with_shops(slug)
    products = selectors.visible_products().filter(shop__communities=community)
    products = selectors.with_card_data(products.order_by("-sold_count", "-created_at"))[:24]
    return render(
        request,
        "catalog/community.html",
        {"community": community, "shops": shops, "products": list(products)},
    )
