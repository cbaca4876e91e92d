"""Steps 2, 3 and 4 of bench/run.py: requests a second through gunicorn, reply latency
with the notification worker running, and the workers' memory."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.harness import (
    BIN,
    MEMORY_SECONDS,
    REPLY_SIZES,
    ROOT,
    SIZES,
    WRK_CONNECTIONS,
    XTD_RPS_100,
    Server,
    p95,
    rate,
    status_kb,
    table,
)
from bench.replies import notification_worker
from bench.replies import replies as bench_replies
from tests.servers import stop


class LoadStep:
    """Steps 2 to 4, part of bench/run.py's ``Bench`` (its plan, env, folder, wrk, ``_verdict``)."""

    def _load(self, articles: dict) -> None:
        paths = {n: f"/articles/{articles[str(n)]['slug']}/" for n in SIZES}
        seconds = self.plan.load_seconds
        rows, peaks = [], {}
        with self._server("bench.settings_nocache") as server:
            trivial = self._wrk(server, "/bench/ok/", seconds)
            rows.append(["cold (DummyCache)", "trivial view", *rate(trivial, trivial)])
            cold = {n: self._wrk(server, paths[n], seconds) for n in (100, 1000)}
            rows += [
                ["cold (DummyCache)", f"{n:,} comments", *rate(cold[n], trivial)] for n in cold
            ]
            peaks["cold server"] = server.peak_rss()
        with self._server("bench.settings") as server:
            trivial = self._wrk(server, "/bench/ok/", seconds)
            rows.append(["warm", "trivial view", *rate(trivial, trivial)])
            warm = {}
            for n in (100, 1000):
                self._wrk(server, paths[n], 1)
                warm[n] = self._wrk(server, paths[n], seconds)
                rows.append(["warm", f"{n:,} comments", *rate(warm[n], trivial)])
            memory = self._memory(server, [paths[100], paths[1000], f"{paths[1000]}?page=2"])
            peaks["warm server"] = server.peak_rss()
            replies = self._replies(server, articles)

        print(
            f"== 2. Requests/s: gunicorn, 2 sync workers; wrk -t2 -c{WRK_CONNECTIONS} "
            f"-d{seconds}s; article pages, first page"
        )
        table(["cache", "page", "requests/s", "of trivial", "errors"], rows)
        print(f"(django-comments-xtd: ~{XTD_RPS_100} requests/s for 100 comments, ~1% of trivial)")
        for n, share in [(100, 0.40), (1000, 0.15)]:
            ratio = warm[n]["rps"] / trivial["rps"]
            self._verdict(
                f"warm {n:,}-comment page ≥{share:.0%} of trivial requests/s",
                f"{ratio:.0%} ({warm[n]['rps']:.0f} of {trivial['rps']:.0f}/s)",
                ratio >= share and not warm[n]["errors"],
            )
        print()

        self._print_replies(*replies)

        served = memory["requests"]
        print(
            f"== 4. Gunicorn worker memory, warm server: {served:,} requests in 5-second rounds "
            "cycling through the 100-comment page and the 1,000-comment pages 1 and 2, "
            f"after a 5-second warm-up ({memory['errors']} errors)"
        )
        rows = []
        spread = 0.0
        for i, pid in enumerate(memory["workers"]):
            rss = [r[i] for r in memory["rounds"]]
            # Flat means every sample within 10% of the others: measured from the
            # first sample alone, the verdict would depend on where in the garbage
            # collector's cycle the warm-up happened to end.
            spread = max(spread, max(rss) / min(rss) - 1)
            trail = " ".join(f"{kb / 1024:.0f}" for kb in rss)
            rows.append([f"worker {pid}", f"{max(rss) / min(rss) - 1:.0%}", trail])
        table(["", "max/min", "RSS in MB after the warm-up and after each round"], rows)
        for name, peak in peaks.items():
            print(f"peak RSS of a worker, {name}: {peak / 1024:.1f} MB")
        short = served < self.plan.memory_requests
        self._verdict(
            f"worker RSS flat within 10% across {self.plan.memory_requests:,} requests",
            f"max/min {spread:+.0%}"
            + (f" (only {served:,} in {MEMORY_SECONDS} s)" if short else ""),
            spread <= 0.10 and not short,
        )
        print()

    def _replies(self, server: Server, articles: dict) -> tuple[dict, int]:
        """Reply latencies by article and kind, and how many messages the worker mailed."""
        log = self.folder / f"worker-{self.dbs.name}.log"
        with notification_worker(ROOT, self.env, log) as mailed:
            replies = bench_replies(server.url, articles, REPLY_SIZES, self.plan.posts)
        return replies, mailed.value

    def _print_replies(self, replies: dict, mailed_count: int) -> None:
        print(
            f"== 3. Reply POST latency through gunicorn (CSRF on; {self.plan.posts} rounds of "
            "replies to random comments; each round replies to a comment whose author is "
            "mailed of replies (told) and to one whose author left no address (quiet), on "
            "each article; the first 10 rounds not timed; a db_worker mails an SMTP sink: "
            f"{mailed_count} messages)"
        )
        rows = [
            [
                f"{n:,} comments",
                kind,
                f"{statistics.median(t):.1f}",
                f"{p95(t):.1f}",
                f"{max(t):.1f}",
            ]
            for (n, kind), t in replies.items()
        ]
        table(["article", "parent's author", "p50 ms", "p95 ms", "max ms"], rows)
        small, big = (p95(replies[n, "quiet"]) for n in REPLY_SIZES)
        self._verdict(
            "reply p95 on 10,000 comments within 1.5x of 10 comments",
            f"{big / small:.2f}x ({big:.1f} vs {small:.1f} ms)",
            big <= 1.5 * small,
        )
        for n in REPLY_SIZES:
            told, quiet = p95(replies[n, "told"]), p95(replies[n, "quiet"])
            self._verdict(
                f"reply p95, {n:,} comments, author told within 10% of not told",
                f"{told / quiet - 1:+.0%} ({told:.1f} vs {quiet:.1f} ms)",
                told <= 1.1 * quiet,
            )
        print()

    @contextmanager
    def _server(self, settings: str) -> Iterator[Server]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = self.folder / f"gunicorn-{self.dbs.name}-{settings}.log"
        process = subprocess.Popen(
            [
                BIN / "gunicorn",
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--error-logfile",
                str(log),
            ],
            cwd=ROOT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": settings},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            server.wait_ready()
            yield server
        finally:
            stop(process, timeout=15)
        # A killed worker restarts with a fresh heap, which would fake flat memory.
        for line in server.problems():
            print(f"warning: gunicorn ({settings}): {line}")

    def _wrk(self, server: Server, path: str, seconds: int, *, env=None, script=None) -> dict:
        # A long timeout: a slow page is a low rate, not an error.
        command = [self.wrk, "-t2", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s"]
        command += ["--timeout", "20s"]
        if script:
            command += ["-s", str(script)]
        done = subprocess.run(
            [*command, server.url + path],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            env=env,
            check=True,
        )
        out = done.stdout
        socket_errors = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
        )
        bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = sum(map(int, socket_errors.groups())) if socket_errors else 0
        errors += int(bad_status[1]) if bad_status else 0
        return {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
            "requests": int(re.search(r"(\d+) requests in", out)[1]),
            "errors": errors,
        }

    def _memory(self, server: Server, paths: list[str]) -> dict:
        """RSS (kB) of each worker after a warm-up and after each round of requests.

        wrk cannot stop after a request count (its process lives for the whole
        duration), so it runs in short rounds until the count is reached, or
        MEMORY_SECONDS have passed on a slow or busy machine, which the report says.
        """
        env = {**os.environ, "BENCH_PATHS": " ".join(paths)}
        script = Path(__file__).with_name("rotate.lua")
        # The warm-up fills each worker's cache with every page first.
        self._wrk(server, "/", 5, env=env, script=script)
        workers = server.workers()
        rounds = [[status_kb(pid, "VmRSS") for pid in workers]]
        served = {"requests": 0, "errors": 0}
        deadline = time.monotonic() + MEMORY_SECONDS
        while served["requests"] < self.plan.memory_requests and time.monotonic() < deadline:
            result = self._wrk(server, "/", 5, env=env, script=script)
            served["requests"] += result["requests"]
            served["errors"] += result["errors"]
            if server.workers() != workers:
                server.fail("a worker restarted during the memory run")
            rounds.append([status_kb(pid, "VmRSS") for pid in workers])
        return {"workers": workers, "rounds": rounds, **served}
