"""The header check shared by every CSV import: one message naming missing and unknown columns."""

from django.utils.translation import gettext as _


def header_names(reader):
    """The file's column names, trimmed and lower-cased, as the imports compare them."""
    return [(h or "").strip().lower() for h in reader.fieldnames or []]


def column_problem(headers, *, required, known):
    """None when `headers` has every required column and nothing unknown; else what to fix."""
    missing = [c for c in required if c not in headers]
    unknown = [h for h in headers if h not in known]
    if not (missing or unknown):
        return None
    parts = []
    if missing:
        parts.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    if unknown:
        parts.append(_("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
    return _("The columns do not match the template (%(problems)s).") % {"problems": "; ".join(parts)}
