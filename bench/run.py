"""Newsroom's benchmark: prints every figure of issues 3, 7 and 12 in one run (the seed figures
from bench/import_bench.py).

    .venv/bin/python bench/run.py [--quick] [--postgres] [--big-only | --replies-only]

Everything it creates lives in a fresh folder under /tmp (SQLite databases,
collected static files, seed files, server logs) and, with --postgres, in
databases it creates next to DATABASE_URL's and drops at the end. Servers bind
127.0.0.1 on free ports and are stopped before it exits. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, so the project's root is not on the path by itself.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    BIG,
    REPLY_SIZES,
    SIZES,
    WRK_INSTALL,
    PostgresDatabases,
    SQLiteDatabases,
    machine,
    table,
)
from bench.step_imports import ImportSteps  # noqa: E402
from bench.step_load import LoadStep  # noqa: E402
from bench.step_render import RenderStep  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Print Newsroom's performance figures.")
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs, shorter loads, fewer posts"
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also run everything on PostgreSQL, in databases created next to DATABASE_URL's",
    )
    parser.add_argument(
        "--big-only",
        action="store_true",
        help=f"only step 6, the public URLs of a {BIG:,}-comment article (no wrk needed)",
    )
    parser.add_argument(
        "--replies-only",
        action="store_true",
        help="only step 3, reply latency with the notification worker running",
    )
    parser.add_argument(
        "--posts",
        type=int,
        help="rounds of replies in step 3 (default 200, 50 with --quick): more steady a p95",
    )
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None and not args.big_only:
        sys.exit(f"wrk is not installed; the load figures need it. Install it:\n  {WRK_INSTALL}")
    postgres_url = os.environ.get("DATABASE_URL", "")
    if args.postgres and not postgres_url.startswith(("postgres://", "postgresql://")):
        sys.exit("--postgres needs DATABASE_URL=postgres://user@host:5432/name")

    plan = Plan.quick() if args.quick else Plan()
    if args.posts:
        plan.posts = args.posts
    print(f"Newsroom bench, {date.today()}: {machine(wrk)}")
    if args.big_only:
        plan.steps = ("big",)
    if args.replies_only:
        plan.steps = ("replies",)
    print(f"mode: {'quick' if args.quick else 'full'} ({plan})")
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.1f}")
    if load > 0.5 * (os.cpu_count() or 1):
        print("warning: the machine is busy; rates and times will be lower and noisier")
    print()
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as folder:
        databases = [SQLiteDatabases(Path(folder))]
        if args.postgres:
            databases.append(PostgresDatabases(postgres_url))
        verdicts = []
        for dbs in databases:
            try:
                verdicts += Bench(Path(folder), dbs, plan, wrk).run()
            finally:
                dbs.drop_all()
    print("\n== Targets")
    table(["database", "target", "measured", ""], verdicts)
    missed = sum(1 for row in verdicts if row[-1] == "MISS")
    print(f"\n{len(verdicts) - missed} of {len(verdicts)} targets met.")


class Plan:
    """How much of each measurement to do: the full run, or --quick."""

    def __init__(self, *, runs=5, load_seconds=5, posts=200, memory_requests=10_000):
        self.steps = ("render", "load", "imports", "big")
        self.runs = runs
        self.load_seconds = load_seconds
        self.posts = posts
        self.memory_requests = memory_requests

    @classmethod
    def quick(cls) -> Plan:
        return cls(runs=3, load_seconds=2, posts=50, memory_requests=3_000)

    def __str__(self) -> str:
        return (
            f"{self.runs} renders per median, wrk {self.load_seconds} s per page, "
            f"{self.posts} replies per article, {self.memory_requests:,} requests for memory"
        )


class Bench(RenderStep, LoadStep, ImportSteps):
    def __init__(self, folder: Path, dbs, plan: Plan, wrk: str):
        self.folder = folder
        self.dbs = dbs
        self.plan = plan
        self.wrk = wrk
        self.verdicts: list[list[str]] = []
        # The defaults are what is measured: no Newsroom settings from the caller's
        # environment, and no Redis, which cache.clear() between runs would wipe.
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_", "REDIS_"))},
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_HTTPS": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "BENCH_STATIC_ROOT": str(folder / "static"),
            # Replies come from one address, far faster than readers post.
            "NEWSROOM_POSTS_PER_MINUTE": "0",
            # Each reply is a first-time guest's: published, as before trust rules.
            "NEWSROOM_PREMODERATE_NEWCOMERS": "0",
        }

    def run(self) -> list[list[str]]:
        print(f"==== {self.dbs.name}")
        started = time.perf_counter()
        self.env["DATABASE_URL"] = self.dbs.create("template")
        self._manage("migrate", "--noinput", "-v0")
        if not (self.folder / "static").exists():
            self._manage("collectstatic", "--noinput", "-v0")
        steps = self.plan.steps
        if "render" in steps:
            self.env["DATABASE_URL"] = self.dbs.create("pages", template="template")
            built_at = time.perf_counter()
            articles = self._task("build", *map(str, sorted({*SIZES, *REPLY_SIZES})))
            print(
                f"built {sum(len(a['comment_pks']) for a in articles.values()):,} comments "
                f"in {time.perf_counter() - built_at:.1f} s\n"
            )
            self._render(articles)
            self._load(articles)
            self._imports()
            self._seeds()
        if "replies" in steps:
            self.env["DATABASE_URL"] = self.dbs.create("replies", template="template")
            articles = self._task("build", *map(str, REPLY_SIZES))
            with self._server("bench.settings") as server:
                self._print_replies(*self._replies(server, articles))
        if "big" in steps:
            self._big()
        print(
            f"({self.dbs.name} done in {time.perf_counter() - started:.0f} s; "
            f"load average now {os.getloadavg()[0]:.1f})\n"
        )
        return [[self.dbs.name, *row] for row in self.verdicts]

    # -- helpers ----------------------------------------------------------------

    def _verdict(self, target: str, measured: str, ok: bool) -> None:
        self.verdicts.append([target, measured, "PASS" if ok else "MISS"])

    def _manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def _task(self, *args: str, env: dict | None = None) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "bench.tasks", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"bench.tasks {args[0]} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout)


if __name__ == "__main__":
    main()
