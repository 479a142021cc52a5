"""The shop's side: overview figures, orders by state, one order's actions, the packing slip.

Every view starts from `request.shop` (set by `shop_member_required`), so another shop's
order is simply a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.pagecache import reuses_stored_header
from marketplace.phones import whatsapp_link
from orders import labels, selectors, tracking, transitions
from orders.forms import ReasonForm, ShipForm
from orders.models import OrderStatus
from shipping import selectors as shipping_selectors
from shipping.couriers import courier_code
from vendors.permissions import shop_member_required

S = OrderStatus


@shop_member_required
@reuses_stored_header
def overview(request):
    """The dashboard's home: vendors' tiles plus what orders know (this app reads both)."""
    checklist = selectors.setup_checklist(request.shop, is_owner=request.is_shop_owner)
    context = {
        "figures": selectors.shop_overview(request.shop),
        "checklist": checklist,
        "checklist_done": all(step.done for step in checklist),
        "without_weight": weightless_products(request.shop),
    }
    return render(request, "orders/dashboard/overview.html", context)


def weightless_products(shop, shown=5):
    """Products a courier cannot price (no weight, no default weight): the first few, and how many."""
    if not shipping_selectors.weight_required(shop):
        return None
    products = shipping_selectors.products_without_weight(shop)
    count = products.count()
    return {"count": count, "first": list(products[:shown])} if count else None


@shop_member_required
@reuses_stored_header
def order_list(request):
    status = request.GET.get("status", "")
    counts = selectors.status_counts(request.shop)
    tabs = [(value, label, counts[value]) for value, label in S.choices]
    orders = selectors.shop_orders(request.shop, status, user=request.user)[:200]
    context = {
        "orders": orders,
        "tabs": tabs,
        "status": status,
        "total_count": sum(counts.values()),
        "ready_count": labels.ready_to_ship(selectors.shop_orders(request.shop, user=request.user)).count(),
    }
    return render(request, "orders/dashboard/order_list.html", context)


@shop_member_required
def order_labels(request):
    """One page of A6 labels: the ticked orders (?pesanan=…), or those ready to ship (?siap=1,
    the oldest MAX_LABELS).

    A number that is not one of this shop's orders refuses the whole batch with a 404, like
    any other shop's order.
    """
    orders = selectors.shop_orders(request.shop, user=request.user)
    if request.GET.get("siap"):
        oldest = labels.ready_to_ship(orders).order_by("created_at", "id")[: labels.MAX_LABELS]
        chosen = orders.filter(pk__in=list(oldest.values_list("pk", flat=True)))
    else:
        numbers = set(request.GET.getlist("pesanan")[: labels.MAX_LABELS + 1])
        chosen = orders.filter(number__in=numbers)
        if chosen.count() != len(numbers):
            raise Http404
    count = chosen.count()
    if not count or count > labels.MAX_LABELS:
        if count:
            message = _("Print at most %(max)s labels at a time.") % {"max": labels.MAX_LABELS}
        else:
            message = _("Tick the orders to print labels for.")
        messages.error(request, message)
        return redirect("orders:shop_orders", request.shop.slug)
    back = reverse("orders:shop_orders", args=[request.shop.slug])
    return HttpResponse(labels.labels_page(chosen.order_by("created_at", "id"), back_url=back))


def allowed_actions(order, user):
    """The buttons to show: only moves the table allows this member to make now."""
    moves = {
        "confirm": S.PAID,
        "reject": S.AWAITING_PAYMENT,
        "process": S.PROCESSING,
        "ship": S.SHIPPED,
        "cancel": S.CANCELLED,
    }
    targets = transitions.allowed_targets(order, user)
    return {name for name, to in moves.items() if to in targets}


@shop_member_required
@reuses_stored_header
def order_detail(request, number):
    return render_detail(request, number)


def render_detail(request, number, forms=None):
    order = selectors.order_with_details(selectors.shop_order(request.shop, number, user=request.user))
    forms = forms or {}
    context = {
        "order": order,
        "actions": allowed_actions(order, request.user),
        "reject_form": forms.get("reject") or ReasonForm(prefix="reject"),
        "cancel_form": forms.get("cancel") or ReasonForm(prefix="cancel"),
        # The courier the buyer chose at checkout comes first.
        "ship_form": forms.get("ship") or ShipForm(initial={"courier": courier_code(order.courier)}),
        "shipment": tracking.shipment_of(order),
        "buyer_whatsapp_url": whatsapp_link(
            order.buyer.whatsapp,
            _("Hello, this is %(shop)s about your order %(number)s.")
            % {"shop": request.shop.name, "number": order.number},
        )
        if order.buyer.whatsapp
        else "",
    }
    return render(request, "orders/dashboard/order_detail.html", context, status=400 if forms else 200)


@shop_member_required
@require_POST
def order_action(request, number, action):
    order = selectors.shop_order(request.shop, number, user=request.user)
    user = request.user
    try:
        if action == "confirm":
            transitions.confirm_payment(order=order, actor=user)
        elif action == "process":
            transitions.start_processing(order=order, actor=user)
        elif action in ("reject", "cancel"):
            form = ReasonForm(request.POST, prefix=action)
            if not form.is_valid():
                return render_detail(request, number, forms={action: form})
            move = transitions.reject_payment if action == "reject" else transitions.cancel
            move(order=order, actor=user, reason=form.cleaned_data["reason"])
        elif action == "ship":
            form = ShipForm(request.POST)
            if not form.is_valid():
                return render_detail(request, number, forms={"ship": form})
            transitions.ship(
                order=order,
                actor=user,
                courier=form.cleaned_data["courier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Order %(number)s updated.") % {"number": order.number})
    return redirect("orders:shop_order", request.shop.slug, order.number)


@shop_member_required
def packing_slip(request, number):
    order = selectors.order_with_details(selectors.shop_order(request.shop, number, user=request.user))
    return render(request, "orders/dashboard/packing_slip.html", {"order": order})
