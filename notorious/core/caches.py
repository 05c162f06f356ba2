"""The cache backends the site uses (settings.CACHES): Django's own, made cheaper or bounded
where the page cache needs it (notorious/core/page_cache.py).

- `RedisCache`: Django's Redis backend builds a new `redis.Redis` client for every call, and
  a client's constructor fills a table of about 170 response callbacks: measured at 10,000
  markets, that was about half the CPU time of a cached page's hit (1.9 ms a hit against
  0.9 ms with the in-memory cache). Here each connection pool's client is built once and
  reused; the pool, as before, holds the connections (and starts afresh after a fork).
- `BoundedLocMemCache`: Django's in-memory cache bounds only the number of entries (300 by
  default), and a cached page may be up to DJANGO_PAGE_CACHE_MAX_BYTES (1 MB): 300 MB per
  worker process at worst. This one also bounds the bytes it holds (`MAX_BYTES`, from
  DJANGO_PAGE_CACHE_MEMORY_BYTES), dropping the least recently used entries first.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

DEFAULT_MAX_BYTES = 32 * 1024 * 1024

# Per cache name, as Django's own per-name stores: each entry's size, and their total.
_sizes = {}


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, with one client per connection pool (see the module)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


class BoundedLocMemCache(LocMemCache):
    """Django's in-memory cache, holding at most OPTIONS["MAX_BYTES"] bytes of stored
    (pickled) values besides at most MAX_ENTRIES entries; a value larger than the whole
    budget is not kept. The least recently used entries go first."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._sizes = _sizes.setdefault(name, {})

    def held_bytes(self):
        """The bytes of the values held now."""
        with self._lock:
            return sum(self._sizes.values())

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._delete(key)
        size = len(value)
        if size > self._max_bytes:
            return
        held = sum(self._sizes.values())
        while self._cache and held + size > self._max_bytes:
            oldest, _ = self._cache.popitem()  # the least recently used: see `get`
            self._expire_info.pop(oldest, None)
            held -= self._sizes.pop(oldest, 0)
        super()._set(key, value, timeout)
        self._sizes[key] = size

    def _cull(self):
        super()._cull()
        for key in self._sizes.keys() - self._cache.keys():
            del self._sizes[key]

    def _delete(self, key):
        self._sizes.pop(key, None)
        return super()._delete(key)

    def clear(self):
        with self._lock:
            self._sizes.clear()
        super().clear()
