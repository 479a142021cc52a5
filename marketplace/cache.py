"""A Redis cache that a missing or frozen Redis slows by a fraction of a second, never breaks.

Everything kept in this cache can be rebuilt (rendered pages, the storefront version, rate-limit
counters), so when Redis does not answer in time a read is a miss, a write is skipped, and the
request goes on rendering from the database. Log-in limits do not depend on it (django-axes
keeps its counts in the database) and sessions live in the database too.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from marketplace import outages

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Long enough for a healthy Redis on the local network, short enough for a page to still answer.
DEFAULT_SOCKET_TIMEOUT = 0.25


def _swallowing(method, fallback):
    # After a failure the cache is not asked again for a moment (marketplace.outages).
    def wrapper(self, *args, **kwargs):
        if outages.is_resting("cache", self._server_key):
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as error:
            outages.did_not_answer("cache", self._server_key)
            logger.warning("Cache unavailable, carrying on without it (%s): %s", method.__name__, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = method.__name__
    return wrapper


def _default_of_get(key, default=None, version=None):
    return default


def _incr_unavailable(*args, **kwargs):
    # Callers of incr() already handle a missing key; an unreachable one is treated alike.
    raise ValueError("cache unavailable")


class ReusingRedisCacheClient(RedisCacheClient):
    """Keeps one client per connection pool: a new redis.Redis per call rebuilds its table of
    ~200 response callbacks, a tenth of a millisecond each time, several times per page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        # redis-py retries three times with a back-off by default: seconds, not a fraction of one.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._server_key = str(server)

    def validate_key(self, key):
        # Redis takes any key. Django's check is for memcached's limits and walks every character
        # of every key: a tenth of a millisecond per page that reads many fragments.
        pass

    get = _swallowing(RedisCache.get, _default_of_get)
    get_many = _swallowing(RedisCache.get_many, {})
    has_key = _swallowing(RedisCache.has_key, False)
    set = _swallowing(RedisCache.set, None)
    # Fail open: allauth takes its rate-limit lock with add(), and a lock nobody can hold
    # would turn every log-in into "too many attempts".
    add = _swallowing(RedisCache.add, True)
    set_many = _swallowing(RedisCache.set_many, [])
    touch = _swallowing(RedisCache.touch, False)
    delete = _swallowing(RedisCache.delete, False)
    delete_many = _swallowing(RedisCache.delete_many, None)
    incr = _swallowing(RedisCache.incr, _incr_unavailable)
    clear = _swallowing(RedisCache.clear, False)
