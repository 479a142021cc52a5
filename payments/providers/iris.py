"""Midtrans Iris (Payouts): create a payout with the creator key, then approve it with the approver key.

`POST /api/v1/payouts` answers `{"payouts": [{"status": "queued", "reference_no": ...}]}`;
`POST /api/v1/payouts/approve` with `{"reference_nos": [...]}` answers `{"status": "ok"}`.
"""

from django.conf import settings

from payments.providers.base import ProviderError, call
from payments.providers.disbursement import Disbursement, bank_codes, payout_key


class Iris(Disbursement):
    name = "iris"

    @property
    def base_url(self):
        return settings.IRIS_API_URL

    def create(self, payout) -> str:
        iris_bank, _xendit = bank_codes(payout.bank)
        key = payout_key(payout)
        answer = call(
            "POST",
            f"{self.base_url}/api/v1/payouts",
            username=settings.IRIS_CREATOR_KEY,
            headers={"X-Idempotency-Key": key},
            body={
                "payouts": [
                    {
                        "beneficiary_name": payout.holder_name,
                        "beneficiary_account": payout.account_number,
                        "beneficiary_bank": iris_bank,
                        "amount": f"{payout.net}.00",
                        "notes": key,
                    }
                ]
            },
        )
        payouts = answer.get("payouts") if isinstance(answer, dict) else None
        first = payouts[0] if isinstance(payouts, list) and payouts and isinstance(payouts[0], dict) else {}
        reference = first.get("reference_no")
        if not isinstance(reference, str) or not reference or first.get("status") not in ("queued", None):
            raise ProviderError(f"Iris did not queue the payout: {answer!r}"[:300])
        return reference

    def approve(self, payout) -> None:
        answer = call(
            "POST",
            f"{self.base_url}/api/v1/payouts/approve",
            username=settings.IRIS_APPROVER_KEY,
            body={"reference_nos": [payout.provider_reference]},
        )
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            raise ProviderError(f"Iris did not approve the payout: {answer!r}"[:300])
