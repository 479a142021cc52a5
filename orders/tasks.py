"""Periodic order work: thin tasks around one domain function each (idempotent).

A failure to list the orders retries the whole task (MarketplaceTask's backoff); a failure of
one order is isolated by `transitions.each_order` and retried on the next beat run.
"""

from marketplace.celery import app
from orders import tracking, transitions


@app.task
def cancel_unpaid_orders():
    """Cancel transfer orders unpaid after ORDER_PAYMENT_DEADLINE_HOURS and return their stock."""
    return transitions.cancel_unpaid_orders()


@app.task
def complete_shipped_orders():
    """Complete orders shipped more than ORDER_AUTO_COMPLETE_DAYS ago."""
    return transitions.complete_shipped_orders()


@app.task
def run_order_move_hooks(order_id, from_status, to_status):
    """The deployment's ORDER_MOVE_HOOKS for one committed move (each hook is idempotent)."""
    return transitions.run_move_hooks(order_id=order_id, from_status=from_status, to_status=to_status)


@app.task
def poll_shipment_tracking():
    """Store new tracking steps of shipped orders that no webhook has updated lately."""
    return tracking.poll_shipped_orders()
