"""Optional two-factor log-in (TOTP) for staff, through allauth's MFA, on the admin's way in too."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache

from conftest import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def totp(secret, at=None):
    """RFC 6238 with the authenticator apps' defaults: SHA-1, 30 seconds, 6 digits."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@pytest.fixture
def staff(db):
    return make_user("dinas@example.com", is_staff=True, is_superuser=True)


def enrol(client, user, password):
    client.post(LOGIN, {"login": user.email, "password": password})
    # Switching two-factor on asks for the password again.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": password})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302
    client.post("/accounts/logout/")
    # A code is accepted once per period; the log-in below is a new one.
    cache.clear()
    return secret


def test_staff_enrol_an_authenticator_app_and_then_need_its_code(client, staff, password):
    secret = enrol(client, staff, password)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    after_password = client.post(LOGIN, {"login": staff.email, "password": password})
    assert after_password["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302

    wrong = client.post(
        "/accounts/2fa/authenticate/", {"code": "000000" if totp(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302

    right = client.post("/accounts/2fa/authenticate/", {"code": totp(secret)})
    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_log_in_asks_for_the_code_as_well(client, staff, password):
    secret = enrol(client, staff, password)
    login_page = client.get("/admin/login/?next=/admin/")["Location"]

    response = client.post(login_page, {"login": staff.email, "password": password})

    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    client.post("/accounts/2fa/authenticate/", {"code": totp(secret)})
    assert client.get("/admin/").status_code == 200


def test_without_two_factor_staff_log_in_with_the_password_alone(client, staff, password):
    client.post(LOGIN, {"login": staff.email, "password": password})

    assert client.get("/admin/").status_code == 200
