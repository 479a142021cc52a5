"""The whole vendor journey in a phone-sized browser: from sign-up to a staff member at work."""

import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from conftest import make_user
from vendors.models import Shop
from vendors.tests.conftest import make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_link(pattern):
    return re.search(pattern, mail.outbox[-1].body).group(0)


def sign_up_and_confirm(page, live_server, email, password):
    """Fill allauth's sign-up form, then follow the confirmation link from the e-mail.

    allauth sends one confirmation per address every few minutes: other tests must use
    other addresses, or this one waits for a mail that never comes.
    """
    page.get_by_label("Nama lengkap").fill(email.split("@")[0].title())
    page.get_by_label("Email").fill(email)
    page.get_by_label("Sandi", exact=False).first.fill(password)
    page.get_by_label("Kata sandi (lagi)").fill(password)
    page.locator("main").get_by_role("button", name="Daftar").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(last_link(r"https?://\S+/accounts/confirm-email/\S+/"))
    page.locator("main form button[type=submit]").click()
    page.get_by_role("button", name="Keluar").wait_for()


def approve_in_admin(browser, live_server, screenshot):
    """A dinas user, in a browser of their own, finds the shop in the queue and approves it."""
    make_user("dinas@example.com", is_staff=True, is_superuser=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_label("Email").fill("dinas@example.com")
    admin.get_by_label("Sandi", exact=False).first.fill("correct-horse-battery")
    admin.locator("main form button[type=submit]").click()
    admin.goto(f"{live_server.url}/admin/vendors/shop/?status__exact=pending")
    admin.get_by_role("link", name="Kopi Wulan").click()
    admin.get_by_role("link", name="Setujui").click()
    admin.get_by_role("button", name="Setujui").click()
    admin.get_by_text("pemilik sudah diberi tahu").wait_for()
    screenshot("admin-shop-approved", admin)
    context.close()


def test_a_seller_opens_a_shop_that_goes_public_and_brings_in_a_staff_member(
    live_server, page, browser, screenshot, district, tmp_path
):
    page.set_viewport_size({"width": 390, "height": 844})
    logo = tmp_path / "logo.png"
    Image.new("RGB", (400, 400), (180, 70, 27)).save(logo)
    ktp = tmp_path / "ktp.jpg"
    Image.new("RGB", (800, 500), (200, 200, 220)).save(ktp)

    # A newcomer signs up and starts a shop.
    page.goto(f"{live_server.url}/accounts/signup/")
    sign_up_and_confirm(page, live_server, "ratna@example.com", "kopi-tubruk-2026")
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Buka toko baru").click()

    # Step 1: the profile, with a logo.
    page.get_by_label("Nama toko", exact=True).fill("Kopi Wulan")
    page.get_by_label("Deskripsi").fill("Kopi robusta dari lereng Gunung Burangrang.")
    page.get_by_label("Nomor WhatsApp").fill("0812-3456-7890")
    page.get_by_label("Logo", exact=True).set_input_files(str(logo))
    screenshot("vendor-onboarding-profile")
    page.get_by_role("button", name="Simpan dan lanjut").click()

    # Step 2: the address, with the region lists filled as each choice is made.
    page.get_by_label("Alamat jalan").fill("Jl. Kopi No. 7")
    # The lists script is deferred: choosing before it runs would fill nothing. It hides
    # the no-JavaScript buttons when it is ready.
    expect(page.get_by_role("button", name="Tampilkan kabupaten/kotanya")).to_be_hidden()
    page.get_by_label("Provinsi").select_option("32")
    page.get_by_label("Kabupaten atau kota").select_option("32.14")
    page.get_by_label("Kecamatan").select_option("32.14.01")
    page.get_by_label("Kode pos").fill("41111")
    screenshot("vendor-onboarding-address")
    page.get_by_role("button", name="Simpan dan lanjut").click()

    # Step 3: legal and bank details.
    page.get_by_label("Foto KTP pemilik").set_input_files(str(ktp))
    page.get_by_label("Bank", exact=True).fill("BJB")
    page.get_by_label("Nomor rekening").fill("0012345678")
    page.get_by_label("Nama pemilik rekening").fill("Wulan Sari")
    page.get_by_role("button", name="Simpan dan lanjut").click()

    # Review and submit.
    page.get_by_text("Jl. Kopi No. 7").wait_for()
    screenshot("vendor-onboarding-review")
    page.get_by_role("button", name="Kirim untuk verifikasi").click()
    page.get_by_text("Menunggu verifikasi").first.wait_for()
    screenshot("vendor-dashboard-pending")
    shop = Shop.objects.get(slug="kopi-wulan")
    assert shop.status == Shop.Status.PENDING

    # Not public until a dinas user approves it in the admin.
    assert page.goto(f"{live_server.url}/toko/kopi-wulan/").status == 404
    approve_in_admin(browser, live_server, screenshot)
    page.goto(f"{live_server.url}/toko/kopi-wulan/")
    page.get_by_role("heading", name="Kopi Wulan").wait_for()
    assert (
        page.get_by_role("link", name="Chat lewat WhatsApp")
        .get_attribute("href")
        .startswith("https://wa.me/6281234567890?text=")
    )
    screenshot("shop-page-public")

    # The owner invites a staff member.
    page.goto(f"{live_server.url}/dashboard/kopi-wulan/")
    page.locator(".dashboard-menu").get_by_role("link", name="Staf").click()
    page.get_by_label("Alamat email staf").fill("dewi.kopi@example.com")
    page.get_by_role("button", name="Kirim undangan").click()
    page.get_by_text("Undangan dikirim ke dewi.kopi@example.com.").wait_for()
    invitation_link = last_link(r"https?://\S+/dashboard/undangan/\S+/")
    page.get_by_role("button", name="Keluar").click()

    # The staff member signs up from the invitation and accepts it.
    invitation_path = re.sub(r"^https?://[^/]+", "", invitation_link)
    page.goto(f"{live_server.url}{invitation_path}")
    page.locator("main").get_by_role("link", name="Daftar").click()
    sign_up_and_confirm(page, live_server, "dewi.kopi@example.com", "teh-manis-2026")
    page.goto(f"{live_server.url}{invitation_path}")
    page.get_by_role("button", name="Terima undangan").click()
    page.get_by_text("Selamat bergabung di Kopi Wulan!").wait_for()
    screenshot("staff-dashboard")

    # Staff work in the dashboard but never see the bank accounts.
    nav = page.locator(".dashboard-menu")
    assert nav.get_by_role("link", name="Profil toko").is_visible()
    assert nav.get_by_role("link", name="Rekening bank").count() == 0
    assert page.goto(f"{live_server.url}/dashboard/kopi-wulan/rekening/").status == 403


def test_the_region_lists_work_without_javascript(live_server, browser, district, password):
    owner = make_user("yanti@example.com")
    shop = make_shop(owner, "Tahu Yanti", district=None, status=Shop.Status.DRAFT)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/{shop.slug}/buka-toko/alamat/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Sandi", exact=False).first.fill(password)
    page.locator("main form button[type=submit]").click()

    page.get_by_label("Alamat jalan").fill("Jl. Tahu No. 3")
    page.get_by_label("Provinsi").select_option("32")
    page.get_by_role("button", name="Tampilkan kabupaten/kotanya").click()
    page.get_by_label("Kabupaten atau kota").select_option("32.14")
    page.get_by_role("button", name="Tampilkan kecamatannya").click()
    page.get_by_label("Kecamatan").select_option("32.14.01")
    page.get_by_role("button", name="Simpan dan lanjut").click()
    page.get_by_label("Nomor rekening").wait_for()
    context.close()

    shop.refresh_from_db()
    assert (shop.street_address, shop.district) == ("Jl. Tahu No. 3", district)
