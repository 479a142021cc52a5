"""The Celery app, and how the rest of the code enqueues work.

Tasks are declared with ``@app.task`` and inherit ``MarketplaceTask``: retried with
exponential backoff on any exception, acknowledged late so a crashed worker's task
runs again. Tasks must therefore be idempotent.
"""

import contextlib
import logging
import os
import threading

from celery import Celery, Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from marketplace import outages

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

logger = logging.getLogger(__name__)


class MarketplaceTask(Task):
    autoretry_for = (Exception,)
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 6


app = Celery("marketplace", task_cls=MarketplaceTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(task, *args, run_inline_if_broker_down=False, **kwargs):
    """Send ``task`` once the current transaction commits, so it never sees uncommitted rows.

    If the broker cannot be reached the request still succeeds: the failure is logged,
    and with ``run_inline_if_broker_down`` the task runs here and now instead (for cheap
    work such as one e-mail whose loss would hurt more than a slower response).
    Work that must never be lost keeps its own durable record and a periodic re-send.
    """

    def send():
        try:
            publish(task, args, kwargs)
        except BROKER_DOWN:
            # The data is committed: answering 500 now would lie to the user. Periodic tasks
            # (notifications, stuck photos) pick up what was not sent.
            logger.exception("Broker unreachable while enqueueing %s", task.name)
            if run_inline_if_broker_down:
                task.apply(args=args, kwargs=kwargs)

    transaction.on_commit(send)


BROKER_DOWN = (BrokerError, RedisError, OSError)
# A web request publishes on a connection that gives up within about a second when the broker
# is down or frozen; the worker keeps the patient defaults of the app.
PUBLISH_TIMEOUT = 0.5
# One such connection per thread, kept between requests: opening one (connect, channel,
# queue declaration) costs more than the rest of a checkout's publishing.
_publishing = threading.local()


def publish(task, args, kwargs):
    if app.conf.task_always_eager:
        return task.apply_async(args=args, kwargs=kwargs)
    # A broker that did not answer is left alone for a moment (marketplace.outages): a frozen one
    # would otherwise cost each of a checkout's tasks its own timeout. What is not sent meanwhile
    # goes the way of any task the broker refused (see enqueue_on_commit).
    broker = app.conf.broker_url
    if outages.is_resting("broker", broker):
        raise BrokerError("the broker did not answer a moment ago")
    while True:
        connection, fresh = publishing_connection()
        try:
            return task.apply_async(args=args, kwargs=kwargs, connection=connection, retry=False)
        except BROKER_DOWN as error:
            drop_publishing_connection()
            if fresh or timed_out(error):
                outages.did_not_answer("broker", broker)
                raise
            # A kept connection may have died with a restarted broker: one more try, on a new one.


def timed_out(error):
    """Whether the broker let a timeout pass: frozen or out of reach, not restarted."""
    while error is not None:
        if isinstance(error, (TimeoutError, RedisTimeoutError)):
            return True
        error = error.__cause__ or error.__context__
    return False


def publishing_connection():
    """(this thread's connection, whether it was just opened)"""
    connection = getattr(_publishing, "connection", None)
    if connection is not None and _publishing.broker_url == app.conf.broker_url:
        return connection, False
    drop_publishing_connection()
    options = {"socket_connect_timeout": PUBLISH_TIMEOUT, "socket_timeout": PUBLISH_TIMEOUT, "max_retries": 0}
    connection = app.connection_for_write(connect_timeout=PUBLISH_TIMEOUT, transport_options=options)
    _publishing.connection, _publishing.broker_url = connection, app.conf.broker_url
    return connection, True


def drop_publishing_connection():
    connection = getattr(_publishing, "connection", None)
    _publishing.connection = None
    if connection is not None:
        with contextlib.suppress(Exception):
            connection.release()
