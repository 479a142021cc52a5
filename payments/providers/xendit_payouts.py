"""Xendit Payouts: `POST /v2/payouts` with an `Idempotency-key` header; paid on creation.

A request repeated with the same key returns the first payout, so a retry pays once.
"""

from django.conf import settings

from payments.providers.base import ProviderError, call
from payments.providers.disbursement import Disbursement, bank_codes, payout_key

ACCEPTED = ("ACCEPTED", "REQUESTED", "SUCCEEDED")


class XenditPayouts(Disbursement):
    name = "xendit"

    def create(self, payout) -> str:
        _iris, channel = bank_codes(payout.bank)
        key = payout_key(payout)
        answer = call(
            "POST",
            f"{settings.XENDIT_API_URL}/v2/payouts",
            username=settings.XENDIT_SECRET_KEY,
            headers={"Idempotency-key": key},
            body={
                "reference_id": key,
                "channel_code": channel,
                "channel_properties": {
                    "account_number": payout.account_number,
                    "account_holder_name": payout.holder_name,
                },
                "amount": payout.net,
                "currency": "IDR",
                "description": f"{settings.SITE_NAME} {key}",
            },
        )
        if not isinstance(answer, dict):
            raise ProviderError(f"Xendit answered {answer!r}"[:300])
        reference, status = answer.get("id"), answer.get("status")
        if not isinstance(reference, str) or not reference or status not in ACCEPTED:
            raise ProviderError(f"Xendit did not accept the payout: {answer!r}"[:300])
        return reference
