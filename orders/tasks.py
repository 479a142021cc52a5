"""Periodic order work: thin tasks that call one domain function per order (idempotent)."""

from marketplace.celery import app
from orders import transitions


@app.task
def cancel_unpaid_orders():
    """Cancel transfer orders unpaid after ORDER_PAYMENT_DEADLINE_HOURS and return their stock."""
    return sum(transitions.auto_cancel_unpaid(order_id=pk) for pk in transitions.unpaid_order_ids())


@app.task
def complete_shipped_orders():
    """Complete orders shipped more than ORDER_AUTO_COMPLETE_DAYS ago."""
    return sum(
        transitions.auto_complete_shipped(order_id=pk) for pk in transitions.shipped_order_ids_to_complete()
    )
