"""Issue 5, scenario 3: workers killed without warning while readers post."""

import os
import random
import signal
import threading
from contextlib import suppress

import pytest

from tests.load.conftest import FIGURES, gunicorn
from tests.load.traffic import NO_RESPONSE, Traffic

pytestmark = pytest.mark.load

KILL_EVERY_SECONDS = 0.25


def test_worker_killed_every_quarter_second_loses_no_acknowledged_comment(load_db, engine_label):
    slug = load_db.tool("setup")["slug"]
    kills: list[int] = []

    # --preload: a replacement worker is forked ready to serve instead of
    # importing Django again, so the run measures durability, not boot time.
    with gunicorn(load_db, options=("--preload",)) as server:

        def kill_workers(stop: threading.Event) -> None:
            rng = random.Random(3)
            while not stop.wait(KILL_EVERY_SECONDS):
                pids = server.worker_pids()
                if pids:
                    pid = rng.choice(pids)
                    with suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                        kills.append(pid)

        outcome = Traffic(server.url, slug, readers=2, max_seconds=60).run(
            during=kill_workers
        )
    FIGURES.append(
        outcome.figures(f"{engine_label}: 20 posters x 50 posts, 2 readers, {len(kills)} kills")
    )

    assert len(kills) >= 10
    assert outcome.server_errors() == {}
    assert outcome.statuses.keys() <= {303, NO_RESPONSE}
    assert outcome.statuses[303] > 0
    state = load_db.tool("state")
    saved = {int(pk): parent for pk, (parent, *__) in state["comments"].items()}
    assert outcome.acknowledged.items() <= saved.items()
    assert state["problems"] == []
    if load_db.engine == "sqlite":
        assert state["integrity"] == ["ok"]
