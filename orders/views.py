"""The buyer's pages: cart, checkout, address book, orders. Read the input, call one service."""

import secrets
from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.money import format_rupiah
from marketplace.pagecache import reuses_stored_header
from marketplace.phones import whatsapp_link
from marketplace.storage import private_file_response
from orders import pricing, selectors, services, tracking, transitions
from orders.forms import AddressForm, CheckoutForm, ProofForm, ReviewForm
from orders.models import Checkout, PaymentMethod

# --- Cart -------------------------------------------------------------------------------------


@reuses_stored_header
def cart(request):
    lines = selectors.cart_lines(services.cart_for(request))
    groups = selectors.group_by_shop(lines)
    context = {
        "groups": groups,
        "total": pricing.quote(groups).items,
        "has_problems": any(line.problem for line in lines),
    }
    return render(request, "orders/cart.html", context)


def refuse(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


@require_POST
def cart_add(request):
    try:
        services.add_to_cart(
            cart=services.cart_for(request, create=True),
            product_id=request.POST.get("product"),
            variant_id=request.POST.get("variant") or None,
            quantity=request.POST.get("quantity", "1"),
        )
    except ValidationError as error:
        refuse(request, error)
        return redirect(safe_next(request) or "orders:cart")
    messages.success(request, _("Added to your cart."))
    return redirect("orders:cart")


@require_POST
def cart_update(request, item_id):
    cart_ = services.cart_for(request)
    try:
        if cart_ is None:
            raise ValidationError(_("Your cart is empty."))
        services.update_cart_item(cart=cart_, item_id=item_id, quantity=request.POST.get("quantity"))
    except ValidationError as error:
        refuse(request, error)
    return redirect("orders:cart")


@require_POST
def cart_remove(request, item_id):
    cart_ = services.cart_for(request)
    if cart_ is not None:
        services.remove_cart_item(cart=cart_, item_id=item_id)
    return redirect("orders:cart")


def safe_next(request):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


# --- Checkout ---------------------------------------------------------------------------------


@login_required
@reuses_stored_header
def checkout(request):
    if done := already_placed(request):
        return redirect("orders:checkout_done", done.pk)
    cart_ = services.cart_for(request)
    lines = selectors.cart_lines(cart_)
    blocked = not lines or any(line.problem for line in lines)
    if blocked and (done := already_placed(request)):
        # The same form, posted twice at once, took the cart between our two looks.
        return redirect("orders:checkout_done", done.pk)
    if not lines:
        if request.method == "POST" and (placed := services.recently_placed(request.user.pk)):
            # Another tab checked this cart out a moment ago: show that checkout, not an error.
            messages.info(request, services.ALREADY_CHECKED_OUT)
            return redirect("orders:checkout_done", placed.pk)
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    if problems := [line.problem for line in lines if line.problem]:
        # Name each line and what to do: a buyer who lost the last unit sees which one.
        for problem in problems:
            messages.error(request, problem)
        return redirect("orders:cart")
    addresses = selectors.addresses_of(request.user)
    address = chosen_address(request, addresses)
    if address is None:
        messages.info(request, _("Add the address to send your order to."))
        return redirect(f"{reverse('orders:address_create')}?next=/checkout/")
    groups = selectors.group_by_shop(lines)
    priced = pricing.price_shipping(groups, address)
    options = priced.options
    build = partial(CheckoutForm, addresses=addresses, groups=groups, options=options)
    if request.method != "POST":
        form = build(initial={"token": secrets.token_urlsafe(24), "address": address.pk})
    elif "recalculate" in request.POST:
        form = build(initial=kept_choices(request.POST, options))
    else:
        form = build(request.POST)
        if form.is_valid():
            if placed := place(request, form, cart_, lines, priced):
                return placed
            # The total moved since the page was shown: ask again with everything the buyer typed.
            form = build(initial=kept_choices(request.POST, options))
    quote = pricing.quote(groups, options=options, methods=form.shipping_methods())
    context = {
        "form": form,
        "rows": [
            (*fields, quote.for_shop(fields[0].shop.pk), shipping_list(fields[1], options[fields[0].shop.pk]))
            for fields in form.shop_fields()
        ],
        "address": address,
        "addresses": addresses,
        "quote": quote,
    }
    return render(request, "orders/checkout.html", context)


@dataclass(frozen=True)
class ShippingList:
    """One shop's shipping options as the page lists them, unavailable ones with their reason."""

    field: object  # the shop's bound shipping field
    options: list
    chosen: str
    notes: list  # said once for the shop: e.g. the rate provider's fallback

    @property
    def has_choice(self):
        return any(option.available for option in self.options)


def shipping_list(field, options) -> ShippingList:
    notes = sorted({option.note for option in options if option.available and option.note})
    return ShippingList(field=field, options=options, chosen=str(field.value() or ""), notes=notes)


def place(request, form, cart_, lines, priced):
    """Place the form's orders and redirect, or None when the buyer must look at a new total."""
    try:
        checkout_ = services.place_order(
            buyer=request.user,
            cart=cart_,
            address=form.cleaned_data["address"],
            choices=form.choices(),
            token=form.cleaned_data["token"],
            seen_total=form.cleaned_data["seen_total"],
            priced=priced,
            lines=lines,
        )
    except services.AlreadyCheckedOut as error:
        messages.info(request, error.messages[0])
        return redirect("orders:checkout_done", services.recently_placed(request.user.pk).pk)
    except ValidationError as error:
        refuse(request, error)
        code = getattr(error, "code", None)  # an error made of a list has none
        if code in ("total_changed", "shipping"):
            return None
        return redirect(
            "orders:cart"
            if code in ("out_of_stock", "cart_problems", "own_shop", "empty", None)
            else "orders:checkout"
        )
    return redirect(next_page_after_placing(checkout_, form.choices()))


def next_page_after_placing(checkout_, choices):
    """Transaksi aman: straight to the checkout's one payment (the payments app's page)."""
    if any(choice.payment == PaymentMethod.AMAN for choice in choices.values()):
        return reverse("payments:checkout_pay", args=[checkout_.pk])
    return reverse("orders:checkout_done", args=[checkout_.pk])


def kept_choices(data, options) -> dict:
    """The posted form as the next page's starting values; a shipping choice this address does
    not offer (or not any more) falls back to the shop's first available option."""
    initial = data.dict()
    for shop_id, offered in options.items():
        if initial.get(f"shipping_{shop_id}") not in {option.key for option in offered if option.available}:
            initial.pop(f"shipping_{shop_id}", None)
    return initial


@login_required
@require_POST
def checkout_quote(request):
    """The checkout page's totals for the posted choices, as JSON, for the page's script.

    The same `pricing.quote` as the page itself; the order is priced again when placed.
    """
    lines = selectors.cart_lines(services.cart_for(request))
    addresses = selectors.addresses_of(request.user)
    address = chosen_address(request, addresses)
    if not lines or any(line.problem for line in lines) or address is None:
        return JsonResponse({"error": _("Reload the page to see your cart.")}, status=409)
    groups = selectors.group_by_shop(lines)
    options = pricing.shipping_options_for(groups, address)
    methods = {group.shop.pk: request.POST.get(f"shipping_{group.shop.pk}") for group in groups}
    return JsonResponse(quote_as_json(pricing.quote(groups, options=options, methods=methods)))


def quote_as_json(quote) -> dict:
    return {
        "total": quote.total,
        "items": format_rupiah(quote.items),
        "shipping": format_rupiah(quote.shipping),
        "grand_total": format_rupiah(quote.total),
        "shops": {
            str(shop.shop_id): {
                "shipping": format_rupiah(shop.shipping_fee) if shop.shipping else "—",
                "option": shop.shipping_key,
                "total": format_rupiah(shop.total),
            }
            for shop in quote.shops
        },
    }


def already_placed(request):
    """The checkout this very form already made (double click, refresh, retry), if any."""
    if request.method != "POST":
        return None
    return Checkout.objects.filter(buyer=request.user, token=request.POST.get("token", "")).first()


def chosen_address(request, addresses):
    wanted = request.POST.get("address") or request.GET.get("address")
    by_pk = {str(a.pk): a for a in addresses}
    if wanted in by_pk:
        return by_pk[wanted]
    return next((a for a in addresses if a.is_default), next(iter(by_pk.values()), None))


@login_required
@reuses_stored_header
def checkout_done(request, pk):
    done = get_object_or_404(Checkout.objects.filter(buyer=request.user), pk=pk)
    orders = done.orders.select_related("shop").prefetch_related("shop__bank_accounts")
    return render(request, "orders/checkout_done.html", {"checkout": done, "orders": orders})


# --- Addresses --------------------------------------------------------------------------------


@login_required
@reuses_stored_header
def address_list(request):
    return render(request, "orders/addresses.html", {"addresses": selectors.addresses_of(request.user)})


@login_required
def address_edit(request, pk=None):
    address = get_object_or_404(selectors.addresses_of(request.user), pk=pk) if pk else None
    if request.method == "POST" and "choose" in request.POST:
        # Without JavaScript: show the form again with the next region list filled.
        form = AddressForm(initial=request.POST.dict())
    elif address:
        form = AddressForm(request.POST or None, initial=AddressForm.initial_for_address(address))
    else:
        form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        services.save_address(user=request.user, address=address, **form.address_fields())
        messages.success(request, _("Address saved."))
        return redirect(safe_next(request) or "orders:addresses")
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "orders/address_form.html", {"form": form, "address": address, "next": next_url})


