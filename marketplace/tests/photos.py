"""Photos as phones make them: EXIF with a GPS position, an ICC profile, a rotation flag."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
# Purwakarta, as degrees/minutes/seconds rationals.
GPS = {1: "S", 2: (6.0, 33.0, 24.0), 3: "E", 4: (107.0, 26.0, 38.0)}


def phone_jpeg(size=(300, 200), *, rotated=True):
    """JPEG bytes whose EXIF holds a GPS position and the camera, plus an ICC profile."""
    exif = Image.Exif()
    exif[0x010F] = "Samsung"  # camera maker
    exif[0x0110] = "Galaxy A14"
    if rotated:
        exif[ORIENTATION] = 6  # taken sideways: shown turned 90° clockwise
    exif.get_ifd(GPS_IFD).update(GPS)
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(
        buffer, "JPEG", exif=exif.tobytes(), icc_profile=b"\0" * 128, comment=b"Jl. Veteran 5"
    )
    return buffer.getvalue()


def upload(content, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def truncated_jpeg():
    whole = phone_jpeg((600, 400), rotated=False)
    return whole[: len(whole) * 2 // 3]


def assert_no_metadata(handle):
    """The stored photo has no EXIF (so no GPS), no ICC profile, no comment; it is upright."""
    data = handle.read()
    assert b"Exif" not in data and b"Samsung" not in data and b"Veteran" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert not stored.getexif()
        assert "icc_profile" not in stored.info and "exif" not in stored.info
        assert "comment" not in stored.info
        return stored.size
