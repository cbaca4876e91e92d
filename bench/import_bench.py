"""Seed figures of issue 12: parsing at the size limit, and re-importing a huge file.

    .venv/bin/python -m bench.import_bench [--database-url URL]

``bench/run.py`` runs it as its last section, on each database it measures.
Alone, it works in a fresh folder under /tmp, removed at the end, with a
SQLite database there, or in the empty database URL names (it migrates and
fills it). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from articles.seed_parser import MAX_SEED_BYTES, ParsedComment, parse_seed
from bench.discussions import discussion, seed_text

ROOT = Path(__file__).resolve().parent.parent
HEADER_LINE = "12 Comments\n"
COMMENTS = 100_000
# Short bodies keep 100,000 comments under the 16 MB a seed file may hold.
BODY_LENGTHS = (40, 100)
PARSE_SECONDS, REIMPORT_SECONDS, REIMPORT_MB = 10, 30, 300


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the seed import figures of issue 12.")
    parser.add_argument("--database-url", help="an empty database to fill (default: SQLite)")
    parser.add_argument("--verdicts", type=Path, help="also write the verdicts here, as JSON")
    parser.add_argument("--measure", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.measure)))
        return
    with tempfile.TemporaryDirectory(prefix="newsroom-import-bench-") as folder:
        env = {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": args.database_url or f"sqlite:///{folder}/import.sqlite3",
        }
        print("== Seeds: parsing at the size limit, re-importing 100,000 comments")
        verdicts = [parse_figure(), *reimport_figures(Path(folder), env)]
    print()
    for target, measured, verdict in verdicts:
        print(f"{verdict}  {target}: {measured}")
    if args.verdicts:
        args.verdicts.write_text(json.dumps(verdicts))


def parse_figure() -> list[str]:
    """Time parse_seed on 16 MB of header-like lines, each of which once made the
    parser copy the rest of the file."""
    raw = ("A title\n\n" + HEADER_LINE * ((MAX_SEED_BYTES - 10) // len(HEADER_LINE))).encode()
    start = time.perf_counter()
    parse_seed(raw)
    seconds = time.perf_counter() - start
    print(f"Parse {len(raw) / 2**20:.1f} MB of header-like lines: {seconds:.1f} s")
    return [
        f"parse 16 MB of header-like lines <{PARSE_SECONDS} s",
        f"{seconds:.1f} s",
        "PASS" if seconds < PARSE_SECONDS else "MISS",
    ]


def reimport_figures(folder: Path, env: dict) -> list[list[str]]:
    """Import a 100,000-comment file, then the same with a comment inserted at the top."""
    before, after = _write_seeds(folder)
    size = (before / "big.txt").stat().st_size
    measured_run(env, "migrate", "--noinput", "-v0")
    first = measured_run(env, "import_seeds", str(before))
    rows = _snapshot(env)
    again = measured_run(env, "import_seeds", str(after))
    changed_rows, added_rows = _compare(rows, _snapshot(env))
    print(
        f"Import {COMMENTS:,} comments ({size / 2**20:.1f} MB): {first['seconds']:.1f} s, "
        f"peak RSS {first['mb']:.0f} MB. Again with one comment inserted at the top: "
        f"{again['seconds']:.1f} s, peak RSS {again['mb']:.0f} MB; comment rows changed "
        f"{changed_rows:,}, added {added_rows:,} (and the article's row updated)."
    )
    print(f"  {again['summary']}")
    return [
        [
            f"re-import {COMMENTS:,} comments, one inserted at the top, <{REIMPORT_SECONDS} s",
            f"{again['seconds']:.1f} s",
            "PASS" if again["seconds"] < REIMPORT_SECONDS else "MISS",
        ],
        [
            f"re-import peak RSS <{REIMPORT_MB} MB",
            f"{again['mb']:.0f} MB",
            "PASS" if again["mb"] < REIMPORT_MB else "MISS",
        ],
        [
            "re-import changes at most one row and adds one",
            f"{changed_rows} comment rows changed, {added_rows} added",
            "PASS" if changed_rows <= 1 and added_rows == 1 else "MISS",
        ],
    ]


def _write_seeds(folder: Path) -> tuple[Path, Path]:
    """The file, in before/, and the same with a new first comment, in after/."""
    threads = discussion(COMMENTS, seed=12, lengths=BODY_LENGTHS)
    title = f"A discussion of {COMMENTS:,} comments"
    late = ParsedComment(body="Added at the top, later.", author="Late Reader", line=0, key="0")
    paths = folder / "before", folder / "after"
    for path, comments in zip(paths, (threads, [late, *threads]), strict=True):
        path.mkdir()
        text = seed_text(title, comments, seed=12, bullets=False)
        (path / "big.txt").write_text(text, encoding="utf-8")
    return paths


def measured_run(env: dict, *args: str) -> dict:
    """Run manage.py with ``args`` in a child: its wall and CPU time, peak RSS and first line out.

    Through a fresh, small Python process (``--measure``) whose only child it
    is: a child's peak RSS counts the parent's memory it was forked with, and
    this process holds the generated threads.
    """
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_bench", "--measure", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    if result["returncode"]:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result['stderr']}")
    return result


def _measure(args: list[str]) -> dict:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True
    )
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": time.perf_counter() - start,
        # On a shared machine the CPU time says more than the wall time.
        "cpu": usage.ru_utime + usage.ru_stime,
        "mb": usage.ru_maxrss / 1024,
        "summary": done.stdout.partition("\n")[0],
        "returncode": done.returncode,
        "stderr": done.stderr[-3000:],
    }


def _snapshot(env: dict) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.tasks", "snapshot"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _compare(before: dict[str, str], after: dict[str, str]) -> tuple[int, int]:
    changed = sum(1 for pk, row in before.items() if after.get(pk) != row)
    return changed, len(after.keys() - before.keys())


if __name__ == "__main__":
    main()
