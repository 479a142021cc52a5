import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from conftest import make_user

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"

pytestmark = pytest.mark.django_db


def sign_up(client, email="siti@example.com", password1="kopi-tubruk-2026", password2=None):
    return client.post(
        SIGNUP,
        {
            "full_name": "Siti Aminah",
            "email": email,
            "password1": password1,
            "password2": password2 or password1,
        },
    )


def test_sign_up_creates_an_account_and_sends_a_verification_email(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="Siti@Example.com")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = get_user_model().objects.get()
    assert user.email == "siti@example.com"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@example.com"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_an_unverified_account_cannot_log_in_until_the_address_is_confirmed(client):
    sign_up(client)
    client.logout()

    response = client.post(LOGIN, {"login": "siti@example.com", "password": "kopi-tubruk-2026"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_sign_up_with_a_used_email_says_so_in_indonesian_and_keeps_the_address(client, buyer):
    response = sign_up(client, email=buyer.email)

    assert response.status_code == 200
    assert "Seorang pengguna sudah terdaftar dengan alamat e-mail ini." in response.text
    assert f'value="{buyer.email}"' in response.text
    assert get_user_model().objects.count() == 1


def test_sign_up_with_a_weak_password_is_refused_with_the_reason(client):
    response = sign_up(client, password1="12345678")

    assert response.status_code == 200
    assert "Kata sandi ini terlalu umum." in response.text
    assert 'value="siti@example.com"' in response.text
    assert not get_user_model().objects.exists()


def test_sign_up_with_a_mismatched_confirmation_is_refused(client):
    response = sign_up(client, password1="kopi-tubruk-2026", password2="kopi-tubruk-2025")

    assert response.status_code == 200
    assert "Anda harus mengetikkan kata sandi yang sama setiap kali." in response.text
    assert 'value="siti@example.com"' in response.text
    assert not get_user_model().objects.exists()


def test_error_messages_follow_the_chosen_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = sign_up(client, password1="kopi-tubruk-2026", password2="other-password-1")

    assert "You must type the same password each time." in response.text


def test_log_in_and_log_out(client, buyer, password):
    response = client.post(LOGIN, {"login": "BUYER@example.com", "password": password})
    assert response.status_code == 302
    assert client.get("/").context["user"] == buyer

    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_a_wrong_password_keeps_the_address_and_explains(client, buyer):
    response = client.post(LOGIN, {"login": buyer.email, "password": "not-my-password"})

    assert response.status_code == 200
    assert "Alamat e-mail dan/atau kata sandi yang anda masukkan tidak benar." in response.text
    assert f'value="{buyer.email}"' in response.text


def test_password_reset_mails_a_link(client, buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": buyer.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_repeated_failed_log_ins_are_rate_limited(client, buyer, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    for _ in range(3):
        client.post(LOGIN, {"login": buyer.email, "password": "wrong"})

    response = client.post(LOGIN, {"login": buyer.email, "password": "wrong"})

    assert response.status_code in (200, 429)
    assert "Terlalu banyak" in response.text or response.status_code == 429


def test_superuser_can_log_in_to_admin(client):
    make_user("staff@example.com", is_staff=True, is_superuser=True)
    assert client.login(email="staff@example.com", password="correct-horse-battery")
    assert client.get("/admin/").status_code == 200


def test_a_buyer_gets_no_admin(client, buyer, password):
    client.login(email=buyer.email, password=password)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_sign_up_keeps_the_buyers_name_whatsapp_and_language(client):
    client.cookies["django_language"] = "en"
    client.post(
        SIGNUP,
        {
            "full_name": "  Siti   Aminah ",
            "email": "siti@example.com",
            "whatsapp": "0812-3456-7890",
            "password1": "kopi-tubruk-2026",
            "password2": "kopi-tubruk-2026",
        },
    )

    user = get_user_model().objects.get()
    assert (user.full_name, user.whatsapp, user.language) == ("Siti Aminah", "+6281234567890", "en")
    assert user.get_full_name() == "Siti Aminah"
    assert user.public_name == "Siti A."


def test_sign_up_without_a_name_is_refused_and_keeps_what_was_typed(client):
    response = client.post(
        SIGNUP,
        {
            "full_name": "   ",
            "email": "siti@example.com",
            "password1": "kopi-tubruk-2026",
            "password2": "kopi-tubruk-2026",
        },
    )

    assert response.status_code == 200
    assert "Bidang ini tidak boleh kosong." in response.text
    assert 'value="siti@example.com"' in response.text
    assert not get_user_model().objects.exists()


def test_sign_up_with_a_bad_whatsapp_number_says_how_to_write_it(client):
    response = client.post(
        SIGNUP,
        {
            "full_name": "Siti Aminah",
            "email": "siti@example.com",
            "whatsapp": "12345",
            "password1": "kopi-tubruk-2026",
            "password2": "kopi-tubruk-2026",
        },
    )

    assert response.status_code == 200
    assert "Isi nomor ponsel Indonesia, misalnya 0812 3456 7890." in response.text
    assert 'value="Siti Aminah"' in response.text and 'value="12345"' in response.text
    assert not get_user_model().objects.exists()


def test_the_sign_up_form_asks_the_name_first(client):
    html = client.get(SIGNUP).text
    assert html.index('name="full_name"') < html.index('name="email"') < html.index('name="whatsapp"')
    assert 'autocomplete="name"' in html


# --- One limiter for every log-in, behind a proxy --------------------------------------------


def refused_for_too_many_attempts(response):
    return response.status_code == 429 or "Terlalu banyak" in response.text


def test_the_admin_log_in_page_sends_staff_to_the_one_log_in(client):
    response = client.get("/admin/login/?next=/admin/vendors/shop/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/vendors/shop/"


def test_the_admin_log_in_form_cannot_be_posted_to(client):
    make_user("staff@example.com", is_staff=True, is_superuser=True)

    client.post("/admin/login/", {"username": "staff@example.com", "password": "correct-horse-battery"})

    assert client.get("/admin/").status_code == 302


def test_a_logged_in_buyer_sent_to_the_admin_log_in_is_refused_not_looped(client, buyer, password):
    client.login(email=buyer.email, password=password)

    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_after_ten_wrong_staff_passwords_the_right_one_is_refused_for_a_while(client):
    make_user("staff@example.com", is_staff=True, is_superuser=True)
    login_page = client.get("/admin/login/")["Location"]
    for attempt in range(10):
        client.post(login_page, {"login": "staff@example.com", "password": f"guess-{attempt}"})

    response = client.post(login_page, {"login": "staff@example.com", "password": "correct-horse-battery"})

    assert refused_for_too_many_attempts(response)
    assert client.get("/admin/").status_code == 302


def test_the_account_count_survives_another_host_or_port(client, buyer, password, settings):
    settings.ALLOWED_HOSTS = ["warung.example", "warung.example."]
    hosts = ["warung.example", "warung.example:8443", "warung.example.", "WARUNG.example", "warung.example"]
    for host in hosts:
        client.post(LOGIN, {"login": buyer.email.upper(), "password": "wrong"}, HTTP_HOST=host)

    response = client.post(
        LOGIN, {"login": buyer.email, "password": password}, HTTP_HOST="warung.example:9000"
    )

    assert refused_for_too_many_attempts(response)
    assert "_auth_user_id" not in client.session


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_another_client(
    client, buyer, password, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    for attempt in range(12):
        attacker.post(LOGIN, {"login": f"someone{attempt}@example.com", "password": "wrong"})
    assert refused_for_too_many_attempts(
        attacker.post(LOGIN, {"login": "other@example.com", "password": "x"})
    )

    neighbour = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = neighbour.post(LOGIN, {"login": buyer.email, "password": password})

    assert response.status_code == 302
    assert neighbour.session["_auth_user_id"] == str(buyer.pk)


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_dodge_the_limit(client, buyer):
    for attempt in range(12):
        forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
        forged.post(LOGIN, {"login": f"someone{attempt}@example.com", "password": "wrong"})

    again = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert refused_for_too_many_attempts(again.post(LOGIN, {"login": "other@example.com", "password": "x"}))
