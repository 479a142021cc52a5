import polib
import pytest
from django.utils import translation

from marketplace.translations import catalogue_paths


@pytest.mark.parametrize("po_path", catalogue_paths(), ids=lambda p: str(p.parent.parent.parent))
def test_every_message_of_our_catalogues_is_translated(po_path):
    catalogue = polib.pofile(str(po_path))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_compiled_catalogue_is_in_use():
    with translation.override("id"):
        assert translation.gettext("Sign up") == "Daftar"
    with translation.override("en"):
        assert translation.gettext("Sign up") == "Sign up"
