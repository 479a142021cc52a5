"""Complaints on orders paid through the marketplace: the whole life, bad input, the escalation
task, the ledger after refunds and releases, and provider refunds that fail and are retried."""

import io
import logging
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import make_user
from marketplace.models import Notification
from orders import transitions
from orders.models import Order, OrderEvent, OrderStatus
from payments import complaints, ledger, services, tasks
from payments.complaints import ComplaintRefused, Decision
from payments.models import (
    Account,
    AccountKind,
    Complaint,
    ComplaintPhoto,
    ComplaintRequest,
    ComplaintStatus,
    Entry,
    LedgerTransaction,
    ProviderRefund,
    Refund,
    SandboxCharge,
)
from payments.tests.factories import complete

# Shop A's order: 2 × Rp15.000 + Rp10.000 shipping = Rp40.000; commission 2.5 % of Rp30.000 = Rp750.
HELD_A = 40_000
COMMISSION_A = 750


@pytest.fixture(autouse=True)
def aman(settings):
    settings.PAYMENT_MODE = "aman"
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.COMPLAINT_ANSWER_HOURS = 48


@pytest.fixture
def dinas(db):
    return make_user("dinas@example.com", is_staff=True, is_superuser=True, first_name="Dewi")


@pytest.fixture
def order(payment, checkout):
    """Shop A's order, paid through the sandbox (its money held) and shipped."""
    SandboxCharge.objects.create(reference=payment.reference, amount=payment.amount, status="settlement")
    services.mark_paid(payment=payment)
    order = checkout.orders.order_by("pk").first()
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED, shipped_at=timezone.now())
    order.refresh_from_db()
    return order


def open_one(order, buyer, request=ComplaintRequest.REFUND_ALL, amount=None):
    return complaints.open_complaint(
        order=order,
        buyer=buyer,
        reason="damaged",
        description="Keripiknya hancur semua, kemasan sobek.",
        request=request,
        amount=amount,
    )


def assert_ledger_sound():
    """Every transaction balances, no account below zero, kept sums match, all accounts add to zero."""
    for txn in LedgerTransaction.objects.all():
        assert sum(txn.entries.values_list("amount", flat=True)) == 0, txn.key
    assert ledger.recompute() == []
    for account in Account.objects.all():
        assert account.balance >= 0, account
    assert (Entry.objects.aggregate(total=Sum("amount"))["total"] or 0) == 0
    open_orders = Order.objects.exclude(status__in=[OrderStatus.COMPLETED, OrderStatus.REFUNDED])
    held = sum(a.balance for a in Account.objects.filter(kind=AccountKind.HELD))
    expected = sum(services.held_amount(o) for o in open_orders)
    assert held == expected


def png(size=(40, 30)):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 50, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: must not survive re-encoding
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("parcel.jpg", buffer.getvalue(), content_type="image/jpeg")


# --- The whole life -----------------------------------------------------------------------------


def test_a_complaint_refunded_by_the_dinas_after_the_shop_ignored_it(
    database, order, buyer, shop_a_owner, dinas, settings, django_capture_on_commit_callbacks
):
    """Open → nobody answers in 48 h → the beat hands it to the dinas → the dinas refunds."""
    complaint = open_one(order, buyer)
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_COMPLAINT
    assert complaint.requested_amount == HELD_A
    assert services.held_amount(order) == HELD_A  # the money stays held
    assert Notification.objects.filter(user=shop_a_owner, title__contains=order.number).exists()

    assert tasks.escalate_overdue_complaints() == 0  # not overdue yet
    Complaint.objects.filter(pk=complaint.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert tasks.escalate_overdue_complaints() == 1
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ESCALATED
    assert Notification.objects.filter(user=buyer, title__contains="dinas").exists()

    with django_capture_on_commit_callbacks(execute=True):
        complaints.dinas_decide(
            complaint=complaint,
            staff=dinas,
            decision=Decision.REFUND_ALL,
            reason="Foto menunjukkan barang rusak.",
        )
    complaint.refresh_from_db()
    order.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.refunded_amount) == (
        "resolved",
        "refunded",
        HELD_A,
    )
    assert complaint.decided_by == dinas
    assert order.status == OrderStatus.REFUNDED
    assert services.held_amount(order) == 0
    # The sandbox sent it back at once: refunds payable went out of the clearing account.
    provider_refund = ProviderRefund.objects.get()
    assert provider_refund.status == ProviderRefund.Status.SENT
    assert ledger.balance(ledger.refunds_payable()) == 0
    assert ledger.balance(ledger.clearing()) == 300_000 - HELD_A
    steps = list(OrderEvent.objects.filter(order=order).values_list("to_status", flat=True))
    assert steps[0] == OrderStatus.IN_COMPLAINT and steps[-1] == OrderStatus.REFUNDED
    # Both sides hear of the decision, each in their own language.
    for user in (buyer, shop_a_owner):
        assert Notification.objects.filter(user=user, body="Foto menunjukkan barang rusak.").exists()
    assert_ledger_sound()


