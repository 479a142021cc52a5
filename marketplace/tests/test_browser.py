"""The first user journey in a real browser: sign up, switch language, log out and in."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_confirms_the_address_and_logs_in(live_server, page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})  # a common phone
    page.goto(f"{live_server.url}/")
    screenshot("home-mobile")
    page.get_by_role("link", name="Daftar").first.click()

    page.get_by_label("Nama lengkap").fill("Wulan Sari")
    page.get_by_label("Email").fill("wulan@example.com")
    page.get_by_label("Nomor WhatsApp (opsional)").fill("0812-3456-7890")
    page.get_by_label("Sandi", exact=False).first.fill("kopi-tubruk-2026")
    page.get_by_label("Kata sandi (lagi)").fill("kopi-tubruk-2025")
    page.get_by_role("button", name="Daftar").click()
    page.get_by_text("Anda harus mengetikkan kata sandi yang sama setiap kali.").wait_for()
    assert page.get_by_label("Email").input_value() == "wulan@example.com"
    assert page.get_by_label("Nama lengkap").input_value() == "Wulan Sari"

    page.get_by_label("Sandi", exact=False).first.fill("kopi-tubruk-2026")
    page.get_by_label("Kata sandi (lagi)").fill("kopi-tubruk-2026")
    page.get_by_role("button", name="Daftar").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    assert EmailAddress.objects.get(email="wulan@example.com").verified
    assert page.get_by_role("button", name="Keluar").is_visible()

    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()
    page.get_by_role("button", name="Log out").wait_for()
    user = EmailAddress.objects.get(email="wulan@example.com").user
    assert (user.full_name, user.whatsapp, user.language) == ("Wulan Sari", "+6281234567890", "en")
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.wait_for()
