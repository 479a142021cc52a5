from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.middleware.gzip import re_accepts_gzip
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from marketplace import compressed


def chosen_language(request):
    """The language picked with the switch (a cookie), else Bahasa Indonesia."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    supported = {code for code, _ in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the visitor picked another language with the switch.

    The browser's Accept-Language is ignored on purpose: many phones here are set to
    English while their owners shop in Indonesian, and pages must not vary by it.
    """

    def process_request(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, taking the session the page cache already read for this request
    (`pagecache.load_session`): a buyer's page rendered anew read it twice before."""

    def process_request(self, request):
        session = getattr(request, "_read_session", None)
        if session is None:
            super().process_request(request)
        else:
            request.session = session


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policies of the settings built once, not per response.

    django-csp builds both headers anew for every response: 4 % of the web workers' time on a
    search page put together from cached fragments. A response that uses a nonce, or that a
    view's csp decorator changed or exempted, still goes through django-csp as it is.
    """

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(name.startswith("_csp") for name in vars(response))
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, (policy, excluded) in settings_policies().items():
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp: a nonce asked for after the header was written is an error, not a no-op.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@cache
def settings_policies():
    """{header: (policy, path prefixes it is not sent on)}, as django-csp reads the settings."""
    policies = {}
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        policies[header] = (build_policy(report_only=report_only), tuple(excluded))
    return policies


@receiver(setting_changed)
def forget_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        settings_policies.cache_clear()


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's GZip middleware, compressing with zlib-ng (`compressed.gzipped`): the same
    answers, random-length file name included, in about half the CPU time. Streamed answers
    go to Django's."""

    def process_response(self, request, response):
        if response.streaming:
            return super().process_response(request, response)
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        content = compressed.gzipped(response.content)
        if len(content) >= len(response.content):
            return response
        response.content = content
        response.headers["Content-Length"] = str(len(content))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag  # as Django's: a strong ETag made weak
        response.headers["Content-Encoding"] = "gzip"
        return response
