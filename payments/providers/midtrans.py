"""Midtrans Core API: QRIS and bank virtual accounts, HTTP notifications signed with SHA-512."""

import hashlib
import hmac
from urllib.parse import quote

from django.conf import settings

from payments.models import PaymentStatus
from payments.providers.base import (
    Notification,
    NotificationRefused,
    PaymentIntent,
    Provider,
    ProviderError,
    call,
    json_body,
    whole_rupiah,
)

VA_BANKS = {"va": "bri", "va_bca": "bca", "va_bni": "bni", "va_bri": "bri"}

# transaction_status (and fraud_status for card captures) -> ours; anything else waits.
STATUSES = {
    "settlement": PaymentStatus.PAID,
    "expire": PaymentStatus.EXPIRED,
    "cancel": PaymentStatus.FAILED,
    "deny": PaymentStatus.FAILED,
    "failure": PaymentStatus.FAILED,
}


def signature(order_id, status_code, gross_amount, server_key) -> str:
    """SHA512(order_id + status_code + gross_amount + server_key), gross_amount exactly as sent."""
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def check_signature(body, server_key):
    if not server_key:
        raise NotificationRefused("no server key is configured", status=503)
    fields = [body.get(name) for name in ("order_id", "status_code", "gross_amount", "signature_key")]
    if not all(isinstance(value, str) and value for value in fields):
        raise NotificationRefused("order_id, status_code, gross_amount or signature_key missing")
    order_id, status_code, gross_amount, sent = fields
    expected = signature(order_id, status_code, gross_amount, server_key)
    if not hmac.compare_digest(expected.encode(), sent.strip().lower().encode()):
        raise NotificationRefused("bad signature", status=403, reference=order_id)
    return order_id


def our_status(answer) -> str:
    status = answer.get("transaction_status", "")
    if status == "capture":
        return (
            PaymentStatus.PAID if answer.get("fraud_status", "accept") == "accept" else PaymentStatus.PENDING
        )
    return STATUSES.get(status, PaymentStatus.PENDING)


class Midtrans(Provider):
    name = "midtrans"

    @property
    def server_key(self):
        return settings.MIDTRANS_SERVER_KEY

    @property
    def base_url(self):
        return settings.MIDTRANS_API_URL

    def create_payment(self, payment, *, method="qris") -> PaymentIntent:
        body = {"transaction_details": {"order_id": payment.reference, "gross_amount": payment.amount}}
        if method == "qris":
            body.update(payment_type="qris", qris={"acquirer": "gopay"})
        else:
            body.update(payment_type="bank_transfer", bank_transfer={"bank": VA_BANKS.get(method, "bri")})
        answer = call("POST", f"{self.base_url}/v2/charge", username=self.server_key, body=body)
        if str(answer.get("status_code")) not in ("200", "201"):
            raise ProviderError(f"charge refused: {answer.get('status_code')} {answer.get('status_message')}")
        va = (answer.get("va_numbers") or [{}])[0].get("va_number", "")
        qr_url = next(
            (a.get("url", "") for a in answer.get("actions", []) if a.get("name") == "generate-qr-code"), ""
        )
        return PaymentIntent(
            provider_reference=answer.get("transaction_id", ""),
            redirect_url=qr_url,
            va_number=va,
            qris_string=answer.get("qr_string", ""),
        )

    def verify_notification(self, request) -> Notification:
        order_id = check_signature(json_body(request), self.server_key)
        # A valid signature only proves Midtrans once said this: ask again what is true now.
        return self.fetch_status(order_id)

    def fetch_status(self, reference) -> Notification:
        answer = call(
            "GET", f"{self.base_url}/v2/{quote(reference, safe='')}/status", username=self.server_key
        )
        if str(answer.get("status_code")) == "404" or answer.get("order_id") != reference:
            raise NotificationRefused(
                "the provider does not know this payment", status=404, reference=reference
            )
        return Notification(
            reference=reference,
            status=our_status(answer),
            amount=whole_rupiah(answer.get("gross_amount")),
            provider_reference=answer.get("transaction_id", ""),
        )

    def refund(self, payment, *, amount, key, reason="") -> str:
        """`POST /v2/<order_id>/refund`; Midtrans treats a repeated `refund_key` as the same refund."""
        answer = call(
            "POST",
            f"{self.base_url}/v2/{quote(payment.reference, safe='')}/refund",
            username=self.server_key,
            body={"refund_key": refund_key(key), "amount": amount, "reason": reason[:200]},
        )
        if str(answer.get("status_code")) != "200":
            raise ProviderError(f"refund refused: {answer.get('status_code')} {answer.get('status_message')}")
        return str(answer.get("refund_chargeback_id") or answer.get("refund_key") or refund_key(key))


def refund_key(key) -> str:
    """Midtrans allows letters, digits, '-' and '_' in a refund key."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in key)[:100]
