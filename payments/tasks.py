"""Periodic and queued payments work: thin tasks around one domain function each (idempotent)."""

from marketplace.celery import app
from payments import complaints, settlement


@app.task
def escalate_overdue_complaints():
    """Complaints nobody answered before their deadline (COMPLAINT_ANSWER_HOURS) go to the dinas."""
    return complaints.escalate_overdue()


@app.task
def send_provider_refund(provider_refund_id):
    """Send one decided refund through its provider; a failure waits for the next retry run."""
    return complaints.send_refund(provider_refund_id=provider_refund_id)


@app.task
def retry_provider_refunds():
    return complaints.retry_provider_refunds()


@app.task
def settle_finished_orders():
    """Settle finished orders whose move hook was lost (docs/payments.md)."""
    return settlement.settle_finished_orders()
