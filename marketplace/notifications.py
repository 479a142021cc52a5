"""Telling people what happened: an in-app inbox plus e-mail, delivered by Celery."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from marketplace import emails
from marketplace.models import Notification


def notify(*, user, title, body="", url=""):
    """Store the notification now; e-mail it from a worker once this transaction commits."""
    from marketplace.celery import enqueue_on_commit
    from marketplace.tasks import email_notification

    notification = Notification.objects.create(user=user, title=title, body=body, url=url)
    enqueue_on_commit(email_notification, notification.pk)
    return notification


def email_notification_once(*, notification_id):
    """Send the e-mail of one notification unless it already went out (idempotent)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        context = {
            "notification": notification,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string("emails/notification_body.txt", context)
        # Marked first: if the commit fails, the mail is sent again rather than never.
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        emails.deliver(to=[notification.user.email], subject=notification.title, body=body)
    return True


def undelivered_notification_ids(*, older_than=timedelta(minutes=5)):
    """Notifications whose e-mail has not gone out, e.g. because the broker was down."""
    cutoff = timezone.now() - older_than
    return list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user):
    Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
