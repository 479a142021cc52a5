import re

import pytest
from django.core import mail
from django.db import transaction

from conftest import make_user, wait_for
from marketplace import notifications
from marketplace.models import Notification
from marketplace.tasks import email_notification, resend_undelivered_notifications

pytestmark = pytest.mark.django_db


def test_notify_stores_the_message_and_emails_it_after_commit(buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user=buyer, title="Toko Anda disetujui", body="Selamat!", url="/dashboard/x/")

    notification = Notification.objects.get()
    assert notification.emailed_at is not None
    assert [m.subject for m in mail.outbox] == ["Toko Anda disetujui"]
    assert "http://127.0.0.1:8000/dashboard/x/" in mail.outbox[0].body


def test_emailing_a_notification_twice_sends_one_email(buyer):
    notification = Notification.objects.create(user=buyer, title="Pesanan baru")

    email_notification.apply(args=[notification.pk])
    email_notification.apply(args=[notification.pk])

    assert len(mail.outbox) == 1


def test_a_notification_survives_a_broker_outage_and_is_resent_once(
    transactional_db, buyer, broker_down, monkeypatch
):
    with transaction.atomic():
        notifications.notify(user=buyer, title="Pembayaran diterima")
    assert mail.outbox == []  # the broker was down: nothing sent, but the row is kept
    notification = Notification.objects.get()
    assert notification.emailed_at is None

    monkeypatch.undo()  # the broker is back
    Notification.objects.update(created_at=notification.created_at.replace(year=2000))
    resend_undelivered_notifications.apply()
    resend_undelivered_notifications.apply()

    assert [m.subject for m in mail.outbox] == ["Pembayaran diterima"]


@pytest.mark.redis
def test_a_real_worker_emails_a_notification(celery_worker, buyer):
    with transaction.atomic():
        notifications.notify(user=buyer, title="Toko Anda disetujui")

    assert wait_for(lambda: mail.outbox)
    assert wait_for(lambda: Notification.objects.filter(emailed_at__isnull=False).exists())


def unread_badge(response):
    """The number the header's notifications link shows, 0 without a badge."""
    found = re.search(r'href="/notifikasi/">[^<]*<span class="badge"[^>]*>(\d+)<', response.text)
    return int(found.group(1)) if found else 0


def test_inbox_shows_only_my_notifications_and_marks_them_read(client, buyer, password):
    other = Notification.objects.create(user=buyer, title="Punya saya <b>tebal</b>")
    stranger = make_user("stranger@example.com")
    Notification.objects.create(user=stranger, title="Bukan punya Anda")
    client.login(email=buyer.email, password=password)

    assert unread_badge(client.get("/")) == 1
    response = client.get("/notifikasi/")
    assert "Punya saya &lt;b&gt;tebal&lt;/b&gt;" in response.text
    assert "Bukan punya Anda" not in response.text

    # Opening the inbox reads what it shows: the badge clears on this very page.
    assert response.context["unread_notifications"] == 0
    assert 'class="badge"' not in response.text
    other.refresh_from_db()
    assert other.read_at is not None
    assert Notification.objects.get(user=stranger).read_at is None
    assert unread_badge(client.get("/")) == 0


def test_inbox_marks_only_the_page_it_shows_as_read(client, buyer, password):
    Notification.objects.bulk_create(Notification(user=buyer, title=f"Pesan {n}") for n in range(35))
    client.login(email=buyer.email, password=password)

    client.get("/notifikasi/")
    assert notifications.unread_count(buyer) == 5  # 30 a page: the older five are still unread
    client.get("/notifikasi/?page=2")
    assert notifications.unread_count(buyer) == 0


def test_inbox_needs_log_in(client, db):
    response = client.get("/notifikasi/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
