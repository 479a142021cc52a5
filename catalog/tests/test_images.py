import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image

from catalog import images, services
from catalog.models import ProductImage
from catalog.tasks import render_product_image
from catalog.tests.factories import image_bytes, make_product, upload
from conftest import wait_for

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo_with_gps_rotated(width=400, height=300):
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera was held upright: rotate 90° clockwise on display
    exif[GPS_IFD] = {1: "S", 2: (6.0, 33.0, 0.0), 3: "E", 4: (107.0, 26.0, 0.0)}
    return image_bytes(width, height, exif=exif.tobytes())


def pixel_flood_png():
    """A tiny PNG whose header claims 50,000 × 50,000 pixels (a decompression bomb)."""
    buffer = io.BytesIO()
    Image.new("1", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", 50_000, 50_000)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    return bytes(data)


@pytest.fixture
def add_and_render(django_capture_on_commit_callbacks):
    """Add a photo and run what is enqueued on commit (eagerly, in this test)."""

    def add(product, photo):
        with django_capture_on_commit_callbacks(execute=True):
            return services.add_image(product=product, upload=photo)

    return add


@pytest.mark.django_db
def test_renditions_are_upright_stripped_webp_at_standard_widths(shop_a, add_and_render):
    product = make_product(shop_a)
    image = add_and_render(product, upload(photo_with_gps_rotated(1800, 1200)))
    image.refresh_from_db()

    assert image.status == ProductImage.Status.READY
    assert (image.width, image.height) == (1200, 1800)  # rotated
    assert [r["width"] for r in image.renditions] == [160, 400, 800]  # never upscaled past 1200
    for rendition in image.renditions:
        with default_storage.open(rendition["name"]) as handle, Image.open(handle) as rendered:
            assert rendered.format == "WEBP"
            assert rendered.size == (rendition["width"], rendition["height"])
            assert rendered.height > rendered.width
            assert not rendered.getexif()  # no GPS, no camera data
        assert image.token.hex in rendition["name"] and "foto" not in rendition["name"]


@pytest.mark.django_db
def test_the_original_is_stored_privately_under_a_server_chosen_name(shop_a, settings):
    product = make_product(shop_a)
    image = services.add_image(product=product, upload=upload(name="<script>rumah saya.jpg"))

    assert image.original.name == f"products/originals/{image.token.hex}"
    assert (settings.PRIVATE_MEDIA_ROOT / image.original.name).exists()
    assert not default_storage.exists(image.original.name)


@pytest.mark.django_db
def test_a_small_photo_gets_one_rendition_at_its_own_width(shop_a, add_and_render):
    image = add_and_render(make_product(shop_a), upload(image_bytes(120, 90, "PNG")))
    image.refresh_from_db()

    assert [(r["width"], r["height"]) for r in image.renditions] == [(120, 90)]


@pytest.mark.django_db
def test_rendering_again_is_harmless(shop_a, add_and_render):
    image = add_and_render(make_product(shop_a), upload())
    image.refresh_from_db()
    before = list(image.renditions)

    ProductImage.objects.filter(pk=image.pk).update(status=ProductImage.Status.PENDING)
    image.refresh_from_db()
    images.render_renditions(image=image)
    image.refresh_from_db()

    assert image.renditions == before
    assert all(default_storage.exists(r["name"]) for r in image.renditions)


@pytest.mark.django_db
def test_an_unreadable_original_marks_the_photo_failed_with_a_reason(shop_a):
    image = services.add_image(product=make_product(shop_a), upload=upload())
    image.refresh_from_db()
    with image.original.open("wb") as handle:
        handle.write(b"not a photo any more")
    ProductImage.objects.filter(pk=image.pk).update(status=ProductImage.Status.PENDING, renditions=[])
    image.refresh_from_db()

    render_product_image(image.pk)
    image.refresh_from_db()

    assert image.status == ProductImage.Status.FAILED
    assert "JPEG, PNG" in str(image.get_failure_reason_display())


@pytest.mark.django_db
def test_the_render_task_is_retried_with_backoff():
    assert render_product_image.autoretry_for == (Exception,)
    assert render_product_image.max_retries >= 3 and render_product_image.retry_backoff


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, name, reason",
    [
        (b"hello, I am text", "foto.jpg", "not_an_image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "foto.svg",
            "not_an_image",
        ),
        (b"<!doctype html><html><body>hi</body></html>", "foto.jpg", "not_an_image"),
        (image_bytes(400, 300)[:600], "foto.jpg", "corrupt"),
        (b"", "foto.jpg", "empty"),
        (image_bytes(64, 64, "GIF"), "foto.gif", "unsupported_format"),
    ],
    ids=["text-renamed-jpg", "svg", "html", "truncated-jpeg", "zero-bytes", "gif"],
)
def test_bad_files_are_refused_with_a_reason_and_nothing_is_stored(shop_a, settings, content, name, reason):
    product = make_product(shop_a)

    with pytest.raises(ValidationError) as refused:
        services.add_image(product=product, upload=upload(content, name=name))

    assert refused.value.code == reason
    assert ProductImage.objects.count() == 0
    assert not (settings.PRIVATE_MEDIA_ROOT / "products").exists()


