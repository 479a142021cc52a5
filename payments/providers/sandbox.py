"""The local sandbox provider: a pay page on this site that behaves like Midtrans, offline.

Its provider side is the `SandboxCharge` table (what `fetch_status` reads back); pressing pay
on `/bayar/sandbox/<reference>/` settles the charge and POSTs a Midtrans-style notification,
signed with `SANDBOX_SERVER_KEY`, to this site's notification endpoint over HTTP, so the real
verification code runs exactly as it does for Midtrans.
"""

import hashlib
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.urls import reverse

from payments.models import PaymentStatus, SandboxCharge
from payments.providers.base import (
    Notification,
    NotificationRefused,
    PaymentIntent,
    Provider,
    ProviderError,
    json_body,
)
from payments.providers.midtrans import STATUSES, check_signature, signature

METHODS = ("qris", "va")


def va_number(reference) -> str:
    digest = hashlib.sha256(reference.encode()).hexdigest()
    return "8808" + str(int(digest, 16))[:12]


def qris_string(reference, amount) -> str:
    """Shaped like a QRIS payload (EMVCo tags); it only has to be recognisable, never scanned."""
    return f"00020101021226570011ID.SANDBOX0118{reference[:18]:<18}5204599953033605406{amount}5802ID6304ABCD"


def notification_url(provider="sandbox") -> str:
    base = settings.PAYMENT_NOTIFICATION_BASE_URL or settings.SITE_URL
    return base + reverse("payments:notification", args=[provider])


class Sandbox(Provider):
    name = "sandbox"

    def create_payment(self, payment, *, method="qris") -> PaymentIntent:
        SandboxCharge.objects.get_or_create(reference=payment.reference, defaults={"amount": payment.amount})
        return PaymentIntent(
            provider_reference=f"SBX-{payment.reference}",
            redirect_url=reverse("payments:sandbox_pay", args=[payment.reference]),
            va_number=va_number(payment.reference),
            qris_string=qris_string(payment.reference, payment.amount),
        )

    def verify_notification(self, request) -> Notification:
        order_id = check_signature(json_body(request), settings.SANDBOX_SERVER_KEY)
        return self.fetch_status(order_id)

    def fetch_status(self, reference) -> Notification:
        charge = SandboxCharge.objects.filter(reference=reference).first()
        if charge is None:
            raise NotificationRefused(
                "the provider does not know this payment", status=404, reference=reference
            )
        return Notification(
            reference=reference,
            status=STATUSES.get(charge.status, PaymentStatus.PENDING),
            amount=charge.amount,
            provider_reference=f"SBX-{reference}",
        )

    def refund(self, payment, *, amount, key, reason="") -> str:
        """The sandbox gives money back at once: its charge remembers what was refunded."""
        charge = SandboxCharge.objects.filter(reference=payment.reference).first()
        if charge is None or amount > charge.amount:
            raise ProviderError(f"the sandbox cannot refund {amount} of {payment.reference}")
        return f"SBX-RF-{key}"[:100]


def notification_body(charge, transaction_status="settlement") -> dict:
    gross_amount = f"{charge.amount}.00"
    status_code = (
        "200" if transaction_status == "settlement" else "407" if transaction_status == "expire" else "201"
    )
    return {
        "transaction_status": transaction_status,
        "status_code": status_code,
        "order_id": charge.reference,
        "gross_amount": gross_amount,
        "payment_type": "qris" if charge.method == "qris" else "bank_transfer",
        "transaction_id": f"SBX-{charge.reference}",
        "signature_key": signature(charge.reference, status_code, gross_amount, settings.SANDBOX_SERVER_KEY),
    }


def settle(*, reference, method, transaction_status="settlement") -> int:
    """The tester pressed pay (or let it expire): the charge changes and the site is notified.

    Returns the HTTP status the notification endpoint answered.
    """
    if method not in METHODS:
        raise ValueError(f"unknown sandbox method {method!r}")
    charge = SandboxCharge.objects.get(reference=reference)
    charge.status, charge.method = transaction_status, method
    charge.save(update_fields=["status", "method"])
    return send(notification_body(charge, transaction_status))


def send(body) -> int:
    request = urllib.request.Request(
        notification_url(),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.PAYMENT_PROVIDER_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, TimeoutError) as error:
        raise ProviderError(f"could not reach {notification_url()}: {error}") from None
