"""Step 3 of bench/run.py: readers replying through the form while a notification
worker mails the authors they answer (issue 17: posting latency with notifications on).

Half of each article's comments are by guests who confirmed their address for
reply notifications (``bench.tasks build``), half by guests who left none. Every
round posts one reply to each kind, so the two latencies are measured in the same
minutes on the same server, and their difference is what telling someone costs.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller

from tests.servers import free_port, stop

KINDS = ("told", "quiet")


class ReplyClient:
    """A reader replying through the form: fetch it once for the CSRF token, then post."""

    def __init__(self, base_url: str, article: dict):
        self.slug = article["slug"]
        self.parents = {kind: article[f"{kind}_pks"] for kind in KINDS}
        self.http = httpx.Client(base_url=base_url)
        first = self.parents["quiet"][0]
        form = self.http.get(f"/articles/{self.slug}/comments/{first}/reply/")
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]

    def post(self, rng: random.Random, i: int, kind: str) -> float:
        parent = rng.choice(self.parents[kind])
        data = {
            "csrfmiddlewaretoken": self.token,
            "name": "Bench Reader",
            "email": "",
            # Distinct bodies: the same body twice within a minute is one comment.
            "body": f"Reply {i} ({kind}) from the bench. "
            + "The council should publish the figures. " * 8,
            "website": "",
        }
        start = time.perf_counter()
        response = self.http.post(f"/articles/{self.slug}/comments/{parent}/reply/", data=data)
        elapsed = time.perf_counter() - start
        if response.status_code != 303:
            raise SystemExit(f"reply POST: status {response.status_code}\n{response.text[:2000]}")
        # A browser follows the 303 to a page that shows "posted" and clears it; left in
        # the cookie, hundreds of such messages would make each post re-encode them all.
        self.http.cookies.delete("messages")
        return elapsed

    def close(self) -> None:
        self.http.close()


def replies(url: str, articles: dict, sizes: tuple[int, ...], posts: int) -> dict:
    """Milliseconds per reply POST by article size and kind: each round posts to every
    article once per kind; the first 10 rounds warm up and are not timed."""
    rng = random.Random(7)
    clients = {n: ReplyClient(url, articles[str(n)]) for n in sizes}
    times: dict = {(n, kind): [] for n in sizes for kind in KINDS}
    try:
        for i in range(posts + 10):
            for n, client in clients.items():
                # Alternate which kind goes first, so neither always follows the other.
                for kind in KINDS if i % 2 else reversed(KINDS):
                    elapsed = client.post(rng, i, kind)
                    if i >= 10:
                        times[n, kind].append(elapsed * 1000)
    finally:
        for client in clients.values():
            client.close()
    return times


class _Sink:
    """An SMTP server that accepts and counts: the worker's mail goes somewhere real."""

    def __init__(self, count):
        self.count = count

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        return "250 Message accepted for delivery"


def _mail_server(port: int, count, ready, done) -> None:
    # A process of its own at the lowest priority: it stands in for a mail server
    # on another machine. In the bench's own process, its thread took the client's
    # interpreter lock while the client timed a reply; at full priority, it took a
    # share of the cores gunicorn would have in production.
    os.nice(19)
    controller = Controller(_Sink(count), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    done.wait()
    controller.stop()


@contextmanager
def notification_worker(root: Path, env: dict, log: Path) -> Iterator[Synchronized]:
    """A ``db_worker`` mailing an SMTP sink on 127.0.0.1, run as ``make run``'s
    bin/serve runs one beside gunicorn (under nice), for as long as the replies are
    posted. Yields once the worker runs (the replies are measured beside a worker,
    not one loading Django) the count of messages the mail server accepted (its
    ``value``)."""
    port = free_port()
    count, ready, done = (
        multiprocessing.Value("i", 0),
        multiprocessing.Event(),
        multiprocessing.Event(),
    )
    server = multiprocessing.Process(target=_mail_server, args=(port, count, ready, done))
    server.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the bench's SMTP sink did not start")
        with log.open("w") as output:
            worker = subprocess.Popen(
                ["nice", "-n", "10", sys.executable, "manage.py", "db_worker", "--no-reload"],
                cwd=root,
                env={**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            _started(worker, log)
            yield count
        finally:
            stop(worker, timeout=15)
    finally:
        done.set()
        server.join(15)
        if server.is_alive():
            server.kill()


def _started(worker: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Wait for django-tasks-db's "Starting worker" line in ``log``."""
    deadline = time.monotonic() + seconds
    while "Starting worker" not in log.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the notification worker did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)
