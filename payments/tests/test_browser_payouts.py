"""A shop withdraws its balance and dinas staff pay it, in a real browser (screenshots saved)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import make_user
from payments.models import Payout
from payments.tests.factories import funded, verified_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def rates(settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM = 50_000
    settings.PAYOUT_FEE = 2_500


def log_in(context, base_url, email, password, *, size=PHONE):
    page = context.new_page()
    page.set_viewport_size(size)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Sandi").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return page


def test_a_shop_withdraws_its_balance_and_staff_mark_the_payout_paid(
    live_server, browser, screenshot, buyer, shop_b, shop_b_owner, product_b, password
):
    order = funded(buyer, shop_b, product_b)
    verified_account(shop_b)
    url = live_server.url
    owner = log_in(browser.new_context(), url, shop_b_owner.email, password)
    owner.goto(f"{url}/dashboard/{shop_b.slug}/")
    owner.get_by_role("link", name="Saldo dan penarikan").click()
    expect(owner.locator("#balance-available")).to_have_text("Rp253.750")
    expect(owner.locator("#order-money")).to_contain_text(order.number)
    expect(owner.locator("#order-money")).to_contain_text("Rp6.250")
    screenshot("payouts-1-balance", owner)

    owner.get_by_role("link", name="Ajukan penarikan").click()
    owner.get_by_label("Jumlah (Rp)").fill("300000")
    owner.get_by_role("button", name="Lanjutkan").click()
    expect(owner.locator(".has-error")).to_contain_text("Rp253.750")
    expect(owner.get_by_label("Jumlah (Rp)")).to_have_value("300000")
    owner.get_by_label("Jumlah (Rp)").fill("100000")
    owner.get_by_role("button", name="Lanjutkan").click()
    expect(owner.locator("#confirm-fee")).to_have_text("Rp2.500")
    expect(owner.locator("#confirm-net")).to_have_text("Rp97.500")
    screenshot("payouts-2-confirm", owner)
    owner.locator("#confirm-payout").dblclick()
    owner.wait_for_url(re.compile(r"/saldo/$"))
    expect(owner.locator("#balance-available")).to_have_text("Rp153.750")
    expect(owner.locator("#balance-in-transit")).to_have_text("Rp97.500")
    assert Payout.objects.count() == 1

    make_user("dinas@example.com", is_staff=True, is_superuser=True)
    admin = log_in(
        browser.new_context(), url, "dinas@example.com", password, size={"width": 1280, "height": 900}
    )
    admin.goto(f"{url}/admin/payments/payout/?status__exact=requested")
    admin.locator("input[name=_selected_action]").first.check()
    admin.locator("select[name=action]").select_option("mark_paid")
    admin.locator("button[name=index], input[name=index]").first.click()
    payout = Payout.objects.get()
    admin.locator(f"input[name=reference_{payout.pk}]").fill("BRI-20261126-0001")
    screenshot("payouts-3-staff-mark-paid", admin)
    admin.locator("input[name=apply]").click()
    expect(admin.locator(".messagelist")).to_contain_text("1")
    payout.refresh_from_db()
    assert (payout.status, payout.reference) == (Payout.Status.PAID, "BRI-20261126-0001")

    owner.goto(f"{url}/dashboard/{shop_b.slug}/saldo/")
    expect(owner.locator("#payouts")).to_contain_text("BRI-20261126-0001")
    owner.locator("#statements a").first.click()
    expect(owner.locator("#closing")).to_have_text("Rp153.750")
    screenshot("payouts-4-statement", owner)
