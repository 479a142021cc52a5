"""One site address: every absolute link says where the site is served (SITE_URL)."""

import os
import subprocess
import sys
from urllib.parse import unquote

import pytest
from django.core import mail
from django.core.management import call_command

from catalog.tests.factories import make_product, make_shop
from conftest import make_user
from marketplace.env import development_site_url

SITE = "http://127.0.0.1:8301"


def settings_site_url(**env):
    """SITE_URL as a fresh process reads it from the environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "marketplace.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_in_development_the_address_is_where_make_run_serves():
    assert settings_site_url(HOST="127.0.0.1", PORT="8301") == SITE
    assert settings_site_url() == "http://127.0.0.1:8000"
    assert settings_site_url(PORT="8301", SITE_URL="https://warung.purwakartakab.go.id/") == (
        "https://warung.purwakartakab.go.id"
    )


def test_a_server_on_every_interface_is_linked_through_loopback():
    assert development_site_url("0.0.0.0", 8301) == SITE
    assert development_site_url("localhost", 9000) == "http://localhost:9000"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


def test_product_page_links_previews_and_whatsapp_use_the_site_address(site, client, db):
    shop = make_shop(make_user("owner@example.com"), name="Dapur Bu Ani")
    product = make_product(shop, name="Keripik Tempe")

    html = client.get(product.get_absolute_url()).text

    url = f"{SITE}{product.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    whatsapp = next(line for line in html.splitlines() if "wa.me" in line)
    assert url in unquote(whatsapp)
    assert "testserver" not in html


def test_shop_page_link_preview_uses_the_site_address(site, client, db):
    shop = make_shop(make_user("owner@example.com"), name="Dapur Bu Ani")

    html = client.get(shop.get_absolute_url()).text

    assert f'<meta property="og:url" content="{SITE}{shop.get_absolute_url()}">' in html
    assert f'<link rel="canonical" href="{SITE}{shop.get_absolute_url()}">' in html


def test_password_reset_and_verification_links_use_the_site_address(
    site, client, rf, db, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress
    from allauth.core.context import request_context

    buyer = make_user("siti@example.com")
    make_user("baru@example.com")
    EmailAddress.objects.filter(email="baru@example.com").update(verified=False)
    unverified = EmailAddress.objects.get(email="baru@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": buyer.email})
        request = rf.get("/", HTTP_HOST="testserver")
        with request_context(request):
            unverified.send_confirmation(request)

    reset, verification = mail.outbox
    assert f"{SITE}/accounts/password/reset/key/" in reset.body
    assert f"{SITE}/accounts/confirm-email/" in verification.body


def test_printed_demo_log_ins_use_the_site_address(site, db, capsys):
    call_command("seed_demo", "--force")

    assert f"{SITE}/admin/" in capsys.readouterr().out
