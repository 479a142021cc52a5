"""Whole-page cache for the public storefront: anonymous visitors, buyers and guests with a cart.

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
sales counts and reviews on a cached page may be up to PAGE_CACHE_SECONDS old, plus the age of
the fragments it was put together from (below), which is harmless because the cart and the
checkout always read the database. A version change on every checkout would leave a busy
marketplace without a cache.

A visitor without a session gets the stored page as it is. The one per-visitor part of such a
page, the CSRF token of its forms, is stored as a placeholder and filled in for each visitor; a
response that sets any cookie but the CSRF one and the remembered region is never stored. Pages
are stored compressed as well (`marketplace.compressed`), so a hit compresses only the parts
that are the visitor's own, and the answer to the view that stored a page is made from those
compressed segments too, not compressed a second time by the GZip middleware.

Links shared on Facebook or in a campaign carry tracking parameters (`fbclid`, `utm_source`,
...) that change nothing on the page: the key leaves them out, so such links share one entry.
The region a visitor last filtered by (the `wilayah` cookie) only changes the home page's
"near you" block, so it is part of the home page's key and no reason to skip the cache. A
filtered listing sets that cookie from its URL alone, so the cookie is stored with the page.

Visitors with a session (a logged-in buyer, a guest with a cart) get the same stored pages, with
their own header put in. base.html marks the personal part of the layout (`<!--personal-->`:
cart units, unread notifications, "My shop", the account links and the log-out form); a page is
stored with a placeholder there, and that part is stored on its own, per visitor (a user, or a
guest's cart token) and language. Nothing else on a storefront page depends on the visitor but
being logged in or not (the product page's report form), so there is one stored page per
audience ("guest", "member") besides the anonymous one. A hit costs one cache round trip for
the session (the sessions are `cached_db`: a cache read, written through to the database so a
cache outage loses none), the storefront version, the page, the header and the visitor's
version: no query. The header's keys depend on whom the session names, so that round trip
takes them from a hint cookie (`VISITOR_COOKIE`) that the visitor's previous page set: an
opaque name for the visitor, never trusted. What the session names is checked against it, and
when they differ (no hint yet, a log-in, a forged cookie) the header is read in a second round
trip under the session's own name, as if there had been no hint.

A stored page records the storefront version it was rendered under and is read in the same
round trip as the current version; a page of an older version is a miss and is overwritten.
When the page is current but the visitor's header is not (they added to their cart, a
notification came), the page is not rendered again: the request goes down the stack as usual
(session, user, language, CSRF), and in place of the view the header alone is rendered
(`process_view`), stored and put into the stored page. The first page after an "add to cart"
costs the header's queries, not the whole page's.

The visitor's header is kept fresh by construction, like the pages: it is stored with the
visitor's version, a random value that the writers replace after their commit
(`visitor_changed`, `cart_changed`): the cart services (add, update, remove, merge at log-in,
checkout), notification delivery and marking read, shop membership (a new shop, an accepted
invitation, a removed member) and every save of the user (name, e-mail, password, activity,
language). Log-in and log-out give a new session, so a new key by themselves, and the header
also records the session's password hash, so a session that a password change ended is never
shown its old header. A page rendered anew for a visitor whose header is stored and current
(a search nobody made before, a page whose stored copy expired) takes that header too
(`{% personal %}`), once the request is known to still be that visitor's: the header's own
queries (cart units, unread notifications, "My shop") run once per change, not once per page.
Pages never stored (the cart, checkout, orders, the shop dashboard) take it the same way, and
store the header they render (`reuses_stored_header`).
Anything unusual goes through the whole stack and is not stored: a POST, messages waiting (a
`messages` cookie or in the session), another cookie, a response that sets a cookie (a session
that changed), a page without exactly one personal part, a response made for another visitor
than the session named before the view ran.

Everyone who misses the page cache gets pages put together from shared fragments (product cards,
listing bodies, filter choices, home page blocks, a category's heading, the product page's own
parts) stored under the same version, so the writes that refresh cached pages refresh those
fragments too (`cached_fragment`, `cached_fragments`), and a product page follows the same rule
for stock and reviews as a stored page. Like a stored page, a fragment records its version, and
a page's first fragment read brings the current version along: a page put together from
fragments costs one cache round trip. A product card records a version of its product's own
instead, which the writes about that product move (`storefront_changed(product_ids)`: an edit,
a photo, a sell-out) as do a completed sale and a new review (`products_changed`), and a
version of every card, which the writes that may show on any card move (a shop renamed, an
admin's edit): a card never shows an older sales count or rating than its writes, one vendor's
edit leaves every other card in place, so cards outlive the listing bodies made of them, and a
listing nobody asked for in the last minute is rendered around cards that other listings keep
fresh. A fragment with forms keeps a hole where each visitor's CSRF token goes
(`with_csrf_token`).

The middleware sits near the top of MIDDLEWARE so that a hit skips the rest of the stack; what
those middlewares add to a page (security headers, Content-Language, Vary) is stored with it.
"""

