from django import template

from payments import complaints

register = template.Library()


@register.inclusion_tag("payments/_order_complaint.html", takes_context=True)
def order_complaint(context, order, side="buyer"):
    """The order page's complaint box: a link to the complaint, or the buyer's Komplain button."""
    found = complaints.latest_complaint_of(order)
    return {
        "order": order,
        "complaint": found,
        "side": side,
        "can_open": side == "buyer" and complaints.can_open(order),
        "request": context.get("request"),
    }
