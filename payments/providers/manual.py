"""Transfer to the operator's own bank account: the buyer uploads proof, staff confirm it.

There is no notification: `payments.services.confirm_manual_transfer` confirms the payment when staff do.
"""

from django.conf import settings

from payments.models import Payment
from payments.providers.base import Notification, NotificationRefused, PaymentIntent, Provider


class ManualTransfer(Provider):
    name = "manual"
    # Money goes back by a bank transfer from the operator's account, marked done by staff.
    has_refund_api = False

    def create_payment(self, payment, *, method="transfer") -> PaymentIntent:
        return PaymentIntent(va_number=settings.MANUAL_TRANSFER_ACCOUNT_NUMBER)

    def verify_notification(self, request) -> Notification:
        raise NotificationRefused("manual transfers are confirmed by staff, not by notification", status=404)

    def fetch_status(self, reference) -> Notification:
        payment = Payment.objects.get(reference=reference)
        return Notification(reference=reference, status=payment.status, amount=payment.amount)