import hashlib
import logging
import re
import secrets
import string
import uuid
from functools import wraps
from importlib import import_module
from typing import NamedTuple
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.core.handlers.wsgi import get_str_from_wsgi
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.encoding import iri_to_uri
from django.utils.regex_helper import _lazy_re_compile
from django.utils.safestring import SafeString, mark_safe

from marketplace.compressed import CSRF_HOLE, PERSONAL_HOLE, compress_page, gzipped_page, has_hole, plain_page
from marketplace.messages import built_storage
from marketplace.middleware import chosen_language

logger = logging.getLogger(__name__)

VERSION_KEY = "storefront:version"
# Product cards are stamped with this and their product's own version, not with VERSION_KEY.
CARDS_VERSION_KEY = "storefront:cards"
# The region a buyer last filtered by ("32" or "32.14"), remembered for the home page.
REGION_COOKIE = "wilayah"
REGION_CODE = re.compile(r"\d{2}(\.\d{2})?")
# Added by ad networks, mail and chat apps to links; they never change what a page shows.
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
}  # fmt: skip
TRACKING_PREFIXES = ("utm_",)
CSRF_PLACEHOLDER = CSRF_HOLE
# What {% csrf_token %} renders; each form gets its own masked copy of the visitor's secret.
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
# The name of the visitor the session named on their previous storefront page (visitor_name):
# a hint for reading their header with their session, checked before it is used.
VISITOR_COOKIE = "pengunjung"
VISITOR_NAME = re.compile(r"(user|cart)\.[0-9a-f]{32}")
# Cookies that do not make a visitor's page their own.
NEUTRAL_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, REGION_COOKIE, VISITOR_COOKIE}
STORED_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Vary", "Content-Security-Policy")
# Cookies a stored page may set for everyone who gets it: the region is the URL's own filter.
STORED_COOKIES = {REGION_COOKIE}
ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")  # as Django's GZipMiddleware

# The session key under which a guest's cart token is kept (orders uses it for the cart).
GUEST_CART_SESSION_KEY = "cart_token"
# Where django.contrib.messages keeps messages waiting in the session.
MESSAGES_SESSION_KEY = "_messages"
# base.html marks the visitor's own part of the header (account links, cart, notifications).
PERSONAL_PART = re.compile(rb"<!--personal-->.*?<!--/personal-->", re.S)
PERSONAL_PLACEHOLDER = PERSONAL_HOLE


def storefront_changed(product_ids=None):
    """Every cached storefront page is stale: call from the service that writes what buyers see.

    `product_ids` names the products whose cards the write changed: only their cards are
    stale, and every other card lives on. A vendor's edit, a photo made ready or a sell-out
    would otherwise throw away every card of the catalogue, many times a minute on a busy
    marketplace. Without it (a shop renamed, an admin's edit), every card is stale too.

    The stock module calls it when a product sells out or comes back. The versions move after
    the commit: earlier, a page rendered from the old rows could be stored under the new version.
    The cards' versions move first: a listing rendered between the two moves, under the new
    storefront version, must not be made of the old cards.
    """
    if product_ids is None:
        transaction.on_commit(every_card_changed)
    else:
        products_changed(product_ids)
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


def every_card_changed():
    new_versions([CARDS_VERSION_KEY], "the cards'")


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
    """A copy of a QueryDict without tracking parameters: what links use."""
    return query_keeping(query, lambda name: not is_tracking(name))


