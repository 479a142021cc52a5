from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    """storages["private"], looked up when first used rather than when models are imported.

    A model field keeps the storage object it was given; a lazy one follows the STORAGES
    setting, so tests that point it at a temporary folder really write there.
    """

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = PrivateStorage()


def private_storage():
    """Storage for files only their owner and dinas staff may see (KTP photos, payment proofs).

    Never served under MEDIA_URL: a permission-checked view streams them.
    """
    return _private_storage


@receiver(setting_changed)
def forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty
