"""Issue 18, the flood: anonymous readers hammer the shared page through nginx at full speed
(wrk) while a few readers post replies; bench/front.py runs the same flood for its figures."""

import shutil
import threading
import time

import pytest

from bench.front import new_results, poster, wrk
from tests.load.conftest import FIGURES
from tests.load.front import SAME_ORIGIN, behind_nginx, reader, require_purge

pytestmark = pytest.mark.load

FLOOD_SECONDS = 10
POSTERS = 3
THREADS = 4
# Each poster posts a reply, waits for the shared page to show it, pauses, and so on:
# with staleness under a second, that is never near this many in the flood's seconds.
POSTS_EACH = 40
# The staleness measured ends when the first anonymous read that shows the reply was
# asked for (bench.front.poster): the second, which purge on write keeps.
STALE_SECONDS = 1.0


def start_threads(url: str, slug: str) -> list[int]:
    """The threads the posters reply to, posted before the flood: their pks."""
    with reader(url) as client:
        sent = [
            client.post(f"/articles/{slug}/comment/", headers=SAME_ORIGIN,
                        data={"name": "Ada", "email": "", "body": f"Thread {n}", "website": ""})
            for n in range(THREADS)
        ]
    assert [response.status_code for response in sent] == [303] * THREADS
    return [int(response.headers["location"].rsplit("#c", 1)[1]) for response in sent]


@pytest.mark.timeout(FLOOD_SECONDS + 90)
def test_replies_during_a_flood_of_readers_are_kept_and_seen_within_a_second(load_db, tmp_path):
    if not shutil.which("wrk"):
        pytest.skip("wrk is not installed (apt-get install wrk): the flood needs it")
    # Unpurged, a reply waits out the copy's second plus one render under the flood.
    require_purge()
    with behind_nginx(load_db, tmp_path) as (url, slug, __):
        parents = start_threads(url, slug)
        results = new_results()
        stop_at = time.monotonic() + FLOOD_SECONDS
        posters = [
            threading.Thread(target=poster, args=(url, slug, parents, stop_at, results, POSTS_EACH))
            for __ in range(POSTERS)
        ]
        for thread in posters:
            thread.start()
        flood = wrk(f"{url}/articles/{slug}/", FLOOD_SECONDS, yielding=True)
        for thread in posters:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in posters), "a poster never finished"
        # Past the micro-cache's second, every reader sees the whole discussion.
        time.sleep(STALE_SECONDS + 0.2)
        with reader(url) as anonymous:
            final = anonymous.get(f"/articles/{slug}/")
    stored = load_db.tool("state")["comments"]

    acked = results["acked"]
    FIGURES.append(
        f"nginx flood {FLOOD_SECONDS} s ({load_db.engine}): readers {flood['rps']:,.0f} req/s; "
        f"{len(acked)} replies, slowest {max(results['posts'], default=0) * 1000:.0f} ms; "
        f"staleness max {max(results['staleness'], default=0):.2f} s"
    )
    assert len(acked) >= POSTERS, f"too few replies to prove anything: {len(acked)}"
    assert flood["bad"] == 0, f"{flood['bad']} of the flood's reads were neither 2xx nor 3xx"
    assert [status for status in results["statuses"] if status >= 500] == []
    assert final.status_code == 200
    assert {str(pk): parent for pk, parent, __ in acked} == {
        pk: row[0] for pk, row in stored.items() if pk in {str(pk) for pk, __, ___ in acked}
    }
    assert [body for __, ___, body in acked if body not in final.text] == []
    assert max(results["staleness"]) <= STALE_SECONDS, sorted(results["staleness"])[-5:]
