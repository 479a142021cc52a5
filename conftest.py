"""The test cast and the switches that keep tests fast and honest.

Services: tests that need PostgreSQL or the Redis broker skip on a laptop without
them, and fail instead under REQUIRE_SERVICES=1 (set by .ci/run), so CI never
silently skips them.
"""

import importlib
import os
import re
import shutil
import time

# Playwright's sync API runs an event loop in the test thread; the ORM must still work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.conf import settings as django_settings  # noqa: E402

from marketplace.celery import app as celery_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


# The "Dinas moderator" group is made by a data migration, and later migrations add to it.
GROUP_MIGRATION = importlib.import_module("reports.migrations.0002_dinas_moderator_group")
GROUP_ADDITIONS = [importlib.import_module("shipping.migrations.0002_dinas_moderators_edit_tariffs")]


def moderator_group():
    """The group the migrations made; made again by them when a transactional test (browser,
    worker, live server) emptied the tables, so a test does not depend on the order it runs in."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name=GROUP_MIGRATION.GROUP).exists():
        GROUP_MIGRATION.create_group(apps, None)
        for migration in GROUP_ADDITIONS:
            migration.grant(apps, None)
    return Group.objects.get(name=GROUP_MIGRATION.GROUP)


def services_required():
    return os.environ.get("REQUIRE_SERVICES") == "1"


def missing_service(reason):
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def pytest_report_header(config):
    from django.db import connection

    broker = django_settings.REDIS_URL or "none (tasks run eagerly)"
    return [f"database: {connection.vendor} {connection.settings_dict['NAME']}; broker: {broker}"]


def pytest_configure(config):
    # Tests speak plain HTTP to the test client and to the live server, whose middleware is
    # built once per session, so this cannot wait for a function-scoped fixture.
    django_settings.SECURE_SSL_REDIRECT = False
    django_settings.SECURE_HSTS_SECONDS = 0
    django_settings.SESSION_COOKIE_SECURE = django_settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def fast_isolated_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
        # No collectstatic in tests: serve from the app folders.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Views are tested as they render; the anonymous page cache has tests of its own.
    settings.PAGE_CACHE_SECONDS = 0
    # Likewise the shared fragments: factories write rows without moving the storefront version.
    settings.FRAGMENT_CACHE_SECONDS = 0
    # Each test starts with an empty cache (and never flushes the Redis database the broker uses).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Local-memory caches of one name share their data: without this, rate-limit counts of one
    # test (failed log-ins) would refuse the next test's log-in.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def site_url_of_the_live_server(request, settings):
    """Absolute links (e-mails, link previews) lead to the server a browser test talks to."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks run in the test unless a test starts a real worker (see `celery_worker`)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_service("PostgreSQL is not configured (set DATABASE_URL=postgres://...)")


def pytest_generate_tests(metafunc):
    """A test asking for `database` runs once per database: SQLite and PostgreSQL.

    A run holds one database. On SQLite (a newcomer's laptop, the first pass of .ci/run) the
    PostgreSQL case skips, or fails under REQUIRE_SERVICES=1; on PostgreSQL the SQLite case
    is not collected, since the first pass of .ci/run has already run it.
    """
    if "database" in metafunc.fixturenames:
        on_sqlite = django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        metafunc.parametrize(
            "database", ["sqlite", "postgresql"] if on_sqlite else ["postgresql"], indirect=True
        )


@pytest.fixture
def database(request, db):
    """The vendor this case is about (see pytest_generate_tests), checked against the real one."""
    from django.db import connection

    if connection.vendor != request.param:
        missing_service(f"{request.param} is not the configured database (set DATABASE_URL=postgres://...)")
    return request.param


@pytest.fixture
def redis_broker():
    """The real broker from REDIS_URL, emptied of anything an earlier run left."""
    if not django_settings.REDIS_URL:
        missing_service("no Redis broker configured (set REDIS_URL=redis://127.0.0.1:6379/1)")
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        missing_service(f"the Redis broker at REDIS_URL is unreachable: {error}")
    celery_app.control.purge()
    celery_app.conf.task_always_eager = False
    yield celery_app


@pytest.fixture
def celery_worker(redis_broker, transactional_db):
    """A real Celery worker, in a thread of this process, consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(redis_broker, pool="solo", concurrency=1, perform_ping_check=False) as worker:
        yield worker


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks are published (not run eagerly) to a broker address where nothing listens."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    # Forget connections and producers already made for the configured broker.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    # Whatever an earlier test learnt about this address is not this test's.
    monkeypatch.setattr("marketplace.outages._unanswered_until", {})


def wait_for(condition, timeout=10.0, interval=0.05):
    """Poll until `condition()` is truthy; the value, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if services_required():
            pytest.fail("REQUIRE_SERVICES=1 but Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture
def screenshot(page):
    """screenshot("name"[, other_page]) saves the page as PNG under SCREENSHOT_DIR (CI prints the folder)."""
    folder = os.environ.get("SCREENSHOT_DIR")

    def save(name, target=None):
        if folder:
            os.makedirs(folder, exist_ok=True)
            (target or page).screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)

    return save


# --- Pages compared ----------------------------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def without_tokens(html):
    """The page without its forms' CSRF tokens, which differ with every answer."""
    return CSRF_FIELD.sub("", html)


# --- The cast ---------------------------------------------------------------------------


def make_user(email, password="correct-horse-battery", **extra):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email=email, password=password, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def password():
    return "correct-horse-battery"


@pytest.fixture
def buyer(db):
    return make_user("buyer@example.com", first_name="Budi")


@pytest.fixture
def moderator(db):
    return make_user("moderator@example.com", is_staff=True)
