"""Issue 12, item 9: Redis stopped, and PostgreSQL restarted, while gunicorn serves.

Both take their own server on a free port (tests/servers.py): the shared ones
on 6379 and 5432 serve other runs and are never stopped.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest
import redis

from tests.load.conftest import FIGURES, LoadDatabase, gunicorn
from tests.load.traffic import Traffic
from tests.servers import private_postgresql, private_redis

pytestmark = pytest.mark.load

REDIS_UP_SECONDS = 3
REDIS_DOWN_SECONDS = 4
RESTART_AFTER_SECONDS = 10
RECOVERY_LIMIT_SECONDS = 5
CHECK_REQUESTS = 80  # after recovery: enough, eight at a time, to reach every worker
POSTS_EACH = 5000  # bounds the count; the time limit ends the run first


def saved_parents(database: LoadDatabase) -> dict[int, int | None]:
    comments = database.tool("state")["comments"]
    return {int(pk): parent for pk, (parent, *__) in comments.items()}


def logged_by_process(log: str, pattern: str) -> Counter:
    return Counter(int(pid) for pid in re.findall(pattern, log))


def test_redis_stopped_while_serving_pages_come_from_the_database_and_caching_resumes(
    load_db, engine_label, tmp_path
):
    slug = load_db.tool("setup")["slug"]
    timings: dict[str, float] = {}

    with private_redis(tmp_path) as cache_server, gunicorn(
        load_db, REDIS_URL=cache_server.url, NEWSROOM_LOG_LEVEL="INFO"
    ) as server:
        keys = redis.Redis.from_url(cache_server.url, socket_timeout=1)
        assert keys.dbsize() > 0, "the site cached nothing in Redis; the test proves nothing"

        def outage(stop: threading.Event) -> None:
            if stop.wait(REDIS_UP_SECONDS):
                return
            cache_server.stop()
            stop.wait(REDIS_DOWN_SECONDS)
            cache_server.start()
            back = time.monotonic()
            while not stop.wait(0.05):
                if keys.dbsize() > 0:
                    timings["resumed"] = time.monotonic() - back
                    return

        outcome = Traffic(
            server.url, slug, posters=5, posts_each=POSTS_EACH, readers=20, read_interval=0.5,
            max_seconds=REDIS_UP_SECONDS + REDIS_DOWN_SECONDS + 6, timeout=10,
        ).run(during=outage)
        workers = set(server.worker_pids())
    log = server.log.read_text(errors="replace")
    warned = logged_by_process(log, r"Redis cache unreachable in process (\d+)")
    back = logged_by_process(log, r"Redis cache reachable again in process (\d+)")
    FIGURES.append(
        f"{engine_label}, Redis stopped {REDIS_DOWN_SECONDS} s under 20 readers and 5 posters: "
        f"{sum(outcome.reads.values())} page reads, {outcome.reads[200]} answered 200; "
        f"{outcome.statuses[303]} posts acknowledged of {len(outcome.posts)}; "
        f"{sum(warned.values())} warnings from {len(workers)} workers; caching resumed "
        f"{timings.get('resumed', float('nan')):.2f} s after Redis returned"
    )

    assert outcome.reads.keys() == {200}
    assert outcome.statuses.keys() == {303}
    assert warned == dict.fromkeys(workers, 1), log[-3000:]
    assert set(back) <= workers and set(back.values()) == {1}
    assert "resumed" in timings, "no page was cached in Redis after it came back"
    assert "Traceback" not in log
    assert saved_parents(load_db) == outcome.acknowledged


def test_postgresql_restarted_under_load_answers_again_within_seconds_and_keeps_every_post(
    tmp_path,
):
    timings: dict[str, float] = {}
    with private_postgresql() as cluster:
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
            connection.execute("CREATE DATABASE newsroom")
        database = LoadDatabase(cluster.url("newsroom"), "postgresql", tmp_path)
        database.manage("migrate", "--noinput", timeout=300)
        database.manage("collectstatic", "--noinput", "--verbosity", "0")
        slug = database.tool("setup")["slug"]
        page = f"/articles/{slug}/"

        with gunicorn(database) as server:

            def restart(stop: threading.Event) -> None:
                if stop.wait(RESTART_AFTER_SECONDS):
                    return
                began = time.monotonic()
                cluster.restart()
                back = time.monotonic()
                timings["down"] = back - began
                with httpx.Client(base_url=server.url, timeout=RECOVERY_LIMIT_SECONDS) as client:
                    while time.monotonic() - back < 3 * RECOVERY_LIMIT_SECONDS:
                        try:
                            if client.get(page).status_code == 200:
                                timings["recovered"] = time.monotonic() - back
                                return
                        except httpx.TransportError:
                            pass
                        time.sleep(0.02)

            outcome = Traffic(
                server.url, slug, posters=5, posts_each=POSTS_EACH, readers=20,
                max_seconds=30, timeout=10,
            ).run(during=restart)
            checked_from = len(server.access_log())
            with httpx.Client(base_url=server.url, timeout=10) as client, ThreadPoolExecutor(
                8
            ) as pool:
                checks = Counter(
                    pool.map(lambda _: client.get(page).status_code, range(CHECK_REQUESTS))
                )
            time.sleep(0.5)  # workers write their access line after the response
            checked_by = {pid.strip("<>") for pid, *__ in server.access_log()[checked_from:]}
            workers = {str(pid) for pid in server.worker_pids()}
        saved = saved_parents(database)
    log = server.log.read_text(errors="replace")
    FIGURES.append(
        f"PostgreSQL restarted at 10 s of 30 s under 20 readers and 5 posters: down "
        f"{timings.get('down', float('nan')):.2f} s, the site answered 200 again "
        f"{timings.get('recovered', float('nan')):.2f} s after it was back; reads "
        f"{outcome.reads[200]} ok / {sum(outcome.reads.values()) - outcome.reads[200]} failed; "
        f"posts {outcome.statuses[303]} acknowledged (all stored) / "
        f"{len(outcome.posts) - outcome.statuses[303]} refused with 503"
    )

    assert timings.get("recovered", float("inf")) <= RECOVERY_LIMIT_SECONDS, timings
    assert outcome.acknowledged.items() <= saved.items()
    assert outcome.statuses[303] > 0
    # The outage is a clean 503 "try again", never a 500 or a dropped connection.
    assert outcome.statuses.keys() <= {303, 503}
    assert outcome.reads.keys() <= {200, 503}
    assert "Traceback" not in log
    assert checks == {200: CHECK_REQUESTS}
    assert checked_by == workers, "some worker served none of the checks"
