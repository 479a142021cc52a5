"""Cache prefix, fragment lifetime, database connections and template loading from settings."""

import json

from marketplace.env import cache_key_prefix, database_config
from marketplace.tests.test_settings import TEST_SECRET, run_python

SHOW = """
import json, django
django.setup()
from django.conf import settings as s
from django.template import engines
print(json.dumps({
    "prefix": s.CACHES["default"]["KEY_PREFIX"],
    "conn_max_age": s.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": s.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "fragments": s.FRAGMENT_CACHE_SECONDS,
    "loaders": [type(loader).__module__ for loader in engines["django"].engine.template_loaders],
}))
"""


def shown(**env):
    result = run_python(["-c", SHOW], SECRET_KEY=TEST_SECRET, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_sites_or_databases_get_different_cache_prefixes_by_default():
    purwakarta = shown(SITE_NAME="Warung Purwakarta", DATABASE_URL="postgres://db.internal:5432/warung")
    batam = shown(SITE_NAME="Warung Batam", DATABASE_URL="postgres://db.internal:5432/warung")
    bench = shown(SITE_NAME="Warung Purwakarta", DATABASE_URL="postgres://db.internal:5432/warung_100k")
    with_redis = shown(SITE_NAME="Warung Batam", REDIS_URL="redis://cache.internal:6379/0")

    assert len({purwakarta["prefix"], batam["prefix"], bench["prefix"]}) == 3
    assert purwakarta["prefix"].startswith("warung-purwakarta-")
    assert with_redis["prefix"].startswith("warung-batam-")


def test_the_cache_prefix_can_be_chosen():
    assert (
        shown(CACHE_KEY_PREFIX="kota-batam", REDIS_URL="redis://cache.internal:6379/0")["prefix"]
        == "kota-batam"
    )


def test_the_prefix_is_the_same_on_every_start():
    database = database_config("DATABASE_URL", "postgres://db.internal:5432/warung")
    assert cache_key_prefix("Warung Online", database) == cache_key_prefix("Warung Online", dict(database))


def test_database_connections_persist_with_health_checks():
    defaults = shown(DATABASE_URL="postgres://db.internal:5432/warung")
    assert defaults["conn_max_age"] == 60
    assert defaults["health_checks"] is True
    assert shown(DATABASE_URL="postgres://db.internal:5432/warung", CONN_MAX_AGE="0")["conn_max_age"] == 0


def test_templates_are_compiled_once_per_process_without_debug():
    assert shown()["loaders"] == ["django.template.loaders.cached"]
    assert shown(FRAGMENT_CACHE_SECONDS="0")["fragments"] == 0
