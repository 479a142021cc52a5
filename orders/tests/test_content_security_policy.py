"""The Content-Security-Policy: sent everywhere, and no page of ours needs 'unsafe-inline'."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import make_user
from orders.tests.factories import buy

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR, "templates")
# Data blocks (JSON-LD for link previews) are never executed, so the policy allows them.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"", re.I)


def policy(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def test_storefront_pages_carry_the_policy_also_from_the_page_cache(settings, product_a):
    settings.PAGE_CACHE_SECONDS = 60
    Client().get("/")

    hit = Client().get("/")

    assert hit["X-Page-Cache"] == "hit"
    directives = policy(hit)
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in hit["Content-Security-Policy"]


def test_the_admin_carries_the_policy(client):
    client.force_login(make_user("staff@example.com", is_staff=True, is_superuser=True))

    assert policy(client.get("/admin/"))["script-src"] == "'self'"


@pytest.mark.parametrize(
    "pattern", [INLINE_SCRIPT, INLINE_STYLE, INLINE_HANDLER], ids=["script", "style", "on*="]
)
def test_no_template_of_ours_has_inline_script_or_style(pattern):
    # E-mails are read in mail programs, which need inline styles and never see our policy.
    pages = [path for path in TEMPLATES.rglob("*.html") if path.relative_to(TEMPLATES).parts[0] != "emails"]
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in pages
        for match in pattern.finditer(path.read_text())
    ]

    assert offenders == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_reports_no_violation_on_the_pages_people_use(
    live_server, browser, buyer, shop_a, shop_a_owner, product_a
):
    order = buy(buyer, (product_a, 1)).orders.get()
    staff = make_user("staff@example.com", is_staff=True, is_superuser=True)
    journeys = {
        None: [
            "/",
            product_a.get_absolute_url(),
            shop_a.get_absolute_url(),
            "/cari/?q=keripik",
            "/accounts/login/",
        ],
        buyer: ["/keranjang/", f"/pesanan/{order.number}/"],
        shop_a_owner: [
            f"/dashboard/{shop_a.slug}/",
            f"/dashboard/{shop_a.slug}/pesanan/{order.number}/slip/",
            f"/dashboard/{shop_a.slug}/produk/{product_a.pk}/",
        ],
        staff: ["/admin/", "/admin/laporan/", f"/admin/vendors/shop/{shop_a.pk}/change/"],
    }
    violations = []
    for user, paths in journeys.items():
        context = browser.new_context()
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
        page = context.new_page()
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and violations.append(message.text),
        )
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status < 400, path
            page.wait_for_load_state("load")
        context.close()

    assert violations == []
