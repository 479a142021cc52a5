"""Product photos: WebP renditions made in a worker from a validated original."""

import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from catalog.models import RENDITION_WIDTHS, ProductImage
from marketplace.pagecache import storefront_changed

logger = logging.getLogger(__name__)

WEBP_QUALITY = 80
# Encoder effort: method 2 is over twice as fast as the default 4 for files a few percent larger.
WEBP_METHOD = 2
Failure = ProductImage.FailureReason


def rendition_name(image, width):
    return f"products/r/{image.token.hex}/{width}.webp"


def target_widths(original_width):
    """The standard widths the photo can fill; a narrow photo gets one rendition at its own width."""
    widths = [w for w in RENDITION_WIDTHS if w <= original_width]
    return widths or [original_width]


def render_renditions(*, image):
    """Write the WebP renditions of `image` and mark it ready; safe to run again.

    Orientation is taken from EXIF and applied to the pixels; nothing of the original's
    metadata (GPS position, camera) is written into the renditions.
    """
    if image.status == ProductImage.Status.READY and image.renditions:
        return image
    try:
        with image.original.open("rb") as handle, Image.open(handle) as source:
            # Decode JPEGs at a reduced scale when they are far larger than the widest rendition.
            source.draft("RGB", (RENDITION_WIDTHS[-1] * 2, RENDITION_WIDTHS[-1] * 2))
            photo = ImageOps.exif_transpose(source)
            photo = photo.convert("RGBA" if has_alpha(photo) else "RGB")
    except Image.DecompressionBombError:
        return mark_failed(image=image, reason=Failure.TOO_LARGE)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        logger.warning("Product image %s cannot be decoded", image.pk, exc_info=True)
        return mark_failed(image=image, reason=Failure.UNREADABLE)

    renditions = []
    current = photo
    for width in sorted(target_widths(photo.width), reverse=True):
        height = max(1, round(photo.height * width / photo.width))
        # Each smaller size is made from the previous one: much faster than from the original.
        current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        renditions.append({"width": width, "height": height, "name": save_webp(image, current, width)})
    renditions.reverse()

    ProductImage.objects.filter(pk=image.pk).update(
        renditions=renditions,
        width=photo.width,
        height=photo.height,
        status=ProductImage.Status.READY,
        failure_reason="",
    )
    storefront_changed([image.product_id])  # the placeholder on public pages becomes the photo
    image.refresh_from_db()
    return image


def has_alpha(photo):
    return photo.mode in ("RGBA", "LA", "PA") or (photo.mode == "P" and "transparency" in photo.info)


def save_webp(image, photo, width):
    buffer = io.BytesIO()
    photo.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    name = rendition_name(image, width)
    # The same name every time, so a retried task overwrites instead of piling up copies.
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def mark_failed(*, image, reason):
    with transaction.atomic():
        ProductImage.objects.filter(pk=image.pk).update(
            status=ProductImage.Status.FAILED, failure_reason=reason
        )
    image.refresh_from_db()
    return image


def delete_files(image):
    """Remove the private original and the public renditions from storage (after the row is gone)."""
    if image.original.name and image.original.storage.exists(image.original.name):
        image.original.storage.delete(image.original.name)
    for rendition in image.renditions:
        if default_storage.exists(rendition["name"]):
            default_storage.delete(rendition["name"])
