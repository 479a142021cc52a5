"""Xendit invoices: a hosted page; callbacks carry the account's verification token."""

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

STATUSES = {"PAID": PaymentStatus.PAID, "SETTLED": PaymentStatus.PAID, "EXPIRED": PaymentStatus.EXPIRED}


class Xendit(Provider):
    name = "xendit"

    @property
    def base_url(self):
        return settings.XENDIT_API_URL

    def create_payment(self, payment, *, method="qris") -> PaymentIntent:
        answer = call(
            "POST",
            f"{self.base_url}/v2/invoices",
            username=settings.XENDIT_SECRET_KEY,
            body={
                "external_id": payment.reference,
                "amount": payment.amount,
                "currency": "IDR",
                "description": f"{settings.SITE_NAME} {payment.reference}",
            },
        )
        return PaymentIntent(
            provider_reference=answer.get("id", ""), redirect_url=answer.get("invoice_url", "")
        )

    def verify_notification(self, request) -> Notification:
        expected = settings.XENDIT_CALLBACK_TOKEN
        if not expected:
            raise NotificationRefused("no callback token is configured", status=503)
        sent = request.headers.get("x-callback-token", "")
        if not hmac.compare_digest(expected.encode(), sent.encode()):
            raise NotificationRefused("bad callback token", status=403)
        body = json_body(request)
        invoice_id, external_id = body.get("id"), body.get("external_id")
        if not (isinstance(invoice_id, str) and invoice_id and isinstance(external_id, str) and external_id):
            raise NotificationRefused("id or external_id missing")
        status = self.fetch_status(invoice_id)
        if status.reference != external_id:
            raise NotificationRefused("the invoice belongs to another payment", reference=external_id)
        return status

    def fetch_status(self, reference) -> Notification:
        """`reference` is Xendit's invoice id."""
        answer = call(
            "GET",
            f"{self.base_url}/v2/invoices/{quote(reference, safe='')}",
            username=settings.XENDIT_SECRET_KEY,
        )
        if not answer.get("external_id"):
            raise NotificationRefused("the provider does not know this invoice", status=404)
        return Notification(
            reference=answer["external_id"],
            status=STATUSES.get(answer.get("status", ""), PaymentStatus.PENDING),
            amount=whole_rupiah(answer.get("amount")),
            provider_reference=answer.get("id", ""),
        )

    def refund(self, payment, *, amount, key, reason="") -> str:
        """`POST /refunds` for the invoice, with our key as `Idempotency-key` and `reference_id`."""
        answer = call(
            "POST",
            f"{self.base_url}/refunds",
            username=settings.XENDIT_SECRET_KEY,
            headers={"Idempotency-key": key},
            body={
                "invoice_id": payment.provider_reference,
                "reference_id": key,
                "amount": amount,
                "currency": "IDR",
                "reason": "REQUESTED_BY_CUSTOMER",
                "metadata": {"reason": reason[:200]},
            },
        )
        if answer.get("status") not in ("PENDING", "SUCCEEDED") or not answer.get("id"):
            raise ProviderError(f"refund refused: {answer.get('status')} {answer.get('failure_code', '')}")
        return answer["id"]
