"""The one interface every payment provider adapter offers (docs/payments.md).

- `create_payment(payment, method=...) -> PaymentIntent`: ask the provider for a way to pay
  (a page to go to, a virtual account number or a QRIS string).
- `verify_notification(request) -> Notification`: check that a notification really comes from
  the provider, then ask the provider again for the status; raise `NotificationRefused` otherwise.
- `fetch_status(reference) -> Notification`: what the provider says about a payment now.
- `refund(payment, amount=..., key=..., reason=...) -> str`: give part or all of a paid payment
  back (the provider's refund id); `key` is ours and the same key never refunds twice.
  `has_refund_api` is False where money goes back by hand (manual transfer).
"""

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings


@dataclass(frozen=True)
class PaymentIntent:
    provider_reference: str = ""
    redirect_url: str = ""
    va_number: str = ""
    qris_string: str = ""


@dataclass(frozen=True)
class Notification:
    """What the provider says about one of our payments, in our words."""

    reference: str
    status: str  # a `payments.models.PaymentStatus` value
    amount: int
    provider_reference: str = ""


class NotificationRefused(Exception):
    """Not acted upon: forged, unknown, not ours or not matching. `status` is the HTTP answer."""

    def __init__(self, reason, status=400, reference=""):
        super().__init__(reason)
        self.reason, self.status, self.reference = reason, status, reference


class ProviderError(Exception):
    """The provider could not be asked (down, slow, an unexpected answer): try again later."""


def whole_rupiah(value) -> int:
    """An amount as the provider wrote it ("24145.00", 24145) in whole rupiah; refuses fractions."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise NotificationRefused(f"amount {value!r} is not a number") from None
    if amount != amount.to_integral_value() or amount < 0:
        raise NotificationRefused(f"amount {value!r} is not whole rupiah")
    return int(amount)


def json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise NotificationRefused("the body is not JSON") from None
    if not isinstance(body, dict):
        raise NotificationRefused("the body is not a JSON object")
    return body


def call(method, url, *, username, body=None, headers=None) -> dict:
    """One JSON request with Basic auth (the key as user name, no password), as both providers want."""
    token = base64.b64encode(f"{username}:".encode()).decode()
    data = json.dumps(body).encode() if body is not None else None
    headers = {**(headers or {}), "Authorization": f"Basic {token}", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=settings.PAYMENT_PROVIDER_TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise ProviderError(f"{method} {url} answered {error.code}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise ProviderError(f"{method} {url} failed: {error}") from None
    if not isinstance(answer, (dict, list)):
        raise ProviderError(f"{method} {url} answered {answer!r}")
    return answer


class Provider:
    name = ""
    has_refund_api = True

    def create_payment(self, payment, *, method="qris") -> PaymentIntent:
        raise NotImplementedError

    def verify_notification(self, request) -> Notification:
        raise NotImplementedError

    def fetch_status(self, reference) -> Notification:
        raise NotImplementedError

    def refund(self, payment, *, amount, key, reason="") -> str:
        raise NotImplementedError
