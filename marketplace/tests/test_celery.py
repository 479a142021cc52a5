import time

import pytest
from django.core import mail
from django.db import transaction

from conftest import wait_for
from marketplace import emails
from marketplace.celery import MarketplaceTask, app


@pytest.mark.redis
def test_a_real_worker_delivers_an_email_enqueued_after_commit(celery_worker):
    with transaction.atomic():
        emails.send_later(to=["siti@example.com"], subject="Halo", body="Pesanan Anda diterima.")
        assert mail.outbox == []  # nothing leaves before the commit

    assert wait_for(lambda: mail.outbox), "the worker never delivered the e-mail"
    assert mail.outbox[0].subject == "Halo"
    assert mail.outbox[0].to == ["siti@example.com"]


@pytest.mark.redis
def test_sign_up_verification_mail_goes_through_the_worker(celery_worker, client):
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Rina",
            "email": "rina@example.com",
            "password1": "kopi-tubruk-2026",
            "password2": "kopi-tubruk-2026",
        },
    )

    assert response.status_code == 302
    assert wait_for(lambda: mail.outbox)
    assert mail.outbox[0].to == ["rina@example.com"]


def test_nothing_is_enqueued_when_the_transaction_rolls_back(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        emails.send_later(to=["siti@example.com"], subject="Halo", body="-")
        raise RuntimeError("the order failed")

    assert mail.outbox == []


def test_a_broker_outage_does_not_lose_a_transactional_email(transactional_db, broker_down):

    with transaction.atomic():
        emails.send_later(to=["siti@example.com"], subject="Halo", body="-")

    assert [m.subject for m in mail.outbox] == ["Halo"]


def test_after_the_broker_did_not_answer_it_is_left_alone_for_a_moment(broker_down, monkeypatch):
    from marketplace import celery
    from marketplace.tasks import deliver_email

    opened = []
    connect = celery.publishing_connection
    monkeypatch.setattr(celery, "publishing_connection", lambda: opened.append(1) or connect())
    monkeypatch.setattr("marketplace.outages.RETRY_AFTER_SECONDS", 0.5)
    email = {"to": ["siti@example.com"], "subject": "Halo", "body": "-"}

    for _ in range(3):
        with pytest.raises(celery.BROKER_DOWN):
            celery.publish(deliver_email, (), email)
    assert len(opened) == 1  # the second and third did not wait for the broker again

    time.sleep(0.6)
    with pytest.raises(celery.BROKER_DOWN):
        celery.publish(deliver_email, (), email)
    assert len(opened) == 2


def test_tasks_retry_with_backoff_and_serialise_as_json():
    assert app.Task is MarketplaceTask or issubclass(app.Task, MarketplaceTask)
    task = app.tasks["marketplace.tasks.deliver_email"]
    assert task.autoretry_for == (Exception,)
    assert task.retry_backoff and task.max_retries >= 3
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
