import pytest
from django.urls import reverse

from payments import incoming, services
from payments.models import ManualTransfer
from payments.tests.test_sandbox_and_manual import photo


@pytest.fixture
def staff_client(client, moderator, password):
    moderator.is_superuser = True
    moderator.save()
    client.login(email=moderator.email, password=password)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "account",
        "ledgertransaction",
        "commissionrate",
        "payment",
        "receivednotification",
        "manualtransfer",
        "payout",
    ],
)
def test_staff_see_the_money_pages(staff_client, payment, model):
    services.mark_paid(payment=payment)
    assert staff_client.get(reverse(f"admin:payments_{model}_changelist")).status_code == 200


def test_staff_confirm_a_manual_transfer_from_the_list(staff_client, buyer, checkout):
    payment = incoming.start_payment(checkout=checkout, provider="manual", method="transfer")
    transfer = incoming.submit_manual_transfer(
        payment=payment, buyer=buyer, upload=photo(), content_type="image/png"
    )
    response = staff_client.post(
        reverse("admin:payments_manualtransfer_changelist"),
        {"action": "confirm", "_selected_action": [transfer.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert ManualTransfer.objects.get().status == ManualTransfer.Status.CONFIRMED
    assert services.held_amount(checkout.orders.order_by("pk")[1]) == 260_000
