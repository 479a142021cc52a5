import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, When
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.storage import private_file_response
from orders.forms import ProofForm
from orders.models import Checkout, Order
from payments import complaints, incoming, providers, services
from payments.forms import ComplaintForm, MessageForm, OfferForm, ReasonForm, ReturnForm
from payments.models import (
    COMPLAINT_OPEN_STATUSES,
    Complaint,
    ComplaintPhoto,
    ManualTransfer,
    Payment,
    PaymentStatus,
    ReceivedNotification,
)
from payments.providers import sandbox
from payments.providers.base import NotificationRefused, ProviderError
from payments.services import PaymentRefused
from vendors.models import Shop
from vendors.permissions import shop_member_required

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def notification(request, provider):
    """A provider tells us a payment changed: verify, ask again, apply once; refusals change nothing."""
    body = request.body.decode("utf-8", "replace")
    remote = request.META.get("REMOTE_ADDR")
    adapter = providers.get(provider)
    try:
        if adapter is None:
            raise NotificationRefused(f"provider {provider!r} is not used here", status=404)
        note = adapter.verify_notification(request)
        outcome = incoming.apply_notification(provider=provider, notification=note)
    except NotificationRefused as refused:
        logger.warning("Refused %s notification %r: %s", provider, refused.reference, refused.reason)
        incoming.log(
            provider=provider,
            body=body,
            outcome=ReceivedNotification.Outcome.REFUSED,
            reason=refused.reason,
            reference=refused.reference,
            remote_addr=remote,
        )
        return JsonResponse({"status": "refused", "reason": refused.reason}, status=refused.status)
    except (ProviderError, PaymentRefused) as error:
        # The provider could not confirm it now: nothing changed, and a non-2xx answer makes it retry.
        logger.warning("Could not apply %s notification: %s", provider, error)
        incoming.log(
            provider=provider, body=body, outcome=ReceivedNotification.Outcome.REFUSED, reason=str(error)
        )
        return JsonResponse({"status": "retry"}, status=503)
    incoming.log(provider=provider, body=body, outcome=outcome, reference=note.reference, remote_addr=remote)
    return JsonResponse({"status": outcome})


def buyers_checkout(request, checkout_id) -> Checkout:
    """The buyer's own checkout with something paid through us: anyone else's is a 404."""
    checkout = get_object_or_404(Checkout.objects.filter(buyer_id=request.user.pk), pk=checkout_id)
    if not incoming.orders_to_pay(checkout):
        raise Http404
    return checkout


@login_required
def checkout_pay(request, checkout_id):
    """The checkout's one payment: the amount, the ways to pay, and the attempt under way."""
    checkout = buyers_checkout(request, checkout_id)
    if request.method == "POST":
        return choose_method(request, checkout)
    return pay_page(request, checkout)


def pay_page(request, checkout, proof_form=None):
    orders = incoming.orders_to_pay(checkout)
    manual = incoming.waiting_payment(checkout, incoming.MANUAL)
    context = {
        "checkout": checkout,
        "orders": orders,
        "amount": sum(order.total for order in orders),
        "payable": incoming.can_be_paid(orders),
        "paid": checkout.provider_payments.filter(status=PaymentStatus.PAID).first(),
        "methods": incoming.offered_methods(),
        "waiting": checkout.provider_payments.filter(status=PaymentStatus.PENDING)
        .exclude(provider=incoming.MANUAL)
        .exclude(redirect_url="", va_number="", qris_string="")
        .first(),
        "manual": manual,
        "transfers": ManualTransfer.objects.filter(payment__checkout=checkout).order_by("-pk")[:5],
        "proof_form": proof_form or ProofForm(),
        "operator": {
            "bank": settings.MANUAL_TRANSFER_BANK,
            "account_number": settings.MANUAL_TRANSFER_ACCOUNT_NUMBER,
            "holder": settings.MANUAL_TRANSFER_ACCOUNT_HOLDER,
        },
    }
    return render(request, "payments/checkout_pay.html", context, status=400 if proof_form else 200)