def shared_query_string(request):
    """The request's query string without tracking parameters, the rest as the visitor sent it:
    what stored pages are keyed by and the language switch sends back. Worked out once per
    request from the raw string, in a tenth of the time a QueryDict takes, on every hit."""
    shared = getattr(request, "_shared_query_string", None)
    if shared is None:
        parts = get_str_from_wsgi(request.META, "QUERY_STRING", "").split("&")
        kept = "&".join(
            part for part in parts if part and not is_tracking(unquote_plus(part.partition("=")[0]))
        )
        shared = request._shared_query_string = iri_to_uri(kept)
    return shared


def query_keeping(query, keep):
    """A mutable copy of a QueryDict with only the parameters whose name `keep(name)` accepts:
    built anew, not a deep copy trimmed afterwards (four times faster, on every listing)."""
    kept = QueryDict(mutable=True, encoding=query.encoding)
    for name, values in query.lists():
        if keep(name):
            kept.setlist(name, list(values))
    return kept


def remembered_region(request):
    code = request.COOKIES.get(REGION_COOKIE, "")
    return code if REGION_CODE.fullmatch(code) else ""


def fragment_key(name, parts, language):
    # The storefront version is not in the key but in the stored value, so that a page's first
    # fragment read also fetches the version (`read_fragments`): one round trip, not two.
    # `language` is translation.get_language(), which callers making many keys ask once.
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"fragment:{language}:{name}:{digest}"


def read_fragments(request, keys):
    """(the storefront version, {key: fragment} of those stored under it): `read_versioned`."""
    version, found = read_versioned(request, keys)
    return version, {key: stored[1] for key, stored in found.items() if stored[0] == version}


def read_versioned(request, keys):
    """(the storefront version, {key: value} as stored) in one round trip; the version is read
    along unless this request already knows it."""
    version = getattr(request, "_storefront_version", None)
    if version is None:
        found = cache.get_many([VERSION_KEY, *keys])
        version = found.pop(VERSION_KEY, 0)
        if request is not None:
            request._storefront_version = version
    else:
        found = cache.get_many(keys)
    return version, found


