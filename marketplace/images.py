"""Checking uploaded images before anything is stored."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


def validate_image(upload, *, max_bytes, max_pixels):
    """Refuse anything that is not a real JPEG, PNG or WebP within the size and pixel limits.

    The type comes from the content, never from the file name. Pillow reads only the header
    to count pixels, so a decompression bomb is refused before it is decoded.
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
        with Image.open(upload) as image:
            image_format, (width, height) = image.format, image.size
            if image_format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("Only JPEG, PNG or WebP photos are accepted."), code="unsupported_format"
                )
            if width * height > max_pixels:
                raise ValidationError(
                    _("The image has %(pixels)s megapixels; the limit is %(limit)s.")
                    % {"pixels": round(width * height / 1_000_000, 1), "limit": max_pixels // 1_000_000},
                    code="too_many_pixels",
                )
            image.verify()  # a truncated or corrupt file fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a photo we can read. Use a JPEG, PNG or WebP image."), code="not_an_image"
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(_("The image is damaged or incomplete."), code="corrupt") from None
    finally:
        upload.seek(0)
    return width, height
