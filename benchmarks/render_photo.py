"""Time to turn a 12-megapixel phone photo into every rendition, on one CPU core.

    .venv/bin/python benchmarks/render_photo.py [--runs 5]

Uses catalog.images.render_renditions itself with in-memory storage, so it measures decoding,
orientation, resizing and WebP encoding, not the disk. No database writes reach a real table:
the image row lives in a transaction that is rolled back.
"""

import argparse
import io
import os
import time

from common import setup_django, summary


def phone_photo(width=4000, height=3000):
    """A JPEG with real detail (noise and gradients), rotated by EXIF as phones do."""
    from PIL import Image

    noise = Image.effect_noise((width, height), 40).convert("L")
    gradient = Image.linear_gradient("L").resize((width, height))
    photo = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5)))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    setup_django()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.test import override_settings

    from catalog.images import render_renditions
    from catalog.models import Product, ProductImage

    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    content = phone_photo()
    print(f"photo: 4000 x 3000 JPEG, {len(content) / 1e6:.1f} MB, one core")
    product = Product.objects.first()
    timings = []
    with override_settings(STORAGES={**settings.STORAGES, "default": memory, "private": memory}):
        for _ in range(args.runs + 1):
            with transaction.atomic():
                image = ProductImage(product=product, position=99)
                image.original.save("original", ContentFile(content), save=False)
                image.save()
                started = time.perf_counter()
                image = render_renditions(image=image)
                timings.append((time.perf_counter() - started) * 1000)
                transaction.set_rollback(True)
    timings = timings[1:]  # the first run loads libraries
    stats = summary(timings)
    print(f"renditions {[r['width'] for r in image.renditions]} of {image.width} x {image.height}")
    print(f"render 12 MP: p50={stats['p50']:.0f} ms max={stats['max']:.0f} ms over {stats['n']} runs")


if __name__ == "__main__":
    main()
