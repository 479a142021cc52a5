"""Whole-page cache for anonymous visitors of the public storefront.

Most storefront traffic is people opening a link shared on WhatsApp: no account, no cart, no
cookies. Their pages are identical for everyone who reads the same language, so they are
rendered once and served from the cache for a minute, or until the storefront changes.

Freshness by construction: the service functions that write what buyers see (products and
their photos, stock that sells out or comes back, shops' profile, address, shipping and status,
categories, communities, expos) call `storefront_changed()` themselves, and every admin page
for such data is a `marketplace.admin.StorefrontModelAdmin`, which calls it on every save and
delete. Views and other callers never do. One global version: almost every such write shows on
pages shared by many shops (home, search, categories, communities, expos), so per-shop versions
would be moved together with the global one nearly every time and would only add lookups.

Orders move the version only when a product sells out or comes back (checkout, cancellation):
sales counts and reviews on a cached page may be up to PAGE_CACHE_SECONDS old, which is
harmless because the cart and the checkout always read the database. A version change on every
checkout would leave a busy marketplace without a cache.

A visitor with any state of their own (a session, so also a log-in or a cart, a message) is
never served from this cache, and a response that sets any cookie but the
CSRF one is never stored. The one per-visitor part of an anonymous page, the CSRF token of its
forms, is stored as a placeholder and filled in for each visitor.

Links shared on Facebook or in a campaign carry tracking parameters (`fbclid`, `utm_source`,
...) that change nothing on the page: the key leaves them out, so such links share one entry.
The region a visitor last filtered by (the `wilayah` cookie) only changes the home page's
"near you" block, so it is part of the home page's key and no reason to skip the cache.

Everyone else, logged-in buyers and guests with a cart included, gets pages put together from
shared fragments (product cards, listing bodies, filter choices, home page blocks) stored under
the same version, so the writes that refresh cached pages refresh those fragments too
(`cached_fragment`, `cached_fragments`).

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
from django.utils import translation

from marketplace.middleware import chosen_language

logger = logging.getLogger(__name__)

VERSION_KEY = "storefront:version"
# The region a buyer last filtered by ("32" or "32.14"), remembered for the home page.
REGION_COOKIE = "wilayah"
REGION_CODE = re.compile(r"\d{2}(\.\d{2})?")
# Added by ad networks, mail and chat apps to links; they never change what a page shows.
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
}  # fmt: skip
TRACKING_PREFIXES = ("utm_",)
CSRF_PLACEHOLDER = b"__csrf_token_placeholder__"
# What {% csrf_token %} renders; each form gets its own masked copy of the visitor's secret.
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
# Cookies that do not make a visitor's page their own.
NEUTRAL_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, REGION_COOKIE}
STORED_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Vary")


def storefront_changed():
    """Every cached storefront page is stale: call from the service that writes what buyers see.

    The stock module calls it when a product sells out or comes back. The version moves after
    the commit: earlier, a page rendered from the old rows could be stored under the new version.
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


def storefront_version(request=None):
    """The current version; read once per request (every fragment of a page shares it)."""
    version = getattr(request, "_storefront_version", None)
    if version is None:
        version = cache.get(VERSION_KEY, 0)
        if request is not None:
            request._storefront_version = version
    return version


def is_tracking(name):
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def shared_query(query):
    """A copy of a QueryDict without tracking parameters: what links and cache keys use."""
    shared = query.copy()
    for name in [name for name in shared if is_tracking(name)]:
        del shared[name]
    return shared


def remembered_region(request):
    code = request.COOKIES.get(REGION_COOKIE, "")
    return code if REGION_CODE.fullmatch(code) else ""


def fragment_key(request, name, parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"fragment:{storefront_version(request)}:{translation.get_language()}:{name}:{digest}"


def prefetch_fragments(request, wanted):
    """Read the fragments a page is about to ask for, [(name, parts), ...], in one round trip."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return
    keys = [fragment_key(request, name, parts) for name, parts in wanted]
    found = cache.get_many(keys)
    request._fragments = {**getattr(request, "_fragments", {}), **{key: found.get(key) for key in keys}}


def cached_fragment(request, name, parts, render):
    """`render()`'s result, shared by every visitor until the storefront changes.

    `parts` (a tuple of plain values) says what the result depends on besides the version and
    the language; nothing about the visitor may go in.
    """
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return render()
    key = fragment_key(request, name, parts)
    prefetched = getattr(request, "_fragments", {})
    value = prefetched[key] if key in prefetched else cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, settings.FRAGMENT_CACHE_SECONDS)
    return value


def cached_fragments(request, name, items, render):
    """{part: fragment} for many items at once (one cache round trip): `render(missing)` returns
    {part: fragment} for the parts the cache did not have."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return render(list(items))
    keys = {fragment_key(request, name, part): part for part in items}
    found = {keys[key]: value for key, value in cache.get_many(list(keys)).items()}
    missing = [part for part in items if part not in found]
    if missing:
        rendered = render(missing)
        cache.set_many(
            {fragment_key(request, name, part): rendered[part] for part in missing},
            settings.FRAGMENT_CACHE_SECONDS,
        )
        found.update(rendered)
    return found


def is_cacheable_request(request):
    # Without a session cookie nobody is logged in and there is no cart or message.
    return (
        request.method in ("GET", "HEAD")
        and (request.path == "/" or request.path.startswith(settings.PAGE_CACHE_PREFIXES))
        and set(request.COOKIES) <= NEUTRAL_COOKIES
    )


def page_key(request):
    version = storefront_version(request)
    # get_host() checks ALLOWED_HOSTS (a stored page must not skip that) and puts the host and
    # port in the key: pages carry absolute links, and one request naming another port must
    # not hand those links to everybody.
    query = shared_query(request.GET).urlencode()
    # Only the home page shows the remembered region.
    region = remembered_region(request) if request.path == "/" else ""
    digest = hashlib.sha256(f"{request.get_host()}{request.path}?{query}#{region}".encode()).hexdigest()[:32]
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
