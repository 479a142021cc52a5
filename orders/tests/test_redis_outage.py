"""With Redis stopped or frozen, the shop still sells: pages, log-in and checkout answer quickly.

Each test starts its own redis-server on a free loopback port (never the shared one) and
points the cache and the broker at it, then stops it or freezes it with SIGSTOP.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.test import Client

from conftest import missing_service
from marketplace.celery import app as celery_app
from orders.models import Checkout

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

SLOWEST_ANSWER = 2.0


class PrivateRedis:
    def __init__(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp_path = tmp_path
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.frozen = False
        deadline = time.monotonic() + 10
        while not self._answers():
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError("the private redis-server did not start")
            time.sleep(0.05)

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def queued(self, queue="celery"):
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
            conn.sendall(f"LLEN {queue}\r\n".encode())
            return int(conn.recv(32).strip(b":\r\n"))

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)
        self.frozen = True

    def close(self):
        if self.process.poll() is None:
            if self.frozen:
                os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        missing_service("redis-server is not installed (apt-get install redis-server)")
    redis = PrivateRedis(tmp_path)
    yield redis
    redis.close()


@pytest.fixture
def site_on_private_redis(settings, monkeypatch, private_redis):
    """The cache, the page cache and the broker all on the private Redis, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "marketplace.cache.ResilientRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    settings.PAGE_CACHE_SECONDS = 60
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", private_redis.url)
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    return private_redis


class Timed:
    """Sends requests, keeping how each one answered and how long it took."""

    def __init__(self, capture_on_commit):
        self.capture_on_commit = capture_on_commit
        self.answers = []

    def __call__(self, label, send):
        started = time.monotonic()
        # After-commit work (the broker publish) counts towards the request, as in production.
        with self.capture_on_commit(execute=True):
            response = send()
        self.answers.append((label, response.status_code, round(time.monotonic() - started, 2)))
        return response

    def slow_or_failed(self):
        return [a for a in self.answers if a[1] >= 400 or a[2] >= SLOWEST_ANSWER]


def shop_journey(timed, *, buyer, password, product, address, round_name):
    anonymous = Client()
    for url in ("/", product.shop.get_absolute_url(), product.get_absolute_url(), "/cari/?q=keripik"):
        timed(f"anonymous {url}", lambda url=url: anonymous.get(url))
        timed(f"anonymous again {url}", lambda url=url: anonymous.get(url))

    customer = Client()
    timed(
        "log-in",
        lambda: customer.post("/accounts/login/", {"login": buyer.email, "password": password}),
    )
    timed("logged-in home", lambda: customer.get("/"))
    timed("logged-in product", lambda: customer.get(product.get_absolute_url()))
    timed("add to cart", lambda: customer.post("/keranjang/tambah/", {"product": product.pk, "quantity": 1}))
    data = {
        "token": f"outage-{round_name}",
        "address": address.pk,
        f"shipping_{product.shop_id}": "pickup",
        f"payment_{product.shop_id}": "transfer",
    }
    return timed("checkout", lambda: customer.post("/checkout/", data))


def test_with_redis_up_pages_are_served_from_it(
    site_on_private_redis, buyer, password, product_a, address, django_capture_on_commit_callbacks
):
    timed = Timed(django_capture_on_commit_callbacks)

    checkout = shop_journey(
        timed, buyer=buyer, password=password, product=product_a, address=address, round_name="up"
    )

    assert timed.slow_or_failed() == []
    assert Client().get("/")["X-Page-Cache"] == "hit"
    assert checkout.status_code == 302
    assert Checkout.objects.count() == 1


def test_with_redis_stopped_the_shop_still_sells(
    site_on_private_redis, buyer, password, product_a, address, django_capture_on_commit_callbacks
):
    timed = Timed(django_capture_on_commit_callbacks)
    shop_journey(timed, buyer=buyer, password=password, product=product_a, address=address, round_name="warm")
    site_on_private_redis.stop()

    checkout = shop_journey(
        timed, buyer=buyer, password=password, product=product_a, address=address, round_name="stopped"
    )

    assert timed.slow_or_failed() == [], timed.answers
    assert checkout.status_code == 302
    assert Checkout.objects.count() == 2


def test_with_redis_frozen_the_shop_still_sells(
    site_on_private_redis, buyer, password, product_a, address, django_capture_on_commit_callbacks
):
    timed = Timed(django_capture_on_commit_callbacks)
    shop_journey(timed, buyer=buyer, password=password, product=product_a, address=address, round_name="warm")
    site_on_private_redis.freeze()

    checkout = shop_journey(
        timed, buyer=buyer, password=password, product=product_a, address=address, round_name="frozen"
    )

    assert timed.slow_or_failed() == [], timed.answers
    assert checkout.status_code == 302
    assert Checkout.objects.count() == 2


def test_a_catalogue_change_with_redis_stopped_is_saved_and_answered(
    site_on_private_redis, moderator, password, product_a, django_capture_on_commit_callbacks
):
    from catalog.transitions import take_down

    site_on_private_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        take_down(product=product_a, actor=moderator, reason="Foto menyesatkan")

    product_a.refresh_from_db()
    assert product_a.taken_down_at is not None
    assert Client().get(product_a.get_absolute_url()).status_code == 404


def mail(n):
    return {"to": ["ani@example.com"], "subject": f"Pesanan {n}", "body": "Terima kasih."}


def test_a_restarted_broker_loses_no_task(site_on_private_redis):
    from marketplace.celery import publish
    from marketplace.tasks import deliver_email

    publish(deliver_email, (), mail(1))
    publish(deliver_email, (), mail(2))  # on the connection kept from the first
    assert site_on_private_redis.queued() == 2

    site_on_private_redis.stop()
    site_on_private_redis.start()  # a new, empty broker on the same port

    publish(deliver_email, (), mail(3))
    assert site_on_private_redis.queued() == 1


def test_a_frozen_broker_is_waited_for_once_not_for_every_task(site_on_private_redis, monkeypatch):
    from marketplace import celery
    from marketplace.tasks import deliver_email

    opened = []
    connect = celery.publishing_connection
    monkeypatch.setattr(celery, "publishing_connection", lambda: opened.append(1) or connect())
    celery.publish(deliver_email, (), mail(1))  # a connection kept for the next tasks
    site_on_private_redis.freeze()

    for n in (2, 3, 4):  # a checkout's notifications
        with pytest.raises(celery.BROKER_DOWN):
            celery.publish(deliver_email, (), mail(n))

    # The kept connection timed out: no new one was tried, and the next tasks did not wait.
    assert len(opened) == 2
