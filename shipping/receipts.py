"""Receipt numbers (nomor resi) as couriers print them: upper-case letters and digits, no spaces.

Every courier's numbers pass the general shape; a courier whose own format is well known is
also held to it (`FORMATS`), so a number typed into the wrong courier, or with a digit missing,
is caught while the seller still has the parcel in hand.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from shipping.couriers import Courier
from shipping.parcels import ParcelError

# JNE, J&T, SiCepat, POS and AnterAja numbers are 10–20 characters; leave room for others.
VALID = re.compile(r"^[A-Z0-9][A-Z0-9-]{5,39}$")


@dataclass(frozen=True)
class ReceiptFormat:
    pattern: re.Pattern
    example: str


# Only formats we are sure of: a courier missing here gets the general shape above.
FORMATS = {
    # J&T Express: two letters (JP, JD, JO, JX, …) and ten digits, or twelve digits.
    Courier.JNT: ReceiptFormat(re.compile(r"^(?:J[A-Z]\d{10}|\d{12})$"), "JP1234567890"),
    # SiCepat: twelve digits.
    Courier.SICEPAT: ReceiptFormat(re.compile(r"^\d{12}$"), "004212345678"),
}


class ReceiptNumberError(ParcelError):
    pass


def normalise_receipt_number(text: str, courier: str = "") -> str:
    """ " jp 1234 5678 90 " → "JP1234567890"; refuses what no courier prints, or not `courier`."""
    cleaned = re.sub(r"\s+", "", text or "").upper()
    if not VALID.match(cleaned):
        raise ReceiptNumberError(
            _("A receipt number has 6 to 40 letters and digits, like JP1234567890; got “%(text)s”.")
            % {"text": (text or "").strip()[:60]}
        )
    known = FORMATS.get((courier or "").strip().lower())
    if known is not None and not known.pattern.match(cleaned):
        raise ReceiptNumberError(
            _(
                "%(courier)s receipt numbers look like %(example)s; got “%(text)s”. Check the courier and the number."
            )
            % {"courier": Courier(courier.strip().lower()).label, "example": known.example, "text": cleaned}
        )
    return cleaned
