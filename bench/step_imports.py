"""Steps 5, 6 and 7 of bench/run.py: seed imports, re-imports, and a 100,000-comment
article's public URLs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import BIG, ROOT, table


class ImportSteps:
    """Steps 5 to 7, part of bench/run.py's ``Bench`` (its plan, env, databases,
    ``_task`` and ``_verdict``)."""

    def _imports(self) -> None:
        print("== 5. Import: manage.py import_seeds into a fresh, migrated database")
        empty = self.folder / "seeds_none"
        empty.mkdir(exist_ok=True)
        startup, _ = self._import(empty)
        rows = []
        for name, files, comments, limit in [
            ("1,000 seed-sized files (4 to 12 comments)", 1000, None, 15),
            ("one file, 10,000 comments", 1, 10000, 5),
        ]:
            folder = self.folder / ("seeds_many" if comments is None else "seeds_big")
            if not folder.exists():
                extra = ["--comments", str(comments)] if comments else []
                self._task("seeds", str(folder), "--files", str(files), *extra)
            seconds, imported = self._import(folder)
            size = sum(p.stat().st_size for p in folder.iterdir())
            rows.append([name, f"{size / 1e6:.1f} MB", f"{imported:,}", f"{seconds:.1f}"])
            self._verdict(f"import {name} <{limit} s", f"{seconds:.1f} s", seconds < limit)
        table(["seeds", "size", "comments imported", "seconds"], rows)
        print(
            f"(each time includes {startup:.1f} s of Django start-up: the command "
            "on an empty folder)\n"
        )

    def _import(self, folder: Path) -> tuple[float, int]:
        env = {**self.env, "DATABASE_URL": self.dbs.create(folder.name, template="template")}
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "manage.py", "import_seeds", str(folder)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        seconds = time.perf_counter() - start
        if done.returncode:
            raise SystemExit(f"import_seeds {folder} failed:\n{done.stderr[-3000:]}")
        imported = sum(int(n) for n in re.findall(r"(\d+) comments imported", done.stdout))
        return seconds, imported

    # -- 6. Seeds ---------------------------------------------------------------

    def _seeds(self) -> None:
        """bench/import_bench.py on a copy of the migrated template; it prints its figures."""
        verdicts = self.folder / f"seed-verdicts-{self.dbs.name}.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.import_bench",
                "--database-url",
                self.dbs.create("reimport", template="template"),
                "--verdicts",
                str(verdicts),
            ],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.verdicts += json.loads(verdicts.read_text())
        print()

    # -- 7. A 100,000-comment article's public URLs -----------------------------

    def _big(self) -> None:
        self.env["DATABASE_URL"] = self.dbs.create("big", template="template")
        started = time.perf_counter()
        big = self._task("big", "--comments", str(BIG), "--runs", str(self.plan.runs))
        print(
            f"== 7. A {big['comments']:,}-comment article (one creation time, as imported), "
            f"through Django without HTTP (built in {time.perf_counter() - started:.0f} s; "
            f"median of {self.plan.runs}; cold: cache cleared before each run)"
        )
        rows = [
            [
                name,
                f"{r['comments']:,}" if r["comments"] else "",
                f"{r['cold_queries']}/{r['warm_queries']}",
                f"{r['cold_ms']:.1f}",
                f"{r['warm_ms']:.1f}",
                f"{r['page_bytes']:,}",
            ]
            for name, r in big["pages"].items()
        ]
        table(["page", "comments", "queries cold/warm", "cold ms", "warm ms", "bytes"], rows)
        print()
        api = {name: r for name, r in big["pages"].items() if name.startswith("API")}
        slowest = max(r["cold_ms"] for r in api.values())
        biggest = max(r["page_bytes"] for r in api.values())
        self._verdict(
            f"{BIG:,}-comment article: every API page measured, cold, <100 ms",
            f"{slowest:.0f} ms (warm {max(r['warm_ms'] for r in api.values()):.1f} ms)",
            slowest < 100,
        )
        self._verdict(
            f"{BIG:,}-comment article: every API page measured <1 MB",
            f"{biggest / 1e6:.2f} MB",
            biggest < 1e6,
        )
        feed = big["pages"]["article feed (50 latest)"]
        self._verdict(
            f"{BIG:,}-comment article: its feed <50 ms",
            f"{feed['cold_ms']:.0f} ms",
            feed["cold_ms"] < 50,
        )