def prefetch_fragments(request, wanted):
    """Read the fragments a page is about to ask for, [(name, parts), ...], in one round trip."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return
    language = translation.get_language()
    keys = [fragment_key(name, parts, language) for name, parts in wanted]
    found = read_fragments(request, keys)[1]
    request._fragments = {**getattr(request, "_fragments", {}), **{key: found.get(key) for key in keys}}


def cached_fragment(request, name, parts, render):
    """`render()`'s result, shared by every visitor until the storefront changes.

    `parts` (a tuple of plain values) says what the result depends on besides the version and
    the language; nothing about the visitor may go in.
    """
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return render()
    key = fragment_key(name, parts, translation.get_language())
    prefetched = getattr(request, "_fragments", {})
    if key in prefetched:
        version, value = storefront_version(request), prefetched[key]
    else:
        version, found = read_fragments(request, [key])
        value = found.get(key)
    if value is None:
        value = render()
        cache.set(key, (version, value), settings.FRAGMENT_CACHE_SECONDS)
    return value


def cached_fragments(request, name, items, render, *, own_version=None, seconds=None):
    """{part: fragment} for many items at once (one cache round trip): `render(missing)` returns
    {part: fragment} for the parts the cache did not have.

    With `own_version(part)`, the name of a version key of the part's own (`products_changed`
    moves them), a part is stale once its own version or CARDS_VERSION_KEY moves, and not when
    the storefront version does: what such a part shows is then never older than its writes,
    and it may live `seconds` instead of the FRAGMENT_CACHE_SECONDS that bound the others.
    """
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return render(list(items))
    language = translation.get_language()
    keys = {fragment_key(name, part, language): part for part in items}
    owns = {key: own_version(part) for key, part in keys.items()} if own_version else {}
    versions = [CARDS_VERSION_KEY, *owns.values()] if owns else []
    version, stored = read_versioned(request, [*keys, *versions])
    stamps = {
        key: (stored.get(CARDS_VERSION_KEY, 0), stored.get(owns[key], 0)) if owns else version for key in keys
    }
    found = {
        part: stored[key][1] for key, part in keys.items() if key in stored and stored[key][0] == stamps[key]
    }
    missing = [part for part in items if part not in found]
    if missing:
        rendered = render(missing)
        cache.set_many(
            {key: (stamps[key], rendered[part]) for key, part in keys.items() if part in rendered},
            seconds or settings.FRAGMENT_CACHE_SECONDS,
        )
        found.update(rendered)
    return found


def products_changed(product_ids):
    """What these products' cards show besides what moves the storefront version (their sales
    count, their rating) has changed: their cards are stale. Call from the service that wrote
    it; the versions move after the commit, as the storefront version does."""
    keys = [product_version_key(pk) for pk in sorted(set(product_ids))]
    if keys:
        transaction.on_commit(lambda: new_versions(keys, "a product's"))


def product_version_key(pk):
    return f"product:{pk}"


def new_versions(keys, whose):
    # A fresh random value, never a counter: a version evicted and started again can never
    # meet a fragment stored under an old value that happened to be equal.
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
    except Exception:
        logger.warning("Could not move %s version", whose, exc_info=True)


# What {% csrf_token %} renders in a shared fragment (`csrf_token` set to CSRF_TOKEN_HOLE in its
# context); `with_csrf_token` puts each visitor's own token there.
CSRF_TOKEN_HOLE = CSRF_HOLE.decode()
CSRF_FIELD_HOLE = f'name="csrfmiddlewaretoken" value="{CSRF_TOKEN_HOLE}"'


def with_csrf_token(request, parts):
    """A shared fragment's parts ({name: value}) with this visitor's CSRF token in their forms.

    Only the hidden field as {% csrf_token %} renders it is filled: text that users typed is
    escaped on the page, so it can never spell that field and be given someone's token."""
    filled = None
    result = {}
    for name, value in parts.items():
        if isinstance(value, SafeString) and CSRF_FIELD_HOLE in value:
            filled = filled or f'name="csrfmiddlewaretoken" value="{csrf_token(request)}"'
            value = mark_safe(value.replace(CSRF_FIELD_HOLE, filled))  # noqa: S308
        result[name] = value
    return result


# --- Visitors with a session: the shared page plus their own header ---------------------------


def visitor_changed(*, user_id=None, cart_token=None):
    """What the header shows this visitor (cart units, unread notifications, "My shop", name,
    log-in) has changed: call from the service that wrote it. Moves after the commit, like the
    storefront version, so a header rendered from the old rows is never stored as new."""
    keys = []
    if user_id is not None:
        keys.append(visitor_version_key(visitor_name("user", str(user_id))))
    if cart_token:
        keys.append(visitor_version_key(visitor_name("cart", str(cart_token))))
    if keys:
        transaction.on_commit(lambda: new_visitor_versions(keys))


def cart_changed(cart):
    """A cart's lines changed: its owner's header (a user's, or a guest's by token) is stale."""
    visitor_changed(user_id=cart.user_id, cart_token=cart.token)


def new_visitor_versions(keys):
    new_versions(keys, "a visitor's header")


def visitor_name(kind, ident):
    """The visitor's name in their cache keys and hint cookie: "user." or "cart." and a keyed
    digest, so neither a user's id nor a guest's cart token (the key to their cart) is sent."""
    digest = salted_hmac("marketplace.pagecache.visitor", f"{kind}:{ident}", algorithm="sha256")
    return f"{kind}.{digest.hexdigest()[:32]}"


def visitor_version_key(name):
    return f"visitor:{name}"


def personal_header_key(name, language):
    # Stored compressed (compress_page); keys of other forms are from older releases, never read.
    return f"personal:{name}:{language}"


def audience(name):
    """Whose stored page a visitor gets: "member" (logged in) or "guest"."""
    return "member" if name.startswith("user.") else "guest"


def start_visitor_version(key):
    cache.add(key, uuid.uuid4().hex, timeout=None)
    return cache.get(key)


class VisitorHeader(NamedTuple):
    """Where the header of the visitor a session names is kept, and what makes it current."""

    kind: str  # "user" or "cart"
    ident: str
    auth: str  # the session's password hash
    name: str  # visitor_name(kind, ident)
    key: str  # the stored header, in the request's language
    version_key: str