@pytest.mark.django_db
def test_a_pixel_flood_png_is_refused_before_decoding(shop_a, settings):
    with pytest.raises(ValidationError) as refused:
        services.add_image(product=make_product(shop_a), upload=upload(pixel_flood_png(), name="bom.png"))

    assert refused.value.code in {"too_many_pixels", "not_an_image"}
    assert ProductImage.objects.count() == 0


@pytest.mark.django_db
def test_an_oversized_file_is_refused(shop_a, settings):
    settings.PRODUCT_IMAGE_MAX_BYTES = 1000

    with pytest.raises(ValidationError) as refused:
        services.add_image(product=make_product(shop_a), upload=upload(image_bytes(800, 600)))

    assert refused.value.code == "too_large"


@pytest.mark.django_db
def test_at_most_eight_photos_and_the_first_is_primary(shop_a):
    product = make_product(shop_a)
    for _ in range(8):
        services.add_image(product=product, upload=upload(image_bytes(50, 50)))

    with pytest.raises(ValidationError):
        services.add_image(product=product, upload=upload(image_bytes(50, 50)))

    assert product.images.count() == 8
    assert list(product.images.filter(is_primary=True).values_list("position", flat=True)) == [0]


@pytest.mark.django_db
def test_deleting_the_primary_photo_promotes_the_next_one(shop_a):
    product = make_product(shop_a)
    first = services.add_image(product=product, upload=upload(image_bytes(50, 50)))
    second = services.add_image(product=product, upload=upload(image_bytes(50, 50)))

    services.delete_image(image=first)

    second.refresh_from_db()
    assert second.is_primary


@pytest.mark.redis
def test_a_real_worker_renders_the_photo_after_commit(celery_worker, shop_a):
    product = make_product(shop_a)
    with transaction.atomic():
        image = services.add_image(product=product, upload=upload(image_bytes(1000, 750)))
        assert ProductImage.objects.get(pk=image.pk).status == ProductImage.Status.PENDING

    ready = wait_for(
        lambda: ProductImage.objects.filter(pk=image.pk, status=ProductImage.Status.READY).first()
    )

    assert ready, "the worker never rendered the photo"
    assert [r["width"] for r in ready.renditions] == [160, 400, 800]


@pytest.mark.django_db
def test_deleting_a_photo_removes_its_files(
    shop_a, add_and_render, django_capture_on_commit_callbacks, settings
):
    image = add_and_render(make_product(shop_a), upload())
    image.refresh_from_db()
    names = [r["name"] for r in image.renditions]

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_image(image=image)

    assert not (settings.PRIVATE_MEDIA_ROOT / image.original.name).exists()
    assert not any(default_storage.exists(name) for name in names)
