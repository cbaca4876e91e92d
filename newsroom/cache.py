"""Django's Redis cache, made to behave as an empty cache while Redis is unreachable.

Django's ``RedisCache`` raises on a lost connection, which turns a cache
outage into a site outage. Hand-written because no maintained package does
this for Django's own backend: django-redis (``DJANGO_REDIS_IGNORE_EXCEPTIONS``)
is a different backend to adopt whole, and like the small wrappers others
keep, it tries Redis again on every call and logs every failure.

While Redis cannot be reached, reads miss and writes are skipped, so pages
come from the database. Nothing needs invalidating afterwards: every key the
site writes carries the article's discussion version (and its last edit),
which each write bumps in the database, so an entry written before or during
the outage is never read again once the version has moved on.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("newsroom.cache")

# After a failure, calls skip Redis for this long instead of each paying for a
# refused or timed-out connection; then one call tries again.
RETRY_SECONDS = 1.0
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_SKIPPED = object()


class _Outage:
    """Whether one Redis server is down, as this process saw it last.

    Shared by the threads of a process (Django gives each thread its own cache
    object), so the process logs one warning when an outage starts and one
    line when it ends, however many calls fail in between.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0

    def skip(self) -> bool:
        return self.down and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        with self._lock:
            self.retry_at = time.monotonic() + RETRY_SECONDS
            if self.down:
                return
            self.down = True
        logger.warning(
            "Redis cache unreachable in process %d (%s): serving from the database, "
            "trying again every %.0f s",
            os.getpid(), error, RETRY_SECONDS,
        )

    def answered(self) -> None:
        if not self.down:
            return
        with self._lock:
            if not self.down:
                return
            self.down = False
        logger.info("Redis cache reachable again in process %d: caching resumed", os.getpid())


_outages: dict[tuple[str, ...], _Outage] = {}
_outages_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that answers as an empty cache that keeps nothing while Redis is down.

    ``incr`` raises ``ValueError`` then, as it does for a key that is not there.
    Other Redis errors (a bad command, a full server refusing writes) still
    raise: they are not an outage, and hiding them would hide a bug.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        with _outages_lock:
            self._outage = _outages.setdefault(tuple(self._servers), _Outage())

    def _call(self, operation: Callable[..., Any], *args: Any, fallback: Any) -> Any:
        if self._outage.skip():
            return fallback
        try:
            result = operation(*args)
        except _UNREACHABLE as error:
            self._outage.failed(error)
            return fallback
        self._outage.answered()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, key, value, timeout, version, fallback=False)

    def get(self, key, default=None, version=None):
        return self._call(super().get, key, default, version, fallback=default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(super().set, key, value, timeout, version, fallback=None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, key, timeout, version, fallback=False)

    def delete(self, key, version=None):
        return self._call(super().delete, key, version, fallback=False)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, keys, version, fallback={})

    def has_key(self, key, version=None):
        return self._call(super().has_key, key, version, fallback=False)

    def incr(self, key, delta=1, version=None):
        result = self._call(super().incr, key, delta, version, fallback=_SKIPPED)
        if result is _SKIPPED:
            raise ValueError(f"Key '{key}' not found: the cache is unavailable.")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that were not stored, as the cache API reports them.
        return self._call(super().set_many, data, timeout, version, fallback=list(data))

    def delete_many(self, keys, version=None):
        self._call(super().delete_many, keys, version, fallback=None)

    def clear(self):
        return self._call(super().clear, fallback=False)
