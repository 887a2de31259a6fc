"""A Redis cache that degrades instead of failing when Redis is away.

Sessions live in the database, so the cache only holds rate-limit counters, the login guard's
counts, cluster statistics and memoised values: losing them for a while is better than answering
500. Every read is a miss, every write is dropped, and the outage is logged once per process
until Redis answers again. Socket timeouts are short so a dead Redis costs milliseconds.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class _Outage:
    down = False


def _degrades_to(fallback):
    """Run the cache operation; while Redis is unreachable answer `fallback(args, kwargs)` instead."""

    def decorator(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            try:
                result = method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                if not _Outage.down:
                    logger.warning("cache unavailable, serving without it: %s", type(error).__name__)
                _Outage.down = True
                return fallback(args, kwargs)
            if _Outage.down:
                logger.warning("cache available again")
                _Outage.down = False
            return result

        return guarded

    return decorator


def _default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


def _missing_key(args, kwargs):
    # What Django's incr does for a key that is not there: callers already handle it.
    raise ValueError("cache unavailable")


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache whose operations survive a Redis outage."""

    def __init__(self, server, params):
        super().__init__(server, {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}})

    get = _degrades_to(_default)(RedisCache.get)
    add = _degrades_to(lambda args, kwargs: False)(RedisCache.add)
    set = _degrades_to(lambda args, kwargs: None)(RedisCache.set)
    touch = _degrades_to(lambda args, kwargs: False)(RedisCache.touch)
    delete = _degrades_to(lambda args, kwargs: False)(RedisCache.delete)
    get_many = _degrades_to(lambda args, kwargs: {})(RedisCache.get_many)
    has_key = _degrades_to(lambda args, kwargs: False)(RedisCache.has_key)
    incr = _degrades_to(_missing_key)(RedisCache.incr)
    set_many = _degrades_to(lambda args, kwargs: [])(RedisCache.set_many)
    delete_many = _degrades_to(lambda args, kwargs: None)(RedisCache.delete_many)
    clear = _degrades_to(lambda args, kwargs: False)(RedisCache.clear)