def test_the_shop_accepts_a_full_refund(order, buyer, shop_a_owner):
    complaint = open_one(order, buyer)
    complaints.seller_accept(complaint=complaint, actor=shop_a_owner, message="Maaf, kami kembalikan.")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert Refund.objects.get().amount == HELD_A
    assert ledger.balance(ledger.refunds_payable()) == HELD_A  # owed until the provider sends it
    assert services.available_balance(order.shop) == 0
    assert_ledger_sound()


def test_a_partial_offer_accepted_by_the_buyer_releases_the_rest(order, buyer, shop_a_owner, shop_a):
    complaint = open_one(order, buyer)
    complaints.seller_offer(
        complaint=complaint, actor=shop_a_owner, amount=15_000, message="Satu bungkus saja."
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OFFERED
    assert Notification.objects.filter(
        user=buyer, title__contains="sebagian", body="Satu bungkus saja."
    ).exists()
    complaints.buyer_accept_offer(complaint=complaint, buyer=buyer)
    complaint.refresh_from_db()
    order.refresh_from_db()
    assert complaint.outcome == "partly_refunded"
    assert order.status == OrderStatus.COMPLETED
    assert services.held_amount(order) == 0
    assert ledger.balance(ledger.refunds_payable()) == 15_000
    assert services.available_balance(shop_a) == HELD_A - 15_000 - COMMISSION_A
    assert_ledger_sound()


def test_an_offer_of_everything_accepted_by_the_buyer_refunds_the_order(order, buyer, shop_a_owner):
    complaint = open_one(order, buyer, request=ComplaintRequest.REFUND_PART, amount=20_000)
    complaints.seller_offer(complaint=complaint, actor=shop_a_owner, amount=HELD_A)
    complaints.buyer_accept_offer(complaint=complaint, buyer=buyer)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert services.available_balance(order.shop) == 0
    assert_ledger_sound()


def test_the_shop_rejects_and_the_dinas_releases_to_the_shop(order, buyer, shop_a_owner, shop_a, dinas):
    complaint = open_one(order, buyer)
    complaints.seller_reject(
        complaint=complaint, actor=shop_a_owner, reason="Resi menunjukkan sudah diterima."
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ESCALATED
    complaints.dinas_decide(
        complaint=complaint, staff=dinas, decision=Decision.RELEASE, reason="Barang terbukti diterima utuh."
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert services.available_balance(shop_a) == HELD_A - COMMISSION_A
    assert not Refund.objects.exists()
    assert_ledger_sound()


def test_the_dinas_refunds_part(order, buyer, shop_a_owner, shop_a, dinas):
    complaint = open_one(order, buyer)
    complaints.seller_reject(complaint=complaint, actor=shop_a_owner, reason="Hanya satu yang rusak.")
    complaints.dinas_decide(
        complaint=complaint,
        staff=dinas,
        decision=Decision.REFUND_PART,
        amount=10_000,
        reason="Separuh rusak.",
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert Refund.objects.get().amount == 10_000
    assert services.available_balance(shop_a) == HELD_A - 10_000 - COMMISSION_A
    assert_ledger_sound()


def test_return_and_refund(order, buyer, shop_a_owner):
    complaint = open_one(order, buyer, request=ComplaintRequest.RETURN_AND_REFUND)
    complaints.seller_accept(complaint=complaint, actor=shop_a_owner)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.AWAITING_RETURN
    with pytest.raises(ComplaintRefused):
        complaints.buyer_send_return(complaint=complaint, buyer=buyer, courier="JNE", tracking_number="  ")
    complaints.buyer_send_return(complaint=complaint, buyer=buyer, courier="JNE", tracking_number="JN0012345")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RETURNING
    assert Notification.objects.filter(user=shop_a_owner, body__contains="JN0012345").exists()
    complaints.seller_confirm_return(complaint=complaint, actor=shop_a_owner)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert Refund.objects.get().amount == HELD_A
    assert_ledger_sound()


def test_auto_completion_waits_while_a_complaint_is_open(order, buyer, settings):
    open_one(order, buyer)
    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - timedelta(days=30))
    assert transitions.complete_shipped_orders() == 0
    assert transitions.auto_complete_shipped(order_id=order.pk) is False
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_COMPLAINT


# --- Bad input: refused with a reason, nothing changes, the attempt is logged --------------------


def refused(code, call, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="payments.complaints"),
        pytest.raises(ComplaintRefused) as error,
    ):
        call()
    assert error.value.code == code
    assert code in caplog.text


def test_a_complaint_after_completion_is_refused(order, buyer, caplog):
    complete(order)
    refused("completed", lambda: open_one(order, buyer), caplog)
    assert not Complaint.objects.exists()


def test_a_complaint_on_another_buyers_order_is_refused(order, make_stranger, caplog):
    refused("not_yours", lambda: open_one(order, make_stranger), caplog)
    assert not Complaint.objects.exists()


def test_a_second_complaint_while_one_is_open_is_refused(order, buyer, caplog):
    open_one(order, buyer)
    refused("already_open", lambda: open_one(order, buyer), caplog)
    assert Complaint.objects.count() == 1


def test_a_partial_refund_above_what_was_paid_is_refused(order, buyer, shop_a_owner, dinas, caplog):
    refused(
        "above_paid",
        lambda: open_one(order, buyer, request=ComplaintRequest.REFUND_PART, amount=HELD_A + 1),
        caplog,
    )
    complaint = open_one(order, buyer)
    refused(
        "above_paid",
        lambda: complaints.seller_offer(complaint=complaint, actor=shop_a_owner, amount=HELD_A + 1),
        caplog,
    )
    complaints.seller_reject(complaint=complaint, actor=shop_a_owner, reason="Tidak setuju.")
    refused(
        "above_paid",
        lambda: complaints.dinas_decide(
            complaint=complaint, staff=dinas, decision=Decision.REFUND_PART, amount=HELD_A + 1, reason="x"
        ),
        caplog,
    )
    assert not Refund.objects.exists()
    assert services.held_amount(order) == HELD_A


def test_an_order_not_paid_through_the_marketplace_cannot_get_a_complaint(checkout, buyer, caplog):
    order = checkout.orders.order_by("pk").first()
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED)
    order.refresh_from_db()
    refused("not_held", lambda: open_one(order, buyer), caplog)


def test_a_seller_of_another_shop_cannot_answer(order, buyer, shop_b_owner, caplog):
    complaint = open_one(order, buyer)
    refused(
        "not_your_shop", lambda: complaints.seller_accept(complaint=complaint, actor=shop_b_owner), caplog
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN


def test_only_dinas_staff_decide_and_always_with_a_reason(
    order, buyer, shop_a_owner, moderator, dinas, caplog
):
    complaint = open_one(order, buyer)
    refused(
        "not_escalated",
        lambda: complaints.dinas_decide(
            complaint=complaint, staff=dinas, decision=Decision.RELEASE, reason="x"
        ),
        caplog,
    )
    complaints.seller_reject(complaint=complaint, actor=shop_a_owner, reason="Tidak setuju.")
    refused(
        "not_staff",
        lambda: complaints.dinas_decide(
            complaint=complaint, staff=moderator, decision=Decision.RELEASE, reason="x"
        ),
        caplog,
    )
    refused(
        "reason_required",
        lambda: complaints.dinas_decide(
            complaint=complaint, staff=dinas, decision=Decision.RELEASE, reason=" "
        ),
        caplog,
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_COMPLAINT


def test_the_shop_cannot_release_the_money_to_itself(order, buyer, shop_a_owner):
    open_one(order, buyer)
    order.refresh_from_db()
    assert OrderStatus.COMPLETED not in transitions.allowed_targets(order, shop_a_owner)


# --- Pages ---------------------------------------------------------------------------------------


def test_the_buyer_opens_a_complaint_with_a_photo_stored_without_metadata(order, buyer_client):
    page = buyer_client.get(reverse("orders:detail", args=[order.number]))
    assert reverse("payments:complaint_create", args=[order.number]).encode() in page.content
    answer = buyer_client.post(
        reverse("payments:complaint_create", args=[order.number]),
        {"reason": "damaged", "description": "Hancur.", "request": "refund_all", "photos": [png()]},
    )
    assert answer.status_code == 302
    photo = ComplaintPhoto.objects.get()
    with photo.image.open("rb") as stored:
        assert b"PhoneMaker" not in stored.read()
    page = buyer_client.get(reverse("payments:complaint", args=[order.number]))
    assert page.status_code == 200
    assert "Hancur." in page.content.decode()
    assert buyer_client.get(reverse("payments:complaint_photo", args=[photo.token])).status_code == 200


def test_a_file_that_is_not_a_photo_is_refused_with_a_reason(order, buyer_client):
    fake = SimpleUploadedFile(
        "rusak.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    answer = buyer_client.post(
        reverse("payments:complaint_create", args=[order.number]),
        {"reason": "damaged", "description": "Hancur.", "request": "refund_all", "photos": [fake]},
    )
    assert answer.status_code == 400
    assert "bukan foto yang bisa kami baca" in answer.content.decode()
    assert not Complaint.objects.exists()


def test_another_buyer_sees_nothing_of_the_complaint(order, buyer, client, make_stranger, password):
    complaint = open_one(order, buyer)
    client.login(email=make_stranger.email, password=password)
    assert client.get(reverse("payments:complaint", args=[order.number])).status_code == 404
    assert client.get(reverse("payments:complaint_create", args=[order.number])).status_code == 404
    assert (
        client.post(reverse("payments:complaint_action", args=[order.number, "terima-tawaran"])).status_code
        == 404
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN


def test_the_shop_answers_from_its_dashboard(order, buyer, client, shop_a_owner, password):
    complaint = open_one(order, buyer)
    client.login(email=shop_a_owner.email, password=password)
    listing = client.get(reverse("payments:shop_complaints", args=[order.shop.slug]))
    assert order.number in listing.content.decode()
    detail = reverse("payments:shop_complaint", args=[order.shop.slug, complaint.pk])
    order_page = client.get(reverse("orders:shop_order", args=[order.shop.slug, order.number]))
    assert detail in order_page.content.decode()
    assert client.get(detail).status_code == 200
    bad = client.post(
        reverse("payments:shop_complaint_action", args=[order.shop.slug, complaint.pk, "tawarkan"]),
        {"offer-amount": "abc"},
    )
    assert bad.status_code == 400
    client.post(
        reverse("payments:shop_complaint_action", args=[order.shop.slug, complaint.pk, "tawarkan"]),
        {"offer-amount": "20000", "offer-message": "Setengah."},
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.offered_amount) == (ComplaintStatus.OFFERED, 20_000)


def test_a_seller_of_another_shop_answering_gets_a_404_and_is_logged(
    order, buyer, client, shop_b, shop_b_owner, password, caplog
):
    complaint = open_one(order, buyer)
    client.login(email=shop_b_owner.email, password=password)
    with caplog.at_level(logging.WARNING, logger="payments.views"):
        own_shop_url = reverse("payments:shop_complaint_action", args=[shop_b.slug, complaint.pk, "terima"])
        assert client.post(own_shop_url).status_code == 404
        other_shop_url = reverse(
            "payments:shop_complaint_action", args=[order.shop.slug, complaint.pk, "terima"]
        )
        assert client.post(other_shop_url).status_code == 404
    assert f"complaint {complaint.pk}" in caplog.text
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN


def test_the_dinas_decides_in_the_admin_with_a_required_reason(
    order, buyer, shop_a_owner, client, dinas, password
):
    complaint = open_one(order, buyer)
    complaints.seller_reject(complaint=complaint, actor=shop_a_owner, reason="Tidak setuju.")
    client.force_login(dinas)
    queue = client.get(reverse("admin:payments_complaint_changelist"))
    assert queue.status_code == 200
    url = reverse("admin:payments_complaint_decide", args=[complaint.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "refund_all", "reason": ""}).status_code == 400
    assert client.post(url, {"decision": "refund_all", "reason": "Terbukti rusak."}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED


@pytest.mark.postgres
def test_two_complaints_opened_at_once_make_one(postgres, transactional_db, order, buyer):
    barrier, outcomes = threading.Barrier(2), []

    def submit():
        try:
            barrier.wait()
            open_one(order, buyer)
            outcomes.append("opened")
        except ComplaintRefused as refused_:
            outcomes.append(refused_.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_open", "opened"]
    assert Complaint.objects.count() == 1
    assert OrderEvent.objects.filter(order=order, to_status=OrderStatus.IN_COMPLAINT).count() == 1
