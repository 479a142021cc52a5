from django.core.files.storage import storages


def private_storage():
    """Storage for files only their owner and dinas staff may see (KTP photos, payment proofs).

    Never served under MEDIA_URL: a permission-checked view streams them.
    """
    return storages["private"]