def choose_method(request, checkout):
    try:
        payment = incoming.pay_checkout(checkout=checkout, method=request.POST.get("method", ""))
    except PaymentRefused as refused:
        messages.error(request, refused.messages[0])
        return redirect("payments:checkout_pay", checkout.pk)
    except ProviderError:
        logger.exception("The payment provider could not start a payment for checkout %s", checkout.pk)
        messages.error(request, _("The payment service cannot be reached now. Try again in a minute."))
        return redirect("payments:checkout_pay", checkout.pk)
    if payment.redirect_url:
        return redirect(payment.redirect_url)
    return redirect("payments:checkout_pay", checkout.pk)


@login_required
@require_POST
def checkout_transfer_proof(request, checkout_id):
    """The proof of a transfer to the operator's account, for staff to confirm."""
    checkout = buyers_checkout(request, checkout_id)
    payment = incoming.waiting_payment(checkout, incoming.MANUAL)
    if payment is None:
        messages.error(request, _("Choose the transfer to the Warung Online account first."))
        return redirect("payments:checkout_pay", checkout.pk)
    form = ProofForm(request.POST, request.FILES)
    if not form.is_valid():
        return pay_page(request, checkout, proof_form=form)
    try:
        incoming.submit_manual_transfer(
            payment=payment,
            buyer=request.user,
            upload=form.cleaned_data["proof"],
            content_type=form.content_type,
        )
    except PaymentRefused as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, _("Proof sent. Warung Online staff will check it and confirm."))
    return redirect("payments:checkout_pay", checkout.pk)


def buyers_payment(request, reference) -> Payment:
    return get_object_or_404(
        Payment.objects.select_related("checkout"), reference=reference, checkout__buyer_id=request.user.pk
    )


@login_required
def sandbox_pay(request, reference):
    """The sandbox provider's own pay page (only where the sandbox is the deployment's provider)."""
    if providers.get("sandbox") is None:
        raise Http404
    payment = buyers_payment(request, reference)
    if payment.provider != "sandbox":
        raise Http404
    if request.method == "POST" and payment.status == PaymentStatus.PENDING:
        method = request.POST.get("method")
        if method not in sandbox.METHODS:
            messages.error(request, _("Choose QRIS or a virtual account."))
            return redirect("payments:sandbox_pay", reference)
        try:
            answered = sandbox.settle(reference=reference, method=method)
        except ProviderError:
            logger.exception("The sandbox could not notify the site")
            answered = 0
        if answered == 200:
            messages.success(request, _("Payment received. Thank you!"))
        else:
            messages.error(request, _("The payment was sent but the marketplace did not confirm it yet."))
        return redirect("payments:sandbox_pay", reference)
    payment.refresh_from_db()
    context = {"payment": payment, "orders": payment.checkout.orders.select_related("shop").order_by("pk")}
    return render(request, "payments/sandbox_pay.html", context)


# --- Complaints: the buyer's side -----------------------------------------------------------


def buyers_order(request, number):
    return get_object_or_404(Order.objects.for_buyer(request.user).select_related("shop"), number=number)


@login_required
def complaint(request, number):
    """The buyer's complaint page: the request, the conversation, what to do next."""
    order = buyers_order(request, number)
    found = complaints.latest_complaint_of(order)
    if found is None:
        return redirect("payments:complaint_create", number)
    context = {
        "order": order,
        "complaint": found,
        "events": found.events.select_related("actor"),
        "return_form": ReturnForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "payments/complaint.html", context)