@login_required
@require_POST
def address_delete(request, pk):
    address = get_object_or_404(selectors.addresses_of(request.user), pk=pk)
    services.delete_address(user=request.user, address=address)
    return redirect("orders:addresses")


@login_required
@require_POST
def address_default(request, pk):
    address = get_object_or_404(selectors.addresses_of(request.user), pk=pk)
    services.set_default_address(user=request.user, address=address)
    return redirect("orders:addresses")


# --- Orders -----------------------------------------------------------------------------------


@login_required
@reuses_stored_header
def order_list(request):
    return render(request, "orders/order_list.html", {"orders": selectors.buyer_orders(request.user)[:100]})


@login_required
@reuses_stored_header
def order_detail(request, number, proof_form=None):
    order = selectors.order_with_details(selectors.buyer_order(request.user, number))
    context = {
        "order": order,
        "proof_form": proof_form or ProofForm(),
        "review_items": selectors.reviewable_items(order, request.user),
        "review_form": ReviewForm(),
        "whatsapp_url": order_whatsapp_url(order),
        "shipment": tracking.shipment_of(order),
    }
    return render(request, "orders/order_detail.html", context, status=400 if proof_form else 200)


def order_whatsapp_url(order):
    if not order.shop.whatsapp:
        return ""
    message = _("Hello %(shop)s, about my order %(number)s: ") % {
        "shop": order.shop.name,
        "number": order.number,
    }
    return whatsapp_link(order.shop.whatsapp, message)


