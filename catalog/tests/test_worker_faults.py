"""A photo is never stranded: a worker killed mid-render, a broker that lost its queue, a vendor's retry.

The first test runs the real worker as a subprocess (`celery -A marketplace worker`, prefork)
against the Redis broker and the PostgreSQL test database, kills the whole worker with SIGKILL
in the middle of a render, starts a new one and checks the photo is rendered exactly once.
"""

import contextlib
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from catalog import services
from catalog.models import ProductImage
from catalog.tasks import requeue_stuck_images
from catalog.tests.factories import image_bytes, make_product, upload
from conftest import wait_for
from marketplace.celery import app

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = [160, 400, 800, 1600]
VISIBILITY_TIMEOUT = 3


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(tmp_path, name):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "SECRET_KEY": "fault-test-secret-key-that-is-long-enough-for-django-checks",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "SLOW_RENDER_SECONDS": "1.5",
        "PYTHONUNBUFFERED": "1",
    }
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "catalog.tests.slow_worker", "--pool=prefork", "--concurrency=1",
         "--without-mingle", "--without-gossip", "--loglevel=INFO", f"--hostname={name}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    process.log = log
    return process


def kill_whole_worker(process):
    """SIGKILL to the main process and its pool children at once: nothing gets to clean up."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.log.close()


def rendition_files(image):
    folder = Path(settings.MEDIA_ROOT) / "products" / "r" / image.token.hex
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def broker_is_empty():
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        return client.llen("celery") == 0 and client.hlen("unacked") == 0


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_killed_mid_render_leaves_the_photo_rendered_exactly_once(
    postgres, redis_broker, transactional_db, shop_a, tmp_path
):
    product = make_product(shop_a)
    with transaction.atomic():
        image = services.add_image(product=product, upload=upload(image_bytes(2000, 1500)))

    first = start_worker(tmp_path, "first")
    try:
        # The widest rendition is written first: once it is there the render is half-way.
        assert wait_for(lambda: rendition_files(image), timeout=60), (tmp_path / "first.log").read_text()
        kill_whole_worker(first)
        image.refresh_from_db()
        assert image.status == ProductImage.Status.PENDING
        assert rendition_files(image) != [f"{w}.webp" for w in WIDTHS]
    finally:
        kill_whole_worker(first)

    second = start_worker(tmp_path, "second")
    try:
        # The broker hands the unacknowledged task out again once the visibility timeout passed.
        ready = wait_for(
            lambda: ProductImage.objects.filter(pk=image.pk, status=ProductImage.Status.READY).first(),
            timeout=90,
        )
        assert ready, (tmp_path / "second.log").read_text()
        assert wait_for(broker_is_empty, timeout=10), "the task is still queued: it would run again"
    finally:
        kill_whole_worker(second)

    assert [r["width"] for r in ready.renditions] == WIDTHS
    assert rendition_files(ready) == sorted(f"{w}.webp" for w in WIDTHS)
    log = (tmp_path / "second.log").read_text()
    assert log.count("render_product_image") >= 1 and "succeeded" in log


@pytest.mark.redis
def test_a_photo_whose_task_the_broker_lost_is_sent_again_by_beat(celery_worker, shop_a):
    product = make_product(shop_a)
    # Uploaded while the broker was restarted without persistence: the row exists, its task not.
    image = ProductImage(product=product, queued_at=timezone.now() - timedelta(hours=1))
    image.original.save("original", upload(image_bytes(500, 400)), save=False)
    image.save()

    requeue_stuck_images.delay()

    ready = wait_for(
        lambda: ProductImage.objects.filter(pk=image.pk, status=ProductImage.Status.READY).first()
    )
    assert ready, "beat's re-send never reached the worker"
    assert ready.queued_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.django_db
def test_only_photos_pending_too_long_are_sent_again(shop_a, settings, django_capture_on_commit_callbacks):
    settings.IMAGE_STUCK_MINUTES = 15
    product = make_product(shop_a)
    ProductImage.objects.create(product=product, original="x", position=0)  # just sent
    stuck = ProductImage.objects.create(product=product, original="y", position=1)
    done = ProductImage.objects.create(product=product, original="z", position=2, status="ready")
    old = timezone.now() - timedelta(minutes=20)
    ProductImage.objects.filter(pk__in=[stuck.pk, done.pk]).update(queued_at=old)

    with django_capture_on_commit_callbacks() as sent:
        assert services.requeue_stuck_images() == 1

    assert len(sent) == 1
    stuck.refresh_from_db()
    assert stuck.queued_at > old


@pytest.mark.django_db
def test_the_vendor_sees_a_retry_button_on_a_stuck_photo_and_it_works(
    vendor_client, shop_a, django_capture_on_commit_callbacks
):
    product = make_product(shop_a)
    image = services.add_image(product=product, upload=upload(image_bytes(500, 400)))
    ProductImage.objects.filter(pk=image.pk).update(
        status=ProductImage.Status.PENDING, renditions=[], queued_at=timezone.now() - timedelta(hours=2)
    )
    page = vendor_client.get(f"/dashboard/{shop_a.slug}/produk/{product.pk}/")
    assert "Pemrosesan terlalu lama." in page.text and "Coba lagi" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        vendor_client.post(f"/dashboard/{shop_a.slug}/produk/{product.pk}/foto/{image.pk}/ulang/")

    image.refresh_from_db()
    assert image.status == ProductImage.Status.READY
    assert "Coba lagi" not in vendor_client.get(f"/dashboard/{shop_a.slug}/produk/{product.pk}/").text


def test_the_visibility_timeout_outlasts_the_longest_task():
    from catalog.tasks import render_product_image

    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert render_product_image.time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.IMAGE_STUCK_MINUTES * 60 > settings.CELERY_VISIBILITY_TIMEOUT
