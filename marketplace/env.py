"""Reading configuration from the environment.

Every helper fails with a ``ConfigError`` naming the variable, so a typo in a
deployment stops start-up with one clear line instead of a traceback.
"""

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url


class ConfigError(Exception):
    pass


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-set-SECRET_KEY-in-production"


def required_secret_key(name, *, debug):
    """The signing key; only a DEBUG machine may fall back to the public development one."""
    key = os.environ.get(name, "").strip()
    if key:
        return key
    if debug:
        return DEVELOPMENT_SECRET_KEY
    raise ConfigError(f"{name} must be set when DEBUG is off (a long random string, see docs/deploy.md)")


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number; got {raw!r}") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def database_config(name, default_url, *, conn_max_age=60):
    """A ``DATABASES['default']`` dict from a URL such as postgres://user@host:5432/db."""
    url = os.environ.get(name, "").strip() or default_url
    scheme = urlsplit(url).scheme
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            f"{name} must look like postgres://user:password@host:5432/dbname or sqlite:///path; got {url!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except ValueError as error:
        raise ConfigError(f"{name} is not a valid database URL ({error}); got {url!r}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise ConfigError(f"{name} names no database (add /dbname at the end); got {url!r}")
    return config


def cache_key_prefix(site_name, database):
    """A cache key prefix of this site: its name and database, in letters, digits and dashes."""
    where = f"{database.get('HOST', '')}-{database.get('NAME', '')}"
    name = re.sub(r"[^a-z0-9]+", "-", f"{site_name}-{Path(str(where)).name}".lower()).strip("-")
    digest = hashlib.sha256(f"{site_name}|{where}".encode()).hexdigest()[:8]
    return f"{name[:40]}-{digest}"


REDIS_SCHEMES = {"redis", "rediss"}


def redis_url(name):
    """The Redis URL, or "" when the variable is unset (tasks then run eagerly)."""
    url = os.environ.get(name, "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise ConfigError(f"{name} has a port that is not a number; got {url!r}") from None
    if parts.scheme not in REDIS_SCHEMES or not parts.hostname:
        raise ConfigError(f"{name} must look like redis://host:6379/0; got {url!r}")
    return url


def s3_storages(*, private_bucket="", private_url_seconds=300, **public_options):
    """(public, private) STORAGES entries for S3-compatible media (AWS, MinIO, ...).

    Public media (logos, product renditions) use the AWS_* settings. Private files (KTP photos,
    payment proofs, product originals) go to `private_bucket`, or under `private/` of the public
    bucket when none is given; they are read through permission-checked views, and any URL made
    for them is signed and expires after `private_url_seconds`.
    """
    backend = "storages.backends.s3.S3Storage"
    private = {
        "location": "" if private_bucket else "private",
        "querystring_auth": True,
        "querystring_expire": private_url_seconds,
        "custom_domain": None,
        "default_acl": None,
        **({"bucket_name": private_bucket} if private_bucket else {}),
    }
    public = {"BACKEND": backend, "OPTIONS": public_options} if public_options else {"BACKEND": backend}
    return public, {"BACKEND": backend, "OPTIONS": private}


WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}


def development_site_url(host, port):
    """The address `make run` serves on; a server listening on every interface is reached
    through the loopback address."""
    host = "127.0.0.1" if host in WILDCARD_HOSTS else host
    return f"http://{host}:{port}"


def media_origins(bucket, endpoint_url, custom_domain):
    """Where photos are served from when media lives in a bucket (for the CSP's img-src)."""
    if not bucket:
        return []
    if custom_domain:
        return [f"https://{custom_domain}"]
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://*.{parts.netloc}"]
    return ["https://*.amazonaws.com"]
