"""The vendor dashboard, onboarding, and the public shop and community pages.

Each view reads a form, calls one service, and redirects; who may act for which shop is
decided by `vendors.permissions`.
"""

import mimetypes
from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.models import District, Regency
from marketplace.site import absolute_url
from marketplace.storage import private_file_response
from vendors import forms, selectors, services
from vendors.models import ShopInvitation
from vendors.permissions import identity_document_shop, shop_member_required

# --- Helpers ------------------------------------------------------------------------------

# Which form field a service's refusal belongs to (by its code); the rest go on top of the form.
ERROR_FIELDS = {
    "empty_slug": "slug",
    "reserved": "slug",
    "slug_locked": "slug",
    "duplicate_bank_account": "account_number",
    "member": "email",
}


def call_service(form, service, **kwargs):
    """Run `service`; on a refusal show its message on the form (nothing typed is lost)."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        field = ERROR_FIELDS.get(error.code)
        form.add_error(field if field in form.fields else None, error)
        return None


def next_step_or_leave(request, url_name, shop):
    """The next onboarding step, or back to the list of shops after "save and continue later"."""
    if "leave" in request.POST:
        messages.success(request, _("Saved. Continue whenever you like from your dashboard."))
        return redirect("vendors:my_shops")
    return redirect(url_name, shop.slug)


# --- My shops and onboarding --------------------------------------------------------------


@login_required
def my_shops(request):
    memberships = selectors.memberships_of(request.user)
    rows = [(m, selectors.onboarding_url(m.shop) if m.is_owner else "") for m in memberships]
    return render(request, "vendors/my_shops.html", {"rows": rows})


@login_required
def start_shop(request):
    form = forms.OnboardingProfileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        shop = call_service(
            form,
            services.start_shop,
            owner=request.user,
            onboarding_step=services.ONBOARDING_ADDRESS,
            **form.changes(),
        )
        if shop:
            return next_step_or_leave(request, "vendors:onboarding_address", shop)
    return render(request, "vendors/onboarding/profile.html", {"form": form, "step": 1})


@shop_member_required(owner_only=True)
def onboarding(request):
    return redirect(selectors.onboarding_url(request.shop))


@shop_member_required(owner_only=True)
def onboarding_profile(request):
    shop = request.shop
    form_class = (
        forms.OnboardingProfileForm if shop.status in services.SLUG_EDITABLE else forms.ShopProfileForm
    )
    form = form_class(
        request.POST or None, request.FILES or None, instance=copy(shop), initial={"slug": shop.slug}
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.update_profile,
            shop=shop,
            completed_step=services.ONBOARDING_PROFILE,
            **form.changes(),
        )
        if done:
            return next_step_or_leave(request, "vendors:onboarding_address", shop)
    return render(request, "vendors/onboarding/profile.html", {"form": form, "step": 1})


@shop_member_required(owner_only=True)
def onboarding_address(request):
    shop = request.shop
    if request.method == "POST" and "choose" in request.POST:
        # The no-JavaScript way to fill the next list: show the form again, no errors yet.
        form = forms.AddressForm(initial=request.POST.dict())
    else:
        form = forms.AddressForm(request.POST or None, initial=forms.AddressForm.initial_for(shop))
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        services.save_address(
            shop=shop,
            street_address=data["street_address"],
            district=data["district"],
            postal_code=data["postal_code"],
            completed_step=services.ONBOARDING_ADDRESS,
        )
        return next_step_or_leave(request, "vendors:onboarding_legal", shop)
    return render(request, "vendors/onboarding/address.html", {"form": form, "step": 2})


@shop_member_required(owner_only=True)
def onboarding_legal(request):
    shop = request.shop
    account = shop.bank_accounts.first()
    initial = {"nib": shop.nib}
    if account:
        initial |= {
            "bank": account.bank,
            "account_number": account.account_number,
            "holder_name": account.holder_name,
        }
    form = forms.LegalForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        has_identity_document=bool(shop.identity_document),
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.save_legal_details,
            shop=shop,
            completed_step=services.ONBOARDING_LEGAL,
            **form.cleaned_data,
        )
        if done:
            return next_step_or_leave(request, "vendors:onboarding_review", shop)
    return render(request, "vendors/onboarding/legal.html", {"form": form, "step": 3})


@shop_member_required(owner_only=True)
def onboarding_review(request):
    shop = request.shop
    error = ""
    if request.method == "POST":
        try:
            services.submit_for_verification(shop=shop, actor=request.user)
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, _("Submitted. We will tell you when the dinas has checked your shop."))
            return redirect("vendors:dashboard", shop.slug)
    context = {
        "step": 4,
        "error": error,
        "missing": services.missing_for_submission(shop),
        "can_submit": (shop.status, services.Status.PENDING) in services.ALLOWED_MOVES,
        "bank_accounts": shop.bank_accounts.all(),
    }
    return render(request, "vendors/onboarding/review.html", context)


@require_GET
def region_options(request):
    """Options of the next region list, as JSON: regencies of ?province=, districts of ?regency=."""
    if request.GET.get("province"):
        regions = Regency.objects.filter(province_id=request.GET["province"])
    elif request.GET.get("regency"):
        regions = District.objects.filter(regency_id=request.GET["regency"])
    else:
        raise Http404
    options = [{"value": code, "label": name} for code, name in regions.values_list("code", "name")]
    response = JsonResponse({"options": options})
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- The dashboard --------------------------------------------------------------------------


@shop_member_required
def dashboard(request):
    return render(request, "vendors/dashboard.html")


@shop_member_required
def shop_settings(request):
    shop = request.shop
    # A copy: a model form writes what was typed into its instance while validating, and the
    # page around a refused form must keep showing the saved shop.
    form = forms.ShopProfileForm(request.POST or None, request.FILES or None, instance=copy(shop))
    if request.method == "POST" and form.is_valid():
        services.update_profile(shop=shop, **form.changes())
        messages.success(request, _("The shop details are saved."))
        return redirect("vendors:settings", shop.slug)
    return render(request, "vendors/settings.html", {"form": form})


@shop_member_required(owner_only=True)
def members(request):
    shop = request.shop
    form = forms.InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = call_service(
            form,
            services.invite_staff,
            shop=shop,
            email=form.cleaned_data["email"],
            invited_by=request.user,
        )
        if invitation:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("vendors:members", shop.slug)
    context = {
        "form": form,
        "members": shop.members.select_related("user").order_by("role", "created_at"),
        "invitations": shop.invitations.filter(accepted_at__isnull=True, cancelled_at__isnull=True).order_by(
            "-created_at"
        ),
    }
    return render(request, "vendors/members.html", context)


@shop_member_required(owner_only=True)
@require_POST
def remove_member(request, member_id):
    member = get_object_or_404(request.shop.members.select_related("user"), pk=member_id)
    try:
        services.remove_member(member=member, actor=request.user)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    else:
        messages.success(request, _("%(user)s no longer works for the shop.") % {"user": member.user})
    return redirect("vendors:members", request.shop.slug)


@shop_member_required(owner_only=True)
@require_POST
def cancel_invitation(request, invitation_id):
    invitation = get_object_or_404(
        request.shop.invitations.filter(accepted_at__isnull=True, cancelled_at__isnull=True), pk=invitation_id
    )
    services.cancel_invitation(invitation=invitation)
    messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    return redirect("vendors:members", request.shop.slug)


@shop_member_required(owner_only=True)
def bank_accounts(request):
    shop = request.shop
    form = forms.BankAccountForm(request.POST or None)
    added = request.method == "POST" and form.is_valid()
    if added and call_service(form, services.add_bank_account, shop=shop, **form.cleaned_data):
        messages.success(request, _("The bank account is added."))
        return redirect("vendors:bank_accounts", shop.slug)
    return render(request, "vendors/bank_accounts.html", {"form": form, "accounts": shop.bank_accounts.all()})


@shop_member_required(owner_only=True)
@require_POST
def remove_bank_account(request, account_id):
    services.remove_bank_account(account=get_object_or_404(request.shop.bank_accounts, pk=account_id))
    messages.success(request, _("The bank account is removed."))
    return redirect("vendors:bank_accounts", request.shop.slug)


@shop_member_required
def shipping(request):
    """Pick-up and cash on delivery; couriers, own-delivery areas and tariffs have their own pages."""
    shop = request.shop
    form = forms.ShippingForm(
        request.POST if request.method == "POST" else None,
        initial={"pickup_enabled": shop.pickup_enabled, "cod_enabled": shop.cod_enabled},
    )
    if form.is_bound and form.is_valid():
        services.update_shipping(shop=shop, **form.cleaned_data)
        messages.success(request, _("The shipping options are saved."))
        return redirect("vendors:shipping", shop.slug)
    return render(request, "vendors/shipping.html", {"options_form": form})


@login_required
def identity_document(request, shop_slug):
    """The owner's KTP photo, streamed from private storage to the owner and dinas staff only."""
    shop = identity_document_shop(request.user, shop_slug)
    if not shop.identity_document:
        raise Http404
    content_type, _encoding = mimetypes.guess_type(shop.identity_document.name)
    if not (content_type or "").startswith("image/"):
        content_type = "application/octet-stream"  # never anything a browser would run
    return private_file_response(shop.identity_document, content_type=content_type)


