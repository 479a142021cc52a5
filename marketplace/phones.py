"""Indonesian phone numbers, stored in E.164 (+6281234567890)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_mobile_number(raw: str) -> str:
    """Accept the forms people type (0812-..., +62 812 ..., 62812...) and return E.164.

    Only mobile numbers are accepted: a WhatsApp number must be able to receive chats.
    """
    text = (raw or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits.startswith("62") and not text.startswith("+"):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        number = None
    mobile_types = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
    if (
        number is None
        or number.country_code != 62
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in mobile_types
    ):
        raise ValidationError(
            _("Enter an Indonesian mobile number, for example 0812 3456 7890."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def whatsapp_link(e164: str, message: str = "") -> str:
    """A click-to-chat link (wa.me) that opens WhatsApp with `message` typed in."""
    from urllib.parse import quote

    link = f"https://wa.me/{e164.lstrip('+')}"
    return f"{link}?text={quote(message)}" if message else link
