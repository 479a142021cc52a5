"""Receipt numbers (nomor resi) as couriers print them: upper-case letters and digits, no spaces."""

import re

from django.utils.translation import gettext_lazy as _

from shipping.parcels import ParcelError

# JNE, J&T, SiCepat, POS and AnterAja numbers are 10–20 characters; leave room for others.
VALID = re.compile(r"^[A-Z0-9][A-Z0-9-]{5,39}$")


class ReceiptNumberError(ParcelError):
    pass


def normalise_receipt_number(text: str) -> str:
    """ " jp 1234 5678 90 " → "JP1234567890"; refuses what no courier prints."""
    cleaned = re.sub(r"\s+", "", text or "").upper()
    if not VALID.match(cleaned):
        raise ReceiptNumberError(
            _("A receipt number has 6 to 40 letters and digits, like JP1234567890; got “%(text)s”.")
            % {"text": (text or "").strip()[:60]}
        )
    return cleaned