@login_required
def complaint_create(request, number):
    order = buyers_order(request, number)
    if complaints.open_complaint_of(order):
        return redirect("payments:complaint", number)
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaints.open_complaint(
                order=order,
                buyer=request.user,
                reason=data["reason"],
                description=data["description"],
                request=data["request"],
                amount=data.get("amount"),
                photos=data["photos"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Complaint sent. The shop has to answer it; the money stays held."))
            return redirect("payments:complaint", number)
    context = {
        "order": order,
        "form": form,
        "held": services.held_amount(order),
        "can_open": complaints.can_open(order),
    }
    return render(request, "payments/complaint_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def complaint_action(request, number, action):
    order = buyers_order(request, number)
    found = complaints.open_complaint_of(order)
    if found is None:
        raise Http404
    try:
        if action == "terima-tawaran":
            complaints.buyer_accept_offer(complaint=found, buyer=request.user)
        elif action == "tolak-tawaran":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            complaints.buyer_reject_offer(complaint=found, buyer=request.user, reason=reason)
        elif action == "kirim-balik":
            form = ReturnForm(request.POST)
            form.is_valid()
            complaints.buyer_send_return(
                complaint=found,
                buyer=request.user,
                courier=form.cleaned_data.get("courier", ""),
                tracking_number=form.cleaned_data.get("tracking_number", ""),
            )
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Complaint updated."))
    return redirect("payments:complaint", number)


@login_required
def complaint_photo(request, token):
    """A complaint's photo, for the order's buyer, the shop's members and dinas staff only."""
    photos = ComplaintPhoto.objects.select_related("complaint__order")
    if not (request.user.is_staff and request.user.has_perm("payments.view_complaint")):
        photos = photos.filter(
            Q(complaint__order__buyer=request.user)
            | Q(complaint__order__shop__in=Shop.objects.for_member(request.user))
        )
    photo = get_object_or_404(photos, token=token)
    return private_file_response(photo.image, content_type=photo.content_type)


# --- Complaints: the shop's side ---------------------------------------------------------------


def shops_complaint(request, pk):
    """One of this shop's complaints; anything else is a 404 (and logged: someone tried another door)."""
    found = (
        Complaint.objects.filter(
            order__shop=request.shop, order__shop__in=Shop.objects.for_member(request.user)
        )
        .select_related("order__buyer", "order__shop")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        logger.warning(
            "User %s asked for complaint %s outside shop %s", request.user.pk, pk, request.shop.slug
        )
        raise Http404
    return found


@shop_member_required
def shop_complaints(request):
    rows = (
        Complaint.objects.filter(order__shop=request.shop)
        .select_related("order__buyer")
        .order_by(
            Case(When(status__in=COMPLAINT_OPEN_STATUSES, then=0), default=1), "deadline", "-created_at"
        )
    )[:200]
    return render(request, "payments/dashboard/complaint_list.html", {"complaints": rows})


@shop_member_required
def shop_complaint(request, pk):
    return render_shop_complaint(request, pk)


def render_shop_complaint(request, pk, forms=None):
    found = shops_complaint(request, pk)
    forms = forms or {}
    context = {
        "complaint": found,
        "order": found.order,
        "events": found.events.select_related("actor"),
        "held": services.held_amount(found.order),
        "accept_form": MessageForm(prefix="accept"),
        "offer_form": forms.get("offer") or OfferForm(prefix="offer"),
        "reject_form": forms.get("reject") or ReasonForm(prefix="reject"),
    }
    return render(request, "payments/dashboard/complaint_detail.html", context, status=400 if forms else 200)


@shop_member_required
@require_POST
def shop_complaint_action(request, pk, action):
    found = shops_complaint(request, pk)
    user = request.user
    try:
        if action == "terima":
            form = MessageForm(request.POST, prefix="accept")
            message = form.cleaned_data["message"] if form.is_valid() else ""
            complaints.seller_accept(complaint=found, actor=user, message=message)
        elif action == "tawarkan":
            form = OfferForm(request.POST, prefix="offer")
            if not form.is_valid():
                return render_shop_complaint(request, pk, forms={"offer": form})
            complaints.seller_offer(
                complaint=found,
                actor=user,
                amount=form.cleaned_data["amount"],
                message=form.cleaned_data["message"],
            )
        elif action == "tolak":
            form = ReasonForm(request.POST, prefix="reject")
            if not form.is_valid():
                return render_shop_complaint(request, pk, forms={"reject": form})
            complaints.seller_reject(complaint=found, actor=user, reason=form.cleaned_data["reason"])
        elif action == "barang-kembali":
            complaints.seller_confirm_return(complaint=found, actor=user)
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Complaint updated."))
    return redirect("payments:shop_complaint", request.shop.slug, found.pk)