def visitor_header(request, session_data):
    """The VisitorHeader of the visitor `session_data` names; None for a session of an
    authentication backend no longer configured."""
    kind, ident = visitor_of(session_data)
    if kind == "user" and session_data.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    name = visitor_name(kind, ident)
    return VisitorHeader(
        kind,
        ident,
        session_data.get(HASH_SESSION_KEY, ""),
        name,
        personal_header_key(name, chosen_language(request)),
        visitor_version_key(name),
    )


def hinted_visitor(request):
    """The visitor name of the hint cookie, when it has the form of one; nothing more is known."""
    hint = request.COOKIES.get(VISITOR_COOKIE, "")
    return hint if VISITOR_NAME.fullmatch(hint) else None


def hinted_keys(request, hint):
    """The keys personal() reads for the visitor `hint` names: their page, header and version."""
    if hint is None:
        return []
    return [
        page_key(request, audience(hint)),
        personal_header_key(hint, chosen_language(request)),
        visitor_version_key(hint),
    ]


def remember_visitor(response, visitor, hint):
    """Set the hint cookie to the visitor's name when the request did not carry it."""
    if visitor.name != hint:
        response.set_cookie(
            VISITOR_COOKIE,
            visitor.name,
            max_age=settings.SESSION_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def store_header(visitor, version, part):
    """Keep a header as rendered (`part`, bytes, its CSRF token a hole) for the visitor's next
    pages; returns what was stored."""
    stored = {"version": version, "auth": visitor.auth, "content": compress_page(part)}
    # Writes keep it fresh; the expiry bounds what a write made while the cache was away (its
    # version could not move) leaves stale, as for pages.
    cache.set(visitor.key, stored, settings.PAGE_CACHE_SECONDS)
    return stored


def visitor_of(session_data):
    """("user", id) for a logged-in visitor, else ("cart", the guest's cart token or "")."""
    user_id = session_data.get(SESSION_KEY)
    if user_id is not None:
        return "user", str(user_id)
    return "cart", str(session_data.get(GUEST_CART_SESSION_KEY) or "")


def load_session(request, keys):
    """(the session's data, {key: value} for `keys` and the storefront version), the session
    read once for the whole request: the session middleware further down takes this store
    rather than reading it again. With cached_db sessions in the default cache, the session
    comes in the same cache round trip as `keys`; the store reads it itself when it was not
    there (a session the cache lost is read from the database and cached again)."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore(request.COOKIES[settings.SESSION_COOKIE_NAME])
    in_default_cache = engine.__name__ == "django.contrib.sessions.backends.cached_db" and (
        settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS
    )
    cached_as = [session.cache_key] if in_default_cache and session.session_key else []
    found = read_with_version(request, cached_as + keys) if cached_as or keys else {}
    data = found.pop(cached_as[0], None) if cached_as else None
    # What the store's first access does, without marking the session as used (Vary: Cookie).
    session._session_cache = data if data is not None else session.load()
    request._read_session = session
    return session._session_cache, found


def is_storefront_get(request):
    return request.method in ("GET", "HEAD") and (
        request.path == "/" or request.path.startswith(settings.PAGE_CACHE_PREFIXES)
    )


def cookies_with_a_value(request):
    # An emptied cookie (a deleted one, sent back by a client that keeps it) carries nothing.
    return {name for name, value in request.COOKIES.items() if value}


def is_cacheable_request(request):
    # Without a session cookie nobody is logged in and there is no cart or message.
    return is_storefront_get(request) and cookies_with_a_value(request) <= NEUTRAL_COOKIES


def is_personal_request(request):
    """A storefront GET whose only cookie of its own is the session's."""
    cookies = cookies_with_a_value(request)
    return (
        is_storefront_get(request)
        and settings.SESSION_COOKIE_NAME in cookies
        and cookies <= NEUTRAL_COOKIES | {settings.SESSION_COOKIE_NAME}
    )


def page_key(request, audience=""):
    """`audience` ("guest", "member") keeps apart pages whose body differs by being logged in
    (the product page's report form); the header itself is never part of such a page. The
    storefront version is not in the key but in the stored page (`read_with_version`)."""
    # get_host() checks ALLOWED_HOSTS (a stored page must not skip that) and puts the host and
    # port in the key: pages carry absolute links, and one request naming another port must
    # not hand those links to everybody.
    query = shared_query_string(request)
    # Only the home page shows the remembered region.
    region = remembered_region(request) if request.path == "/" else ""
    digest = hashlib.sha256(f"{request.get_host()}{request.path}?{query}#{region}".encode()).hexdigest()[:32]
    return f"page:{chosen_language(request)}:{audience}{':' if audience else ''}{digest}"


def read_with_version(request, keys):
    """{key: value} for `keys` and the storefront version, in one cache round trip."""
    found = cache.get_many([VERSION_KEY, *keys])
    request._storefront_version = found.pop(VERSION_KEY, 0)
    return found


def current_page(request, found, key):
    cached = found.get(key)
    return cached if cached is not None and cached["version"] == storefront_version(request) else None


def is_storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME} | STORED_COOKIES
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def without_csrf(content):
    return CSRF_INPUT.subn(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", content)


def snapshot(request, response, content=None):
    content = without_csrf(response.content if content is None else content)[0]
    return {
        "version": storefront_version(request),
        "body": compress_page(content),
        "headers": {name: response[name] for name in STORED_HEADERS if name in response},
        "cookies": {name: morsel for name, morsel in response.cookies.items() if name in STORED_COOKIES},
    }


def is_plain(response):
    # A page that already shows a placeholder (a product named so) stays out.
    return CSRF_PLACEHOLDER not in response.content and PERSONAL_PLACEHOLDER not in response.content


def personal_snapshot(request, response):
    """(the page without its personal part, that part) or None if the page has no such part."""
    parts = PERSONAL_PART.findall(response.content)
    if len(parts) != 1 or not is_plain(response):
        return None
    page = snapshot(request, response, PERSONAL_PART.sub(PERSONAL_PLACEHOLDER, response.content))
    return page, without_csrf(parts[0])[0]


def served_as(request, kind, ident):
    """The response was made for the visitor the session named before the view ran."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or session is None:
        return False
    if kind == "user":
        return user.is_authenticated and str(user.pk) == ident
    return not user.is_authenticated and str(session.get(GUEST_CART_SESSION_KEY) or "") == ident


def stored_personal_header(request):
    """The visitor's stored header, their CSRF token put in, for a page rendered anew
    (`{% personal %}`); None unless the page cache found it current and the request is still
    that visitor's (a session that a password change or a deactivation ended is not)."""
    stored = getattr(request, "_stored_personal_header", None)
    if stored is None:
        return None
    kind, ident, content = stored
    if not served_as(request, kind, ident):
        return None
    return filled_header(request, content)


def filled_header(request, content):
    """A stored header (compressed, its CSRF token a hole) with this visitor's token put in."""
    return mark_safe(plain_page(content, {CSRF_HOLE: csrf_token(request).encode()}).decode())  # noqa: S308


def is_current(stored_header, version, auth_hash):
    """The stored header was made under the visitor's current version and for a session their
    password still lets in."""
    return (
        stored_header is not None
        and stored_header["version"] == version
        and stored_header["auth"] == auth_hash
    )


# --- The same header on pages the page cache does not keep ------------------------------------


def reuses_stored_header(view):
    """For a view whose pages the page cache does not keep (the cart, checkout, orders) and whose
    GET changes nothing the header shows: its {% personal %} takes the visitor's stored header
    when current, else stores the one it renders (`kept_header`). The header's queries (cart
    units, unread notifications, "My shop") and its rendering then run once per change, not
    on every such page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request._keeps_header = request.method in ("GET", "HEAD")
        return view(request, *args, **kwargs)

    return wrapper


def kept_header(request, render):
    """The header of a `reuses_stored_header` page, `render()` giving it rendered anew; None
    when the page must render its own (the cache off, another kind of page or visitor).

    Looked up when the template gets to the header, so a version that the view's own writes
    moved (after their commit) is already the one compared."""
    if settings.PAGE_CACHE_SECONDS <= 0 or not getattr(request, "_keeps_header", False):
        return None
    visitor = visitor_header(request, request.session) if request.session.session_key else None
    if visitor is None:
        return None
    found = cache.get_many([visitor.key, visitor.version_key])
    version = found.get(visitor.version_key) or start_visitor_version(visitor.version_key)
    if version is None or not served_as(request, visitor.kind, visitor.ident):
        return None
    if is_current(found.get(visitor.key), version, visitor.auth):
        return filled_header(request, found[visitor.key]["content"])
    rendered = render()
    store_header(visitor, version, without_csrf(rendered.encode())[0])
    return rendered


def csrf_token(request):
    """What django.middleware.csrf.get_token() gives a form, for the forms of a stored page, a
    stored header or a shared fragment.

    The same token, masked as Django masks it, its random characters drawn in one read of the
    system's random source: get_token() draws each of them on its own, five times slower (0.04 ms
    against 0.008 ms for a mask). A visitor without a valid cookie (every first visit, every
    link opened from a chat) gets a new secret the same way, as get_token() would give one: the
    CSRF middleware sends it as the cookie. Its process_request has run.
    """
    if "CSRF_COOKIE" not in request.META:
        request.META["CSRF_COOKIE"] = random_csrf_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token(): the cookie is sent (again)
    return masked(request.META["CSRF_COOKIE"])


CSRF_CHARS = string.ascii_letters + string.digits  # Django's CSRF_ALLOWED_CHARS
CSRF_INDEX = {char: index for index, char in enumerate(CSRF_CHARS)}
# Random bytes below this give each character with the same chance (248 = 4 × 62).
UNBIASED_BELOW = 256 - 256 % len(CSRF_CHARS)


def random_csrf_indexes(count):
    """`count` positions in CSRF_CHARS, each as likely as any other, from the system's random source."""
    size = len(CSRF_CHARS)
    indexes = []
    while len(indexes) < count:
        indexes += [byte % size for byte in secrets.token_bytes(48) if byte < UNBIASED_BELOW]
    return indexes[:count]