# --- Invitations ----------------------------------------------------------------------------


def accept_invitation(request, token):
    invitation = get_object_or_404(
        ShopInvitation.objects.select_related("shop"), token=token, cancelled_at__isnull=True
    )
    if request.method == "POST" and request.user.is_authenticated:
        try:
            member = services.accept_invitation(token=token, user=request.user)
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, _("Welcome to %(shop)s!") % {"shop": member.shop.name})
            return redirect("vendors:dashboard", member.shop.slug)
    return render(request, "vendors/accept_invitation.html", {"invitation": invitation})


# --- Public pages ---------------------------------------------------------------------------


def shop_page_context(request, slug):
    """What `vendors/shop.html` shows; a page that extends it (the catalog's) starts from this."""
    shop = selectors.public_shop(slug)
    return {
        "shop": shop,
        "whatsapp_url": shop.whatsapp_chat_url(),
        # Link previews (WhatsApp, Facebook) need an absolute address for the picture.
        "logo_url": absolute_url(shop.logo.url) if shop.logo else "",
    }


def shop_page(request, slug):
    return render(request, "vendors/shop.html", shop_page_context(request, slug))


def community_page(request, slug):
    community, shops = selectors.community_with_shops(slug)
    return render(request, "vendors/community.html", {"community": community, "shops": shops})


@shop_member_required
@require_POST
def share_on_whatsapp(request):
    services.record_whatsapp_share(shop=request.shop)
    return redirect(services.whatsapp_share_url(request.shop))
