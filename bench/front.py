"""Issue 18's figures: the anonymous 100-comment page through nginx (deploy/nginx/newsroom.conf)
against nginx serving a static file of the same size and against gunicorn alone, each both
as browsers ask (``Accept-Encoding: gzip``) and uncompressed, then a 20-second flood of
anonymous readers with readers posting replies, nginx purging on write where it can.

    .venv/bin/python bench/front.py [--seconds 10] [--flood 20]

Needs wrk and Debian's nginx. Everything lives in a fresh folder under /tmp (a SQLite
database, nginx's files), but for one static file written into staticfiles/ for the
comparison and removed at the end. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy.proxy import free_port, nginx, nginx_missing, purge_missing  # noqa: E402
from tests.servers import stop  # noqa: E402

CONNECTIONS = 64
POSTERS = 4
# The anonymous reader's pause between two looks at the page, and how long it looks.
POLL_SECONDS = 0.01
GIVE_UP_SECONDS = 10
_NEW = re.compile(r"#c(\d+)$")


# How browsers ask, and how a client without compression does.
ENCODINGS = {"gzip": "gzip, deflate, br", "identity": "identity"}


def wrk(url: str, seconds: int, encoding: str = "identity", *, yielding: bool = False) -> dict:
    """wrk's figures for ``url``. ``yielding``: for a flood beside other work, wrk runs
    in a session of its own at the lowest priority. Otherwise, on 2 cores, wrk and
    nginx at full speed (48,000 requests a second) left gunicorn's runnable workers
    a few per cent of a core, and every reply after the first second waited out the
    whole flood (tests/load/test_nginx_flood.py, 6 replies instead of 100): readers
    are on machines of their own, not on the server's."""
    nice = ["nice", "-n", "19"] if yielding else []
    out = subprocess.run([*nice, "wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
                          "-H", f"Accept-Encoding: {ENCODINGS[encoding]}", url],
                         capture_output=True, text=True, check=True, timeout=seconds + 30,
                         start_new_session=yielding).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
            "p99": re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)[1],
            "bad": int(bad[1]) if bad else 0}


def new_results() -> dict[str, list]:
    """What the posters record: each post's latency, every status they got (posts and
    the anonymous reads), each acknowledged reply as (pk, parent, body), each staleness."""
    return {"posts": [], "statuses": [], "acked": [], "staleness": []}


