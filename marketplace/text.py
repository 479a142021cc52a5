"""Tidying what people type or upload before it is stored: one home for every form and import."""

import re

# C0/C1 control characters except tab and line breaks, plus the invisible bidirectional
# overrides that make "gpj.exe" read as "exe.jpg". Right-to-left letters themselves stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029\x85]+")
SPACES = re.compile(r"[ \u00a0]{2,}")


def single_line(text):
    """A name or title: no control characters, line breaks become one space."""
    text = LINE_BREAKS.sub(" ", text or "")
    return SPACES.sub(" ", CONTROL.sub("", text)).strip()


def multi_line(text):
    """A description or review: line breaks kept (as \\n), other control characters dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text).strip()


def parse_id(raw):
    """A positive database id from form or URL input, or None for anything else ("abc", "-1", "1e3")."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value < 2**63 else None


def decode_text_file(raw):
    """(text, None) or (None, reason): UTF-8 (with or without BOM), UTF-16 (either byte order,
    with or without BOM) and, last, Windows-1252/Latin-1 as older spreadsheets write it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_or_none(raw, "utf-16")
    if looks_like_utf16(raw):
        order = "utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be"
        return decode_or_none(raw, order)
    if b"\x00" in raw:
        return None, "binary"
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), None
    except UnicodeDecodeError:
        return raw.decode("latin-1"), None


def looks_like_utf16(raw):
    """ASCII-heavy text in UTF-16 has a zero in every other byte."""
    sample = raw[:2000]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0), odd.count(0)) > len(sample) // 4


def decode_or_none(raw, encoding):
    try:
        return raw.decode(encoding).lstrip("\ufeff"), None
    except UnicodeDecodeError:
        return None, "encoding"


class TidyTextMixin:
    """For forms: every text field loses control characters; one-line fields lose line breaks.

    A line break in a shop name would otherwise reach e-mail subjects and CSV exports.
    """

    def clean(self):
        from django import forms

        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if not isinstance(field, forms.CharField) or not isinstance(value, str):
                continue
            tidy = multi_line(value) if isinstance(field.widget, forms.Textarea) else single_line(value)
            if field.required and not tidy:
                self.add_error(name, field.error_messages["required"])
            else:
                cleaned[name] = tidy
        return cleaned
