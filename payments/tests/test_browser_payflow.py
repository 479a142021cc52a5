"""Transaksi aman end to end in a real browser (screenshots saved): one sandbox QRIS payment for
two shops' orders; one shop ships, the buyer confirms and the shop's balance grows by the order
less commission; the other order's complaint is ignored by its shop, handed to the dinas at the
deadline and refunded in the admin; the first shop withdraws and staff mark the payout paid."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_user
from orders.models import Order, OrderStatus
from orders.tests.factories import cart_with
from payments import complaints, services
from payments.commission import commission_for
from payments.models import Complaint, ComplaintStatus, Payout, ProviderRefund
from payments.tests.factories import verified_account
from payments.tests.test_browser_payouts import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = {"width": 1280, "height": 900}


def rupiah(amount):
    return f"Rp{amount:,}".replace(",", ".")


def test_one_qris_payment_two_shops_a_release_a_refunded_complaint_and_a_payout(
    live_server,
    browser,
    settings,
    screenshot,
    buyer,
    password,
    address,
    shop_a,
    shop_b,
    shop_a_owner,
    shop_b_owner,
    product_a,
    product_b,
):
    settings.PAYMENT_MODE, settings.PAYMENT_PROVIDER = "aman", "sandbox"
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM, settings.PAYOUT_FEE = 50_000, 2_500
    url = live_server.url
    cart_with(buyer, (product_a, 2), (product_b, 1))

    # The buyer checks out once and pays both shops with one sandbox QRIS payment.
    page = log_in(browser.new_context(), url, buyer.email, password)
    page.goto(f"{url}/checkout/")
    page.get_by_role("button", name="Buat pesanan").click()
    page.wait_for_url(re.compile(r"/bayar/\d+/$"))
    page.check("input[name=method][value=qris]")
    page.locator("#pay-button").click()
    page.wait_for_url(re.compile(r"/bayar/sandbox/"))
    page.get_by_role("button", name=re.compile("QRIS")).click()
    page.locator(".payment-status.paid").wait_for()
    screenshot("payflow-1-paid-once", page)
    ignored = Order.objects.get(shop=shop_a)
    shipped = Order.objects.get(shop=shop_b)
    assert {ignored.status, shipped.status} == {OrderStatus.PAID}

    # Shop B's balance page before: nothing to withdraw yet, the order's money held.
    seller_b = log_in(browser.new_context(), url, shop_b_owner.email, password)
    seller_b.goto(f"{url}/dashboard/{shop_b.slug}/saldo/")
    before = services.available_balance(shop_b)
    expect(seller_b.locator("#balance-available")).to_have_text(rupiah(before))

    # Both shops prepare and ship their orders.
    for owner, shop, order in ((shop_b_owner, shop_b, shipped), (shop_a_owner, shop_a, ignored)):
        context = browser.new_context()
        vendor = log_in(context, url, owner.email, password)
        vendor.goto(f"{url}/dashboard/{shop.slug}/pesanan/")
        vendor.get_by_role("link", name=re.compile(order.number)).click()
        vendor.get_by_role("button", name="Mulai siapkan").click()
        vendor.locator("select[name=courier]").select_option("jne")
        vendor.get_by_label("Nomor resi").fill(f"JNE{order.pk:08d}")
        vendor.get_by_role("button", name="Tandai sudah dikirim").click()
        vendor.locator("#order-status", has_text="Dikirim").wait_for()
        context.close()

    # The buyer confirms shop B's order: its money is released less commission.
    page.goto(f"{url}/pesanan/{shipped.number}/")
    page.get_by_role("link", name="Pesanan sudah saya terima").click()
    page.get_by_role("button", name="Ya, semua sudah saya terima").click()
    page.locator("#order-status", has_text="Selesai").wait_for()
    shipped.refresh_from_db()
    net = shipped.total - commission_for(shipped)
    assert 0 < commission_for(shipped) < shipped.total
    seller_b.goto(f"{url}/dashboard/{shop_b.slug}/saldo/")
    expect(seller_b.locator("#balance-available")).to_have_text(rupiah(before + net))
    expect(seller_b.locator("#order-money")).to_contain_text(shipped.number)
    screenshot("payflow-2-balance-after-release", seller_b)

    # The buyer complains about shop A's order; the shop never answers.
    page.goto(f"{url}/pesanan/{ignored.number}/")
    page.locator("#open-complaint").click()
    page.check("input[name=reason][value=not_received]")
    page.locator("textarea[name=description]").fill("Sudah seminggu belum sampai, resi tidak bergerak.")
    page.check("input[name=request][value=refund_all]")
    page.get_by_role("button", name="Kirim komplain").click()
    page.wait_for_url(re.compile(rf"/pesanan/{ignored.number}/komplain/$"))
    screenshot("payflow-3-complaint-open", page)
    complaint = Complaint.objects.get(order=ignored)
    assert complaint.status == ComplaintStatus.OPEN
    held = services.held_amount(ignored)
    assert held == ignored.total

    # The answer deadline passes: the beat's sweep hands the complaint to the dinas.
    Complaint.objects.filter(pk=complaint.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert complaints.escalate_overdue() == 1

    # Dinas staff refund it in full in the admin.
    make_user("dinas@example.com", is_staff=True, is_superuser=True)
    admin = log_in(browser.new_context(), url, "dinas@example.com", password, size=WIDE)
    admin.goto(f"{url}/admin/payments/complaint/")
    admin.get_by_role("link", name="Putuskan").first.click()
    admin.check("input[name=decision][value=refund_all]")
    admin.locator("textarea[name=reason]").fill("Toko tidak menanggapi; resi tidak bergerak.")
    screenshot("payflow-4-dinas-decides", admin)
    admin.locator("#decide-form input[type=submit]").click()
    expect(admin.locator(".messagelist")).to_be_visible()
    ignored.refresh_from_db()
    complaint.refresh_from_db()
    assert ignored.status == OrderStatus.REFUNDED
    assert complaint.status == ComplaintStatus.RESOLVED
    assert services.held_amount(ignored) == 0
    refund = ProviderRefund.objects.get()
    assert (refund.refund.amount, refund.status) == (held, ProviderRefund.Status.SENT)

    # Shop B withdraws to its verified account; staff mark the payout paid.
    verified_account(shop_b)
    seller_b.goto(f"{url}/dashboard/{shop_b.slug}/saldo/")
    seller_b.get_by_role("link", name="Ajukan penarikan").click()
    seller_b.get_by_label("Jumlah (Rp)").fill("100000")
    seller_b.get_by_role("button", name="Lanjutkan").click()
    seller_b.locator("#confirm-payout").click()
    seller_b.wait_for_url(re.compile(r"/saldo/$"))
    expect(seller_b.locator("#balance-available")).to_have_text(rupiah(before + net - 100_000))
    payout = Payout.objects.get()
    admin.goto(f"{url}/admin/payments/payout/?status__exact=requested")
    admin.locator("input[name=_selected_action]").first.check()
    admin.locator("select[name=action]").select_option("mark_paid")
    admin.locator("button[name=index], input[name=index]").first.click()
    admin.locator(f"input[name=reference_{payout.pk}]").fill("BRI-20261126-0042")
    admin.locator("input[name=apply]").click()
    expect(admin.locator(".messagelist")).to_contain_text("1")
    payout.refresh_from_db()
    assert (payout.status, payout.reference) == (Payout.Status.PAID, "BRI-20261126-0042")
    seller_b.goto(f"{url}/dashboard/{shop_b.slug}/saldo/")
    expect(seller_b.locator("#payouts")).to_contain_text("BRI-20261126-0042")
    screenshot("payflow-5-payout-paid", seller_b)
