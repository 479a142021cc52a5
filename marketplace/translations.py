"""Our own translation catalogues: the project's locale/ and each of our apps' locale/."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings


def catalogue_paths():
    folders = [Path(p) for p in settings.LOCALE_PATHS]
    folders += [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR)
    ]
    return sorted(po for folder in folders for po in folder.glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(po_path: Path) -> bool:
    """Write the .mo beside the .po when it is missing or older; True when written."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return True
