"""The shop's courier settings in the vendor dashboard, and the Biteship tracking webhook.

Owners and staff may both change courier settings: choosing couriers, areas and fees is the
day-to-day work of whoever packs the orders, as on the dashboard's other shipping page; only
money and membership (bank accounts, members) are the owner's.
"""

import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.models import District, Regency
from shipping import selectors, services, tracking
from shipping.forms import CourierServicesForm, DefaultWeightForm, OwnDeliveryAreaForm, ShopTariffImportForm
from shipping.tariff_import import template_csv
from vendors.permissions import shop_member_required


@shop_member_required
def couriers(request):
    shop = request.shop
    posted = request.POST if request.method == "POST" else None
    services_form = CourierServicesForm(
        posted if "save_services" in request.POST else None,
        initial={"services": selectors.enabled_services(shop)},
    )
    weight_form = DefaultWeightForm(
        posted if "save_weight" in request.POST else None,
        initial={"default_weight_grams": selectors.default_weight_grams(shop)},
    )
    if services_form.is_bound and services_form.is_valid():
        services.set_courier_services(shop=shop, services=services_form.cleaned_data["services"])
        messages.success(request, _("The courier services are saved."))
        return redirect("shipping:couriers", shop.slug)
    if weight_form.is_bound and weight_form.is_valid():
        services.set_default_weight(shop=shop, grams=weight_form.cleaned_data["default_weight_grams"])
        messages.success(request, _("The default weight is saved."))
        return redirect("shipping:couriers", shop.slug)
    context = {
        "services_form": services_form,
        "weight_form": weight_form,
        "without_weight": selectors.products_without_weight(shop)[:20],
    }
    return render(request, "shipping/dashboard/couriers.html", context)


@shop_member_required
def own_delivery(request):
    shop = request.shop
    form = OwnDeliveryAreaForm(request.POST if request.method == "POST" else None, shop=shop)
    if form.is_bound and form.is_valid():
        try:
            services.add_own_delivery_area(
                shop=shop, fee=form.cleaned_data["fee"], **form.cleaned_data["area"]
            )
        except IntegrityError:  # the same area sent twice at once: the second one finds it taken
            form.add_error("region", form.duplicate_message(form.cleaned_data["region"]))
        else:
            messages.success(request, _("The delivery area is saved."))
            return redirect("shipping:own_delivery", shop.slug)
    context = {"form": form, "areas": selectors.own_delivery_areas(shop), "suggestions": suggestions(shop)}
    return render(request, "shipping/dashboard/own_delivery.html", context)


def suggestions(shop):
    """Regions near the shop for the area field's list: its province's regencies, its regency's districts."""
    if shop.district_id is None:
        return []
    regency = shop.district.regency
    near = list(Regency.objects.filter(province_id=regency.province_id).values_list("code", "name"))
    near += list(District.objects.filter(regency=regency).values_list("code", "name"))
    return near


@shop_member_required
@require_POST
def remove_own_delivery_area(request, area_id):
    area = get_object_or_404(selectors.own_delivery_areas(request.shop), pk=area_id)
    services.remove_own_delivery_area(area=area)
    messages.success(request, _("The delivery area is removed."))
    return redirect("shipping:own_delivery", request.shop.slug)


@shop_member_required
def tariffs(request):
    shop = request.shop
    form = ShopTariffImportForm(request.POST or None, request.FILES or None)
    report = None
    if form.is_bound and form.is_valid():
        report = services.import_shop_tariffs(shop=shop, upload=form.cleaned_data["file"])
        if report.ok:
            messages.success(
                request,
                _("Tariffs imported: %(created)s new, %(updated)s updated.")
                % {"created": report.created, "updated": report.updated},
            )
            return redirect("shipping:tariffs", shop.slug)
    context = {"form": form, "report": report, "count": selectors.own_tariff_count(shop)}
    return render(request, "shipping/dashboard/tariffs.html", context)


@shop_member_required
def tariff_template(request):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tarif-kurir-contoh.csv"'
    return response


@csrf_exempt
@require_POST
def biteship_webhook(request):
    """Biteship calls this with a secret header set in its dashboard; anything else is refused."""
    if not request.body.strip():
        # Biteship checks the URL with an empty POST when the webhook is installed; nothing is stored.
        return HttpResponse("ok")
    if not webhook_verified(request):
        return HttpResponseForbidden()
    try:
        tracking.record_biteship_webhook(request.body)
    except tracking.TrackingError:
        return HttpResponseBadRequest()
    return HttpResponse("ok")


def webhook_verified(request) -> bool:
    secret = settings.BITESHIP_WEBHOOK_SECRET
    if not secret:
        return False
    sent = request.headers.get(settings.BITESHIP_WEBHOOK_HEADER, "")
    # Digests of equal length, so the comparison time says nothing about the secret.
    return hmac.compare_digest(
        hashlib.sha256(sent.encode()).digest(), hashlib.sha256(secret.encode()).digest()
    )
