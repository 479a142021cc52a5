from django.core.files.storage import storages
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
