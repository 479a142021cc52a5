"""Staff's side of payouts: verify bank accounts, export the batch for the bank, mark paid, send by API."""

import csv
import io

import pytest
from django.urls import reverse

from payments import ledger, services
from payments.models import Payout
from payments.tests.factories import funded, verified_account
from vendors.models import BankAccount


@pytest.fixture(autouse=True)
def rates(settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM = 50_000
    settings.PAYOUT_FEE = 2_500
    settings.PAYOUT_PROVIDER = ""


@pytest.fixture
def staff_client(client, moderator, password):
    moderator.is_superuser = True
    moderator.save()
    client.login(email=moderator.email, password=password)
    return client


@pytest.fixture
def batch(buyer, shop_a, shop_b, product_a, product_b):
    """One requested payout per shop."""
    funded(buyer, shop_a, product_a, price=150_000, reference="WO-a")
    funded(buyer, shop_b, product_b, reference="WO-b")
    return [
        services.request_payout(
            shop=shop, amount=amount, bank_account=verified_account(shop), key=f"k{shop.pk}"
        )
        for shop, amount in ((shop_a, 60_000), (shop_b, 100_000))
    ]


def changelist():
    return reverse("admin:payments_payout_changelist")


def run(client, action, payouts, **extra):
    data = {"action": action, "_selected_action": [p.pk for p in payouts], **extra}
    return client.post(changelist(), data)


def test_staff_verify_a_bank_account_and_the_audit_says_who_and_when(staff_client, moderator, shop_b):
    account = shop_b.bank_accounts.get()
    response = staff_client.post(
        reverse("admin:vendors_bankaccount_changelist"),
        {"action": "verify", "_selected_action": [account.pk]},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.is_verified and account.verified_by == moderator
    first = account.verified_at
    staff_client.post(
        reverse("admin:vendors_bankaccount_changelist"),
        {"action": "verify", "_selected_action": [account.pk]},
    )
    account.refresh_from_db()
    assert account.verified_at == first  # the first verification stays on record


def test_staff_can_withdraw_a_verification(staff_client, shop_b):
    account = verified_account(shop_b)
    staff_client.post(
        reverse("admin:vendors_bankaccount_changelist"),
        {"action": "withdraw_verification", "_selected_action": [account.pk]},
    )
    account.refresh_from_db()
    assert not account.is_verified


def test_the_pending_batch_lists_requested_payouts(staff_client, batch):
    response = staff_client.get(changelist(), {"status__exact": "requested"})
    assert response.status_code == 200
    assert {p.pk for p in response.context["cl"].result_list} == {p.pk for p in batch}


def test_the_batch_exports_for_the_bank_what_each_shop_receives(staff_client, batch, shop_a, shop_b):
    BankAccount.objects.filter(shop=shop_a).update(holder_name="=HYPERLINK(1)")
    Payout.objects.filter(shop=shop_a).update(holder_name="=HYPERLINK(1)")
    response = run(staff_client, "export_for_bank", batch)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Bank", "Nomor rekening", "Nama pemilik rekening", "Jumlah (Rp)", "Referensi", "Toko"]
    assert rows[1:] == [
        ["BRI", "0123456789", "'=HYPERLINK(1)", "57500", f"WO-payout-{batch[0].pk}", shop_a.name],
        ["BRI", "0123456789", "Bayu", "97500", f"WO-payout-{batch[1].pk}", shop_b.name],
    ]


def test_a_paid_payout_is_not_exported_again(staff_client, batch):
    services.mark_payout_paid(payout=batch[0], reference="BRI-1")
    response = run(staff_client, "export_for_bank", batch)
    assert len(response.content.decode("utf-8").strip().splitlines()) == 2


def test_staff_mark_a_batch_paid_with_each_transfers_reference(staff_client, batch):
    form = run(staff_client, "mark_paid", batch)
    assert form.status_code == 200 and f"reference_{batch[0].pk}" in form.content.decode()
    done = run(
        staff_client,
        "mark_paid",
        batch,
        apply="1",
        **{f"reference_{batch[0].pk}": "BRI-20261126-01", f"reference_{batch[1].pk}": ""},
    )
    assert done.status_code == 302
    first, second = (Payout.objects.get(pk=p.pk) for p in batch)
    assert (first.status, first.reference) == (Payout.Status.PAID, "BRI-20261126-01")
    assert second.status == Payout.Status.REQUESTED  # no reference given: still waiting
    assert ledger.balance(ledger.payouts_in_transit()) == second.net
    run(staff_client, "mark_paid", batch, apply="1", **{f"reference_{batch[0].pk}": "OTHER"})
    first.refresh_from_db()
    assert first.reference == "BRI-20261126-01"  # paid once, never re-marked


def test_send_through_the_provider_is_offered_only_when_one_is_configured(staff_client, batch, settings):
    response = staff_client.get(changelist())
    assert "send_through_provider" not in response.content.decode()
    settings.PAYOUT_PROVIDER = "xendit"
    response = staff_client.get(changelist())
    assert "send_through_provider" in response.content.decode()


def test_sending_a_batch_through_xendit_pays_each_once(staff_client, batch, settings, httpserver):
    settings.PAYOUT_PROVIDER = "xendit"
    settings.XENDIT_API_URL = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/v2/payouts").respond_with_json({"id": "disb-1", "status": "ACCEPTED"})
    run(staff_client, "send_through_provider", batch)
    run(staff_client, "send_through_provider", batch)
    assert len(httpserver.log) == 2
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.PAID}


def test_a_provider_that_is_down_leaves_the_batch_waiting_with_a_message(
    staff_client, batch, settings, httpserver
):
    settings.PAYOUT_PROVIDER = "xendit"
    settings.XENDIT_API_URL = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/v2/payouts").respond_with_data("down", status=500)
    response = run(staff_client, "send_through_provider", batch)
    assert response.status_code == 302
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.REQUESTED}


def test_shop_owners_cannot_reach_the_payout_admin(client, shop_b_owner, password, batch):
    client.login(email=shop_b_owner.email, password=password)
    response = run(client, "mark_paid", batch, apply="1", **{f"reference_{batch[1].pk}": "X"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Payout.objects.filter(status=Payout.Status.PAID).exists()


def test_a_verified_accounts_details_cannot_be_changed_without_withdrawing_the_verification(
    staff_client, shop_b
):
    account = verified_account(shop_b)
    url = reverse("admin:vendors_bankaccount_change", args=[account.pk])
    staff_client.post(
        url, {"shop": shop_b.pk, "bank": "BCA", "account_number": "999", "holder_name": "Orang Lain"}
    )
    account.refresh_from_db()
    assert (account.bank, account.account_number, account.is_verified) == ("BRI", "0123456789", True)


def test_the_owner_sees_which_accounts_are_verified(client, shop_b, shop_b_owner, password):
    client.login(email=shop_b_owner.email, password=password)
    page = client.get(reverse("vendors:bank_accounts", args=[shop_b.slug])).content.decode()
    assert "Menunggu verifikasi dinas" in page
    verified_account(shop_b)
    page = client.get(reverse("vendors:bank_accounts", args=[shop_b.slug])).content.decode()
    assert "Diverifikasi dinas" in page
