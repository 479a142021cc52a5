"""Payment provider adapters behind one interface (`payments.providers.base.Provider`)."""

from django.conf import settings

from payments.providers.manual import ManualTransfer
from payments.providers.midtrans import Midtrans
from payments.providers.sandbox import Sandbox
from payments.providers.xendit import Xendit

ADAPTERS = {adapter.name: adapter for adapter in (Sandbox, Midtrans, Xendit, ManualTransfer)}


def enabled() -> set[str]:
    """The deployment's provider, and manual transfer which needs no contract."""
    return {settings.PAYMENT_PROVIDER, ManualTransfer.name}


def get(name):
    """The adapter called `name` if this deployment uses it, else None."""
    if name not in enabled() or name not in ADAPTERS:
        return None
    return ADAPTERS[name]()
