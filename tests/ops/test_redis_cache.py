"""The production cache backend: Django's Redis cache, with one client per process."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "ops.redis_cache.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    cache = caches["default"]
    yield cache
    cache.clear()


def test_it_keeps_and_reads_as_djangos_backend_does(redis_cache) -> None:
    redis_cache.set("a", {"page": "一"}, 30)
    redis_cache.add("n", 1, None)
    redis_cache.incr("n")
    assert redis_cache.get_many(["a", "n", "missing"]) == {"a": {"page": "一"}, "n": 2}
    redis_cache.delete("a")
    assert redis_cache.get("a") is None


def test_one_client_serves_every_call(redis_cache, monkeypatch) -> None:
    built: list[object] = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    for n in range(5):
        redis_cache.set(f"k{n}", n, 30)
        redis_cache.get_many([f"k{n}", "version"])
    assert len(built) <= 1  # Django's own backend builds one for each of these ten calls
