"""Whole-page cache for anonymous visitors of the public storefront.

Most storefront traffic is people opening a link shared on WhatsApp: no account, no cart, no
cookies. Their pages are identical for everyone who reads the same language, so they are
rendered once and served from the cache for a minute, or until the catalogue changes
(`storefront_changed()` moves the version that every key includes).

Orders do not move the version: stock, sales counts and reviews on a cached page may be up to
PAGE_CACHE_SECONDS old, which is harmless because the cart and the checkout always read the
database. A version change on every checkout would leave a busy marketplace without a cache.

A visitor with any state of their own (a session, so also a log-in or a cart, a message, a
region choice) is never served from this cache, and a response that sets any cookie but the
CSRF one is never stored. The one per-visitor part of an anonymous page, the CSRF token of its
forms, is stored as a placeholder and filled in for each visitor.

The middleware sits near the top of MIDDLEWARE so that a hit skips the rest of the stack; what
those middlewares add to a page (security headers, Content-Language, Vary) is stored with it.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token

from marketplace.middleware import chosen_language

logger = logging.getLogger(__name__)

VERSION_KEY = "storefront:version"
CSRF_PLACEHOLDER = b"__csrf_token_placeholder__"
# What {% csrf_token %} renders; each form gets its own masked copy of the visitor's secret.
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
# Cookies that do not make a visitor's page their own.
NEUTRAL_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
STORED_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Vary")


def storefront_changed():
    """Call in any write that buyers see on public pages (a product, a shop's status, stock).

    The version moves after the commit: earlier, a page rendered from the old rows could be
    stored under the new version.
    """
    transaction.on_commit(new_storefront_version)


def new_storefront_version():
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 1, timeout=None)
    except Exception:
        # Runs after the commit: the write is saved, so a cache that is away must not turn it
        # into an error page. Pages cached before expire by themselves (PAGE_CACHE_SECONDS).
        logger.warning("Could not move the storefront cache version", exc_info=True)


def is_cacheable_request(request):
    # Without a session cookie nobody is logged in and there is no cart or message.
    return (
        request.method in ("GET", "HEAD")
        and (request.path == "/" or request.path.startswith(settings.PAGE_CACHE_PREFIXES))
        and set(request.COOKIES) <= NEUTRAL_COOKIES
    )


def page_key(request):
    version = cache.get(VERSION_KEY, 0)
    # get_host() checks ALLOWED_HOSTS (a stored page must not skip that) and puts the host and
    # port in the key: pages carry absolute links, and one request naming another port must
    # not hand those links to everybody.
    digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()[:32]
    return f"page:{version}:{chosen_language(request)}:{digest}"


def is_storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def snapshot(response):
    content, forms = CSRF_INPUT.subn(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", response.content)
    headers = {name: response[name] for name in STORED_HEADERS if name in response}
    return {"content": content, "headers": headers, "uses_csrf": forms > 0}


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # A hit skips the CSRF middleware further down; pages with forms borrow it here.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if settings.PAGE_CACHE_SECONDS <= 0 or not is_cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        cached = cache.get(key)
        if cached is not None:
            return self.replay(request, cached)
        response = self.get_response(request)
        if is_storable(response):
            cache.set(key, snapshot(response), settings.PAGE_CACHE_SECONDS)
        return response

    def replay(self, request, cached):
        content = cached["content"]
        if cached["uses_csrf"]:
            self.csrf.process_request(request)
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content)
        for name, value in cached["headers"].items():
            response[name] = value
        response["X-Page-Cache"] = "hit"
        if cached["uses_csrf"]:
            response = self.csrf.process_response(request, response)
        return response
