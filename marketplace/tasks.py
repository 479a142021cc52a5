from marketplace import emails, notifications
from marketplace.celery import app


@app.task
def deliver_email(*, to, subject, body, html_body=None):
    emails.deliver(to=to, subject=subject, body=body, html_body=html_body)


@app.task
def email_notification(notification_id):
    notifications.email_notification_once(notification_id=notification_id)


@app.task
def resend_undelivered_notifications():
    for notification_id in notifications.undelivered_notification_ids():
        email_notification.delay(notification_id)
