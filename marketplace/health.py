"""What /healthz reports: can we reach the database and the broker right now?"""

from django.db import connection

from marketplace.celery import app as celery_app

OK = "ok"
DOWN = "down"
EAGER = "eager"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return DOWN
    return OK


def broker_state() -> str:
    if celery_app.conf.task_always_eager:
        return EAGER
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return DOWN
    return OK
