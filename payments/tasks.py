"""Periodic money work: thin tasks around one domain function each (idempotent)."""

from marketplace.celery import app
from payments import settlement


@app.task
def settle_finished_orders():
    """Settle finished orders whose move hook was lost (docs/payments.md)."""
    return settlement.settle_finished_orders()
