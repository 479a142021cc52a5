"""Disbursement adapters: send a payout to a shop's bank account through a provider's API.

One interface, two providers (docs/payments.md):
- `create(payout) -> str`: ask the provider to pay `payout.net` to the payout's account, with
  the payout's own idempotency key (`payout_key`), and return the provider's reference;
- `approve(payout)`: confirm it where the provider asks for a second step (Midtrans Iris).
Both raise `ProviderError` when the provider is down, slow, refuses or answers nonsense.
"""

import re

from django.conf import settings

from payments.providers.base import ProviderError

# Our bank names as shops type them -> (Iris beneficiary_bank, Xendit channel_code).
BANK_CODES = {
    "bca": ("bca", "ID_BCA"),
    "bankcentralasia": ("bca", "ID_BCA"),
    "bri": ("bri", "ID_BRI"),
    "bankrakyatindonesia": ("bri", "ID_BRI"),
    "bni": ("bni", "ID_BNI"),
    "banknegaraindonesia": ("bni", "ID_BNI"),
    "mandiri": ("mandiri", "ID_MANDIRI"),
    "bsi": ("bsm", "ID_BSI"),
    "banksyariahindonesia": ("bsm", "ID_BSI"),
    "btn": ("btn", "ID_BTN"),
    "cimb": ("cimb", "ID_CIMB"),
    "cimbniaga": ("cimb", "ID_CIMB"),
    "permata": ("permata", "ID_PERMATA"),
    "danamon": ("danamon", "ID_DANAMON"),
    "bjb": ("bjb", "ID_BJB"),
}


def bank_codes(bank: str) -> tuple[str, str]:
    """("bri", "ID_BRI") for "BRI", "Bank BRI" or "Bank Rakyat Indonesia"; ProviderError if unknown."""
    name = re.sub(r"[^a-z]", "", bank.lower())
    for prefix in ("pt", "bank"):
        if name not in BANK_CODES and name.startswith(prefix):
            name = name[len(prefix) :]
    if name not in BANK_CODES:
        raise ProviderError(f"no disbursement code for the bank {bank!r}: transfer it and mark it paid")
    return BANK_CODES[name]


def payout_key(payout) -> str:
    """The payout's name at the provider and its idempotency key: the same on every retry."""
    return f"{settings.PAYMENT_REFERENCE_PREFIX}-payout-{payout.pk}"


class Disbursement:
    name = ""

    def create(self, payout) -> str:
        raise NotImplementedError

    def approve(self, payout) -> None:
        """Nothing to do for providers that pay on creation."""


def get(name):
    """The adapter called `name`, or None (no disbursement provider configured)."""
    # Imported here: the adapters import this module's helpers.
    from payments.providers.iris import Iris
    from payments.providers.xendit_payouts import XenditPayouts

    adapters = {adapter.name: adapter for adapter in (Iris, XenditPayouts)}
    return adapters[name]() if name in adapters else None


def configured():
    return get(settings.PAYOUT_PROVIDER)
