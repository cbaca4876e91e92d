"""newsroom/cache.py against a private redis-server that the tests stop and start again."""

import logging
import time

import pytest
import redis
from pytest_django.asserts import assertContains

from newsroom import cache as resilient
from tests.helpers import make_article, post
from tests.servers import private_redis


@pytest.fixture
def server(tmp_path):
    with private_redis(tmp_path) as server:
        yield server


def new_cache(server) -> resilient.ResilientRedisCache:
    """A cache object as Django makes one per thread, with the settings' timeouts."""
    return resilient.ResilientRedisCache(
        server.url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}
    )


def stored(server, key: str) -> bool:
    return bool(redis.Redis.from_url(server.url).exists(f":1:{key}"))


def messages(caplog, level: int) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == "newsroom.cache" and r.levelno == level
    ]


def test_with_redis_stopped_reads_miss_and_writes_are_skipped_without_raising(
    server, monkeypatch
):
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0)  # every call goes to Redis and fails
    cache = new_cache(server)
    cache.set("kept", "value")
    assert cache.get("kept") == "value"

    server.stop()

    assert cache.get("kept") is None
    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept", "other"]) == {}
    assert cache.has_key("kept") is False
    assert cache.set("new", 1) is None
    assert cache.add("new", 1) is False
    assert cache.touch("kept") is False
    assert cache.delete("kept") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete_many(["a", "b"]) is None
    assert cache.clear() is False
    assert cache.get_or_set("computed", lambda: 42) == 42
    with pytest.raises(ValueError, match="the cache is unavailable"):
        cache.incr("counter")


def test_an_outage_logs_one_warning_per_process_and_one_line_when_redis_returns(
    server, monkeypatch, caplog
):
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0)
    first, second = new_cache(server), new_cache(server)  # two threads' cache objects
    first.get("warm")
    server.stop()

    with caplog.at_level(logging.INFO, logger="newsroom.cache"):
        for __ in range(10):
            first.get("page")
            second.set("page", "html")
        server.start()
        second.set("page", "html")
        assert first.get("page") == "html"

    [warning] = messages(caplog, logging.WARNING)
    assert "Redis cache unreachable in process" in warning
    assert "Connection refused" in warning
    [back] = messages(caplog, logging.INFO)
    assert "caching resumed" in back
    assert stored(server, "page")


def test_after_a_failure_redis_is_left_alone_for_a_moment_then_tried_again(server, monkeypatch):
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.3)
    cache = new_cache(server)
    server.stop()
    assert cache.get("page") is None
    server.start()

    cache.set("page", "skipped: no call goes to Redis yet")
    skipped = stored(server, "page")
    time.sleep(0.35)
    cache.set("page", "stored")

    assert skipped is False
    assert cache.get("page") == "stored"


def test_errors_other_than_an_unreachable_redis_still_raise(server):
    cache = new_cache(server)
    cache.set("text", "not a number")

    with pytest.raises(redis.exceptions.ResponseError):
        cache.incr("text")


@pytest.mark.django_db
def test_a_page_cached_before_redis_hung_is_never_served_after_a_comment_posted_meanwhile(
    server, settings, client, monkeypatch
):
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.2)
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    article = make_article(slug="story")
    post(article, body="Before Redis hung.")
    assertContains(client.get("/articles/story/"), "Before Redis hung.")
    cached = redis.Redis.from_url(server.url).keys("*discussion*")

    server.pause()
    post(article, body="While Redis hung.")  # the page it changes cannot be deleted from Redis
    during = client.get("/articles/story/")
    server.resume()
    time.sleep(0.25)
    after = client.get("/articles/story/")

    assertContains(during, "While Redis hung.")
    assertContains(after, "While Redis hung.")
    # The page from before is still in Redis, under a version no reader asks for.
    assert cached
    assert redis.Redis.from_url(server.url).exists(*cached) == len(cached)
