"""What bench/run.py's steps share: the sizes and reference figures, gunicorn
under measurement, the databases each step gets, and the printing of tables."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SIZES = (100, 1000, 10000)
BIG = 100_000
ONE_PAGE_SIZES = (100, 1000)
REPLY_SIZES = (10, 10000)
# django-comments-xtd on these machines (issues 3 and 7): ms to render N comments,
# HTML bytes per comment, requests/s of a 100-comment article.
XTD_MS = {100: 90, 1000: 750}
XTD_BYTES_PER_COMMENT = 1350
XTD_RPS_100 = 18
WRK_CONNECTIONS = 8
# Page and depth limits no discussion here reaches: every comment on one page.
UNLIMITED = str(10**9)
MEMORY_SECONDS = 90
WRK_INSTALL = "sudo apt-get install -y wrk    (Debian/Ubuntu; `brew install wrk` on macOS)"


class Server:
    def __init__(self, url: str, process: subprocess.Popen, log: Path):
        self.url = url
        self.process = process
        self.log = log

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail("gunicorn exited")
            try:
                answered = httpx.get(self.url + "/bench/ok/").status_code == 200
                if answered and len(self.workers()) == 2:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.fail("gunicorn did not answer within 30 s")

    def fail(self, reason: str) -> None:
        # The log goes with the temporary folder: show its end now.
        raise SystemExit(f"{reason}; the end of gunicorn's log:\n{self.log.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        """The master's children, found through /proc (Linux)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return sorted(children)

    def problems(self) -> list[str]:
        return [
            line
            for line in self.log.read_text().splitlines()
            if "WORKER TIMEOUT" in line or "was sent SIG" in line
        ]

    def peak_rss(self) -> int:
        """The highest RSS (kB) any worker reached so far: the kernel's high-water mark."""
        return max(status_kb(pid, "VmHWM") for pid in self.workers())


class SQLiteDatabases:
    name = "SQLite"

    def __init__(self, folder: Path):
        self.folder = folder

    def create(self, name: str, template: str | None = None) -> str:
        path = self.folder / f"{name}.sqlite3"
        if template:
            # The backup API copies a WAL database consistently; a file copy might not.
            with (
                sqlite3.connect(self.folder / f"{template}.sqlite3") as source,
                sqlite3.connect(path) as target,
            ):
                source.backup(target)
        return f"sqlite:///{path}"

    def drop_all(self) -> None:
        """The files go with the temporary folder."""


class PostgresDatabases:
    name = "PostgreSQL"

    def __init__(self, url: str):
        self.url = url
        self.prefix = f"newsroom_bench_{os.getpid()}_"
        self.created: list[str] = []

    def create(self, name: str, template: str | None = None) -> str:
        database = self.prefix + name
        source = f" TEMPLATE {self.prefix + template}" if template else ""
        self._admin(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}{source}")
        self.created.append(database)
        return urlsplit(self.url)._replace(path=f"/{database}").geturl()

    def drop_all(self) -> None:
        self._admin(*(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)" for db in self.created))

    def _admin(self, *statements: str) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)


def render_row(config: str, page: str, r: dict) -> list[str]:
    n = r["comments"]
    per_comment = (lambda key: f"{r[key] / n:.0f}") if n else (lambda key: "")
    return [
        config,
        page,
        f"{n:,}",
        f"{r['cold_queries']}/{r['warm_queries']}",
        f"{r['cold_ms']:.1f}",
        f"{r['warm_ms']:.1f}",
        f"{r['page_bytes']:,}",
        per_comment("thread_bytes"),
        per_comment("markup_bytes"),
        f"{r['cold_ms'] * 1000 / n:.0f}" if n else "",
    ]


def rate(result: dict, trivial: dict) -> list[str]:
    return [f"{result['rps']:.0f}", f"{result['rps'] / trivial['rps']:.0%}", str(result["errors"])]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def status_kb(pid: int, field: str) -> int:
    """A /proc/<pid>/status field in kB."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)[1])


def machine(wrk: str | None) -> str:
    cores = os.cpu_count()
    machine = (
        f"{cores} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    if wrk is None:
        return machine
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split()[:2]
    return f"{machine}, {' '.join(wrk_version)}"


def table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = (
            str(c).ljust(w) if i < 2 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        print("  ".join(cells).rstrip())
