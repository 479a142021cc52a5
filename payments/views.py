import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import incoming, providers
from payments.models import Payment, PaymentStatus, ReceivedNotification
from payments.providers import sandbox
from payments.providers.base import NotificationRefused, ProviderError
from payments.services import PaymentRefused

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def notification(request, provider):
    """A provider tells us a payment changed: verify, ask again, apply once; refusals change nothing."""
    body = request.body.decode("utf-8", "replace")
    remote = request.META.get("REMOTE_ADDR")
    adapter = providers.get(provider)
    try:
        if adapter is None:
            raise NotificationRefused(f"provider {provider!r} is not used here", status=404)
        note = adapter.verify_notification(request)
        outcome = incoming.apply_notification(provider=provider, notification=note)
    except NotificationRefused as refused:
        logger.warning("Refused %s notification %r: %s", provider, refused.reference, refused.reason)
        incoming.log(
            provider=provider,
            body=body,
            outcome=ReceivedNotification.Outcome.REFUSED,
            reason=refused.reason,
            reference=refused.reference,
            remote_addr=remote,
        )
        return JsonResponse({"status": "refused", "reason": refused.reason}, status=refused.status)
    except (ProviderError, PaymentRefused) as error:
        # The provider could not confirm it now: nothing changed, and a non-2xx answer makes it retry.
        logger.warning("Could not apply %s notification: %s", provider, error)
        incoming.log(
            provider=provider, body=body, outcome=ReceivedNotification.Outcome.REFUSED, reason=str(error)
        )
        return JsonResponse({"status": "retry"}, status=503)
    incoming.log(provider=provider, body=body, outcome=outcome, reference=note.reference, remote_addr=remote)
    return JsonResponse({"status": outcome})


def buyers_payment(request, reference) -> Payment:
    return get_object_or_404(
        Payment.objects.select_related("checkout"), reference=reference, checkout__buyer_id=request.user.pk
    )


@login_required
def sandbox_pay(request, reference):
    """The sandbox provider's own pay page (only where the sandbox is the deployment's provider)."""
    if providers.get("sandbox") is None:
        raise Http404
    payment = buyers_payment(request, reference)
    if payment.provider != "sandbox":
        raise Http404
    if request.method == "POST" and payment.status == PaymentStatus.PENDING:
        method = request.POST.get("method")
        if method not in sandbox.METHODS:
            messages.error(request, _("Choose QRIS or a virtual account."))
            return redirect("payments:sandbox_pay", reference)
        try:
            answered = sandbox.settle(reference=reference, method=method)
        except ProviderError:
            logger.exception("The sandbox could not notify the site")
            answered = 0
        if answered == 200:
            messages.success(request, _("Payment received. Thank you!"))
        else:
            messages.error(request, _("The payment was sent but the marketplace did not confirm it yet."))
        return redirect("payments:sandbox_pay", reference)
    payment.refresh_from_db()
    context = {"payment": payment, "orders": payment.checkout.orders.select_related("shop").order_by("pk")}
    return render(request, "payments/sandbox_pay.html", context)
