"""Outgoing e-mail: rendered in the request, delivered by a Celery worker."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from marketplace.text import single_line


def deliver(*, to, subject, body, html_body=None):
    # A line break in a header is refused by Django (header injection): subjects are one line.
    message = EmailMultiAlternatives(single_line(subject), body, settings.DEFAULT_FROM_EMAIL, to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


def send_later(*, to, subject, body, html_body=None):
    """Deliver after the current transaction commits, in a worker."""
    from marketplace.celery import enqueue_on_commit
    from marketplace.tasks import deliver_email

    enqueue_on_commit(
        deliver_email,
        to=list(to),
        subject=subject,
        body=body,
        html_body=html_body,
        run_inline_if_broker_down=True,
    )
