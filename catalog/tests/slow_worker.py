"""`celery -A marketplace worker`, with each rendition slowed down so a test can kill it mid-photo.

Only the fault tests start this (as a subprocess); SLOW_RENDER_SECONDS is the pause per rendition.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
django.setup()

from catalog import images  # noqa: E402
from marketplace.celery import app  # noqa: E402

save_webp = images.save_webp


def slow_save_webp(image, photo, width):
    time.sleep(float(os.environ.get("SLOW_RENDER_SECONDS", "1")))
    return save_webp(image, photo, width)


images.save_webp = slow_save_webp

if __name__ == "__main__":
    app.worker_main(argv=["worker", *sys.argv[1:]])