def random_csrf_chars(count):
    return "".join(CSRF_CHARS[index] for index in random_csrf_indexes(count))


def masked(secret):
    """The secret with a new random mask: the mask, then each character shifted by the mask's."""
    size = len(CSRF_CHARS)
    mask = random_csrf_indexes(len(secret))
    cipher = (CSRF_CHARS[(CSRF_INDEX[char] + shift) % size] for char, shift in zip(secret, mask, strict=True))
    return "".join(CSRF_CHARS[shift] for shift in mask) + "".join(cipher)


def showed_messages(request):
    storage = built_storage(request)
    return storage is not None and (storage.used or bool(storage._queued_messages))


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # A hit skips the CSRF middleware further down; pages with forms borrow it here.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if settings.PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        if is_cacheable_request(request):
            return self.anonymous(request)
        if is_personal_request(request):
            return self.personal(request)
        return self.get_response(request)

    def anonymous(self, request):
        key = page_key(request)
        cached = current_page(request, read_with_version(request, [key]), key)
        if cached is not None:
            return self.replay(request, cached)
        response = self.get_response(request)
        if is_storable(response) and is_plain(response):
            stored = snapshot(request, response)
            cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
            return compressed_as_stored(request, response, stored["body"])
        return response

    def personal(self, request):
        """The shared page of this audience with the visitor's own header put in.

        A hit costs one cache round trip for the session, the page, the header and the visitor's
        version when the hint cookie names the visitor the session names, two otherwise; no
        query. Anything else is rendered as usual and, when it is a plain page for the visitor
        the session named, stored in its two parts.
        """
        hint = hinted_visitor(request)
        data, found = load_session(request, hinted_keys(request, hint))
        visitor = visitor_header(request, data)
        if MESSAGES_SESSION_KEY in data or visitor is None:
            return self.get_response(request)
        page = page_key(request, audience(visitor.name))
        if visitor.name != hint:
            found = read_with_version(request, [page, visitor.key, visitor.version_key])
        return remember_visitor(self.personal_page(request, visitor, page, found), visitor, hint)

    def personal_page(self, request, visitor, page, found):
        version = found.get(visitor.version_key) or start_visitor_version(visitor.version_key)
        mine = found.get(visitor.key)
        if not is_current(mine, version, visitor.auth):
            mine = None
        cached = current_page(request, found, page)
        if mine is not None and version is not None:
            if cached is not None:
                return self.replay(request, cached, mine["content"])
            # The page is rendered anew; its header is this one ({% personal %}).
            request._stored_personal_header = (visitor.kind, visitor.ident, mine["content"])
        elif cached is not None and version is not None:
            # Only the header is stale (the cart or the notifications changed): the view is not
            # run, the header is rendered alone (process_view).
            request._header_alone_for = visitor
        response = self.get_response(request)
        if getattr(request, "_rendered_header_alone", False):
            return self.with_header_rendered_alone(request, visitor, version, cached, response)
        if version is not None and is_storable(response) and served_as(request, visitor.kind, visitor.ident):
            parts = None if showed_messages(request) else personal_snapshot(request, response)
            if parts is not None:
                if cached is None:
                    cache.set(page, parts[0], settings.PAGE_CACHE_SECONDS)
                if mine is None:
                    mine = store_header(visitor, version, parts[1])
                return compressed_as_stored(request, response, parts[0]["body"], mine["content"])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """For a stored page whose visitor's header is stale: the header alone, once the stack
        below knows the visitor (session, user, language, CSRF), in place of the view."""
        visitor = getattr(request, "_header_alone_for", None)
        if visitor is None or not served_as(request, visitor.kind, visitor.ident):
            return None  # the view renders the whole page, as for any other miss
        from marketplace.templatetags.pages import header_alone  # the template tags import this module

        request._rendered_header_alone = True
        return HttpResponse(header_alone(request))

    def with_header_rendered_alone(self, request, visitor, version, cached, response):
        """The stored page with the header `process_view` rendered, which is stored for the
        visitor's next pages unless the stack below answered with a cookie of its own."""
        part = without_csrf(response.content)[0]
        if is_storable(response):
            header = store_header(visitor, version, part)["content"]
        else:
            header = compress_page(part)
        replayed = self.replay(request, cached, header)
        for name, morsel in response.cookies.items():
            if name not in replayed.cookies:
                replayed.cookies[name] = morsel
        return replayed

    def replay(self, request, cached, personal=None):
        """The stored page for this visitor, their CSRF token and header put in."""
        body = cached["body"]
        uses_csrf = uses_csrf_token(body, personal)
        if uses_csrf:
            self.csrf.process_request(request)
        fill = holes_filled(request, uses_csrf, personal)
        response = HttpResponse()
        for name, value in cached["headers"].items():
            response[name] = value
        with_stored_body(request, response, body, fill)
        for name, morsel in cached["cookies"].items():
            response.cookies[name] = morsel
        response["X-Page-Cache"] = "hit"
        if uses_csrf:
            response = self.csrf.process_response(request, response)
        return response


