from django.core.files.storage import storages
from django.http import FileResponse
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    """The "private" storage, looked up at each use.

    A model field evaluates its storage callable once, at import; looking the backend up on
    every call keeps settings overrides (tests' temporary folders) in force.
    """

    def _setup(self):
        self._wrapped = storages["private"]

    def __getattr__(self, name):
        return getattr(storages["private"], name)


def private_storage():
    """Storage for files only their owner and dinas staff may see (KTP photos, payment proofs).

    Never served under MEDIA_URL: a permission-checked view streams them.
    """
    return PrivateStorage()


def private_file_response(field_file, *, content_type, download_name=""):
    """Stream a private file to someone the caller has already checked.

    Never cached on the way; with `download_name` it is saved rather than shown in the page.
    """
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{download_name}"' if download_name else "inline"
    response["Cache-Control"] = "private, no-store"
    return response
