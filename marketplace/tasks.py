from marketplace import emails
from marketplace.celery import app


@app.task
def deliver_email(*, to, subject, body, html_body=None):
    emails.deliver(to=to, subject=subject, body=body, html_body=html_body)