@login_required
@require_POST
def order_pay(request, number):
    order = selectors.buyer_order(request.user, number)
    form = ProofForm(request.POST, request.FILES)
    if not form.is_valid():
        return order_detail(request, number, proof_form=form)
    try:
        transitions.submit_payment_proof(
            order=order, buyer=request.user, upload=form.cleaned_data["proof"], content_type=form.content_type
        )
    except ValidationError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Proof sent. The shop will check it and confirm."))
    return redirect(order)


@login_required
@require_POST
def order_cancel(request, number):
    order = selectors.buyer_order(request.user, number)
    return apply_move(request, order, transitions.cancel, _("Order cancelled."), actor=request.user)


@login_required
def order_receive(request, number):
    """Asks once ("have you checked everything?") before completing: it cannot be undone."""
    order = selectors.buyer_order(request.user, number)
    if request.method != "POST" or request.POST.get("confirmed") != "yes":
        if not order.can_confirm_receipt():
            return redirect(order)
        return render(request, "orders/confirm_receipt.html", {"order": order})
    return apply_move(
        request,
        order,
        transitions.confirm_receipt,
        _("Thank you! The order is completed."),
        buyer=request.user,
    )


def apply_move(request, order, move, success, **kwargs):
    try:
        move(order=order, **kwargs)
    except ValidationError as error:
        refuse(request, error)
    else:
        messages.success(request, success)
    return redirect(order)


@login_required
@require_POST
def order_review(request, number):
    order = selectors.buyer_order(request.user, number)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from 1 to 5 stars."))
        return redirect(order)
    product_ids = set(order.items.values_list("product_id", flat=True))
    try:
        if form.cleaned_data["product"] not in product_ids:
            raise ValidationError(_("This product is not in this order."))
        services.review_product(
            buyer=request.user,
            product_id=form.cleaned_data["product"],
            rating=form.cleaned_data["rating"],
            text=form.cleaned_data["text"],
        )
    except ValidationError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Thank you for your review."))
    return redirect(order)


@login_required
def payment_proof(request, pk):
    """The proof file, streamed for the order's buyer and the shop's members only."""
    payment = selectors.payment_for_viewer(request.user, pk)
    # Photos open in the page; a PDF (which may carry scripts) is downloaded, never shown inline.
    is_pdf = payment.content_type == "application/pdf"
    return private_file_response(
        payment.proof,
        content_type=payment.content_type,
        download_name=f"bukti-{payment.order_id}.pdf" if is_pdf else "",
    )
