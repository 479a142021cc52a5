"""The shared image check: complete, real photos only, within the limits, decoded to the last byte."""

import pytest
from django.core.exceptions import ValidationError
from PIL import ImageFile

from marketplace.images import validate_image, without_metadata
from marketplace.tests.photos import phone_jpeg, truncated_jpeg, upload
from orders.tests.test_bad_input_table import png_header_only

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_pixels": 40_000_000}


def test_truncated_images_are_never_completed_with_grey():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize(
    "content, code",
    [
        (truncated_jpeg(), "corrupt"),
        (png_header_only(40_000, 40_000), "too_many_pixels"),  # Pillow's own bomb guard
        (png_header_only(9_000, 9_000), "too_many_pixels"),  # over our limit, under Pillow's
        (b"", "empty"),
        (b"GIF89a" + b"\0" * 20, "not_an_image"),
    ],
    ids=["truncated", "bomb", "over-limit", "empty", "broken-gif"],
)
def test_bad_images_are_refused_with_a_reason(content, code):
    with pytest.raises(ValidationError) as refused:
        validate_image(upload(content), **LIMITS)

    assert refused.value.code == code


def test_a_clean_copy_keeps_the_picture_and_nothing_else():
    clean = without_metadata(upload(phone_jpeg()), **LIMITS)

    assert clean.name.endswith(".jpg") and clean.content_type == "image/jpeg"
    assert b"Exif" not in clean.read()
