"""Checking uploaded images before anything is stored, and storing them without metadata."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
JPEG_QUALITY = 88
WEBP_QUALITY = 88

# A truncated file must be refused, never completed with grey pixels (Pillow's default, but
# a library imported later could flip it for the whole process).
ImageFile.LOAD_TRUNCATED_IMAGES = False


def validate_image(upload, *, max_bytes, max_pixels):
    """Refuse anything that is not a real, complete JPEG, PNG or WebP within the limits.

    The type comes from the content, never from the file name. The pixel count is read
    from the header, so a decompression bomb is refused before it is decoded; then every
    byte is decoded, so a truncated or corrupt file is refused here and not by a worker.
    """
    return open_checked(upload, max_bytes=max_bytes, max_pixels=max_pixels, fast=True).size


def open_checked(upload, *, max_bytes, max_pixels, fast=False):
    """The upload opened and fully decoded, or a ValidationError saying what is wrong.

    With `fast`, JPEGs decode at 1/8 scale: still every byte read (truncation shows), a
    fraction of the time. Never closed here: Pillow would close the upload with it, and
    once decoded the image holds no file.
    """
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    try:
        image = Image.open(upload)
        image_format, (width, height) = image.format, image.size
        if image_format not in ACCEPTED_FORMATS:
            raise ValidationError(_("Only JPEG, PNG or WebP photos are accepted."), code="unsupported_format")
        if width * height > max_pixels:
            raise ValidationError(
                _("The image has %(pixels)s megapixels; the limit is %(limit)s.")
                % {"pixels": round(width * height / 1_000_000, 1), "limit": max_pixels // 1_000_000},
                code="too_many_pixels",
            )
        if fast and image_format == "JPEG":
            image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
        image.load()
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image has far too many pixels; the limit is %(limit)s megapixels.")
            % {"limit": max_pixels // 1_000_000},
            code="too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not a photo we can read. Use a JPEG, PNG or WebP image."), code="not_an_image"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(_("The image is damaged or incomplete."), code="corrupt") from None
    finally:
        upload.seek(0)
    return image


def without_metadata(upload, *, max_bytes, max_pixels):
    """A new upload holding the same picture, upright, with no EXIF, GPS, ICC or text chunks.

    Validated first (see `open_checked`). The name is random with the extension of the
    content, so a file named `.html` never comes back as a web page and nobody's name is
    kept in a file name.
    """
    image = open_checked(upload, max_bytes=max_bytes, max_pixels=max_pixels)
    image_format = image.format
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    clean = upright.convert("RGBA" if has_alpha and image_format != "JPEG" else "RGB")
    clean.info = {}  # nothing of the original rides along: exif, icc_profile, text chunks, dpi
    buffer = io.BytesIO()
    if image_format == "JPEG":
        clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif image_format == "WEBP":
        clean.save(buffer, "WEBP", quality=WEBP_QUALITY)
    else:
        clean.save(buffer, "PNG", optimize=True)
    name = f"{uuid.uuid4().hex}.{EXTENSIONS[image_format]}"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=CONTENT_TYPES[image_format])
