"""The policy header (marketplace.middleware.ContentSecurityPolicyMiddleware): built once from
the settings, the same as django-csp builds it, and django-csp's own way for what changes it."""

import pytest
from csp.constants import NONCE, SELF
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from marketplace.middleware import ContentSecurityPolicyMiddleware

pytestmark = pytest.mark.django_db


def answered(middleware_class, prepare=lambda request, response: None):
    request = RequestFactory().get("/")
    response = HttpResponse("<p>ok</p>")
    middleware = middleware_class(lambda request: response)
    middleware.process_request(request)
    prepare(request, response)
    return request, middleware.process_response(request, response)


def test_pages_carry_the_policy_django_csp_builds_from_the_settings(client):
    page = client.get("/")

    assert page["Content-Security-Policy"] == answered(CSPMiddleware)[1]["Content-Security-Policy"]
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in page


def test_a_changed_setting_changes_the_header(client, settings):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": [SELF], "img-src": [SELF, "https://cdn.example"]}
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF]}}

    page = client.get("/")

    assert set(page["Content-Security-Policy"].split("; ")) == {
        "default-src 'self'",
        "img-src 'self' https://cdn.example",
    }
    assert page["Content-Security-Policy-Report-Only"] == "default-src 'self'"


def test_a_view_that_changes_or_exempts_the_policy_is_heard():
    def updated(request, response):
        response._csp_update = {"img-src": "https://cdn.example"}

    def exempt(request, response):
        response._csp_exempt = True

    assert (
        "https://cdn.example"
        in answered(ContentSecurityPolicyMiddleware, updated)[1]["Content-Security-Policy"]
    )
    assert "Content-Security-Policy" not in answered(ContentSecurityPolicyMiddleware, exempt)[1]


def test_a_nonce_goes_in_the_header_and_cannot_be_asked_for_after_it(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    request, response = answered(
        ContentSecurityPolicyMiddleware, lambda request, response: str(request.csp_nonce)
    )
    unused, _ = answered(ContentSecurityPolicyMiddleware)

    assert f"'nonce-{request.csp_nonce}'" in response["Content-Security-Policy"]
    with pytest.raises(Exception, match="not available after the CSP header"):
        str(unused.csp_nonce)