def compressed_as_stored(request, response, body, personal=None):
    """A page just rendered and stored, compressed from the segments stored for it: the GZip
    middleware would compress the whole page a second time (about 0.13 ms for 20 KB)."""
    if not accepts_gzip(request):
        return response
    # The CSRF middleware has answered already: a token the page used has its cookie set.
    fill = holes_filled(request, uses_csrf_token(body, personal), personal)
    return with_stored_body(request, response, body, fill)


def with_stored_body(request, response, body, fill):
    """`response` with a stored page as its body, `fill` {hole: value} in its holes, compressed
    when the browser accepts it (the GZip middleware leaves an encoded answer alone)."""
    if accepts_gzip(request):
        response.content = gzipped_page(body, fill)
        response["Content-Encoding"] = "gzip"
    else:
        response.content = plain_page(body, fill)
    response["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def accepts_gzip(request):
    return ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) is not None


def uses_csrf_token(body, personal):
    return has_hole(body, CSRF_HOLE) or (personal is not None and has_hole(personal, CSRF_HOLE))


def holes_filled(request, uses_csrf, personal):
    """{hole: what goes in it} of a stored page for this request: its CSRF token, the header."""
    fill = {}
    if uses_csrf:
        fill[CSRF_HOLE] = csrf_token(request).encode()
    if personal is not None:
        fill[PERSONAL_HOLE] = personal
    return fill