def poster(url: str, slug: str, parents: list[int], stop_at: float, results: dict,
           max_posts: int = 1000) -> None:
    """A reader posting replies, then waiting, anonymous, for the shared page to show each.

    Bounded in posts and in time: a reply the page has not shown GIVE_UP_SECONDS after
    its acknowledgement is given up on, and counts as stale by that much."""
    rng = random.Random()
    headers = {"Sec-Fetch-Site": "same-origin"}
    with httpx.Client(base_url=url, timeout=30) as client, \
            httpx.Client(base_url=url, timeout=30) as anonymous:
        for __ in range(max_posts):
            if time.monotonic() >= stop_at:
                break
            body = f"Reply {secrets.token_hex(6)} to the story"
            parent = rng.choice(parents)
            started = time.monotonic()
            sent = client.post(f"/articles/{slug}/comments/{parent}/reply/", headers=headers,
                               data={"name": "Poster", "email": "", "body": body, "website": ""})
            acked = time.monotonic()
            results["posts"].append(acked - started)
            results["statuses"].append(sent.status_code)
            if sent.status_code != 303:
                continue
            results["acked"].append((int(_NEW.search(sent.headers["location"])[1]), parent, body))
            # Staleness is how late a reader may arrive and still be shown the page
            # without the reply: when the first read that shows it was asked for.
            asked = time.monotonic()
            while asked - acked < GIVE_UP_SECONDS:
                page = anonymous.get(f"/articles/{slug}/")
                results["statuses"].append(page.status_code)
                if body in page.text:
                    break
                time.sleep(POLL_SECONDS)
                asked = time.monotonic()
            results["staleness"].append(asked - acked)
            time.sleep(rng.uniform(0.1, 0.3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--flood", type=int, default=20)
    args = parser.parse_args()
    if reason := nginx_missing():
        raise SystemExit(reason)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: sudo apt-get install -y wrk")
    folder = Path(tempfile.mkdtemp(prefix="newsroom-front-"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "NEWSROOM_")) and k != "REDIS_URL"}
    env.update(DJANGO_SETTINGS_MODULE="newsroom.settings",
               DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_HTTPS="0", DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
               NEWSROOM_POSTS_PER_MINUTE="0", NEWSROOM_TRUSTED_PROXIES="127.0.0.1",
               # The posters are guests never seen before, all from 127.0.0.1:
               # held as newcomers, no reply of theirs would ever show.
               NEWSROOM_PREMODERATE_NEWCOMERS="0",
               # Each poster waits for its reply on the landing page: at the site's 300
               # comments a page, a long flood's replies push threads onto page 2, where
               # the landing page never shows them (staleness "10 s", the give-up).
               NEWSROOM_COMMENTS_PER_PAGE="100000", NEWSROOM_THREADS_PER_PAGE="100000")

    def python(*command: str) -> str:
        return subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True).stdout

    port = free_port()
    purge = None if purge_missing() else free_port()
    if purge:
        env.update(NEWSROOM_PURGE_URL=f"http://127.0.0.1:{purge}",
                   NEWSROOM_SITE_URL=f"http://127.0.0.1:{port}")
    python("manage.py", "migrate", "--noinput")
    python("manage.py", "collectstatic", "--noinput", "--verbosity", "0")
    article = json.loads(python("-m", "bench.tasks", "build", "100"))["100"]
    slug, parents = article["slug"], article["comment_pks"]
    page_path = f"/articles/{slug}/"
    upstream = free_port()
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "newsroom.wsgi", "--bind",
         f"127.0.0.1:{upstream}", "--workers", "2",
         "--error-logfile", str(folder / "gunicorn.log")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    static_copy = ROOT / "staticfiles" / "bench-front-page.html"
    static_gz = static_copy.with_name(static_copy.name + ".gz")
    try:
        direct = f"http://127.0.0.1:{upstream}"
        for __ in range(100):
            try:
                page = httpx.get(direct + page_path, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        static_copy.write_bytes(page.content)
        # What whitenoise writes beside every static file, and nginx's gzip_static sends.
        static_gz.write_bytes(gzip.compress(page.content))
        with nginx(folder / "nginx", port=port, upstream=upstream, purge=purge,
                   static_root=ROOT / "staticfiles"):
            front = f"http://127.0.0.1:{port}"
            print(f"page: {len(page.content):,} bytes; wrk -t2 -c{CONNECTIONS} "
                  f"-d{args.seconds}s; load average {os.getloadavg()[0]:.2f}; "
                  f"purge on write: {'on' if purge else purge_missing()}")
            ratios = {}
            for encoding in ENCODINGS:
                figures = {
                    "gunicorn alone, warm": wrk(direct + page_path, args.seconds, encoding),
                    "nginx, static file": wrk(f"{front}/static/{static_copy.name}",
                                              args.seconds, encoding),
                    "nginx, the page": wrk(front + page_path, args.seconds, encoding),
                }
                print(f"Accept-Encoding: {ENCODINGS[encoding]}")
                for name, result in figures.items():
                    print(f"  {name:22} {result['rps']:>10,.0f} req/s  p99 {result['p99']:>8}  "
                          f"non-2xx/3xx {result['bad']}")
                page_rps = figures["nginx, the page"]["rps"]
                ratios[encoding] = (page_rps / figures["nginx, static file"]["rps"],
                                    page_rps / figures["gunicorn alone, warm"]["rps"])
            results = new_results()
            stop_at = time.monotonic() + args.flood
            work = (front, slug, parents, stop_at, results)
            threads = [threading.Thread(target=poster, args=work) for __ in range(POSTERS)]
            for thread in threads:
                thread.start()
            flood = wrk(front + page_path, args.flood, yielding=True)
            for thread in threads:
                thread.join()
    finally:
        static_copy.unlink(missing_ok=True)
        static_gz.unlink(missing_ok=True)
        stop(gunicorn, timeout=15)
        shutil.rmtree(folder, ignore_errors=True)
    posts = sorted(results["posts"])
    p95 = posts[int(0.95 * (len(posts) - 1))] * 1000 if posts else float("nan")
    stale = max(results["staleness"], default=float("nan"))
    server_errors = sum(status >= 500 for status in results["statuses"])
    median = statistics.median(results["staleness"] or [0])
    print(f"flood {args.flood}s: readers {flood['rps']:,.0f} req/s, p99 {flood['p99']} "
          f"(non-2xx/3xx {flood['bad']}); "
          f"{len(posts)} replies by {POSTERS} posters, p95 {p95:.0f} ms, "
          f"staleness median {median:.2f} s, max {stale:.2f} s")
    rows = []
    for encoding, (static_share, over_gunicorn) in ratios.items():
        rows += [
            (f"{encoding}: page through nginx >= 50% of a static file", f"{static_share:.0%}",
             static_share >= 0.5),
            (f"{encoding}: page through nginx >= 20x gunicorn alone", f"{over_gunicorn:.1f}x",
             over_gunicorn >= 20),
        ]
    rows += [
        ("replies' p95 during the flood < 150 ms", f"{p95:.0f} ms", p95 < 150),
        ("no 5xx during the flood", f"{flood['bad'] + server_errors}",
         flood["bad"] + server_errors == 0),
        ("staleness <= 1 s", f"{stale:.2f} s", stale <= 1.0),
    ]
    for target, measured, ok in rows:
        print(f"{'PASS' if ok else 'MISS'}  {target:55} {measured}")


if __name__ == "__main__":
    main()
