"""The benchmark steps that need Django, one subprocess each (``python -m bench.tasks``).

Settings read the environment once, at import, so every configuration (page
size, depth, database) runs in a process of its own; ``bench/run.py`` starts
them and reads the JSON each prints on stdout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import CharField, Value  # noqa: E402
from django.db.models.functions import Cast, Concat  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.html import escape  # noqa: E402

from articles.models import Article  # noqa: E402
from bench.discussions import body, discussion, seed_text  # noqa: E402
from comments.import_files import import_nodes  # noqa: E402
from comments.import_trees import threads_import  # noqa: E402
from comments.importing import statistics_refresh  # noqa: E402
from comments.models import Comment  # noqa: E402

_COMMENT = re.compile(r'<li id="c(\d+)"')


def build(sizes: list[int]) -> dict:
    """One article per size, its comments bulk-created the way the seed import does
    (PostgreSQL's statistics refreshed after, as ``import_seeds`` does too)."""
    articles = {}
    for n in sizes:
        rng = random.Random(n)
        with transaction.atomic():
            article = Article.objects.create(
                title=f"An article with {n:,} comments",
                slug=f"bench-{n}",
                byline="Bench Press",
                body="\n\n".join(body(rng).replace("\n\n", " ") for _ in range(6)),
            )
            threads_import(
                article=article, threads=import_nodes(discussion(n, seed=n)), source_name="bench"
            )
        comments = Comment.objects.filter(article=article)
        # The comment page to measure: the top of the largest thread, the worst case.
        biggest = max(comments.filter(parent=None), key=lambda c: c.rght - c.lft)
        pks = list(comments.values_list("pk", flat=True))
        articles[n] = {
            "slug": article.slug,
            "biggest_thread": biggest.pk,
            "comment_pks": pks,
            "told_pks": pks[::2],
            "quiet_pks": pks[1::2],
        }
        _subscribe(pks[::2])
    statistics_refresh()
    return articles


def _subscribe(pks: list[int]) -> None:
    """Give these comments guest authors who confirmed their address for reply
    notifications, so a reply to one of them mails its author (bench/replies.py).
    Before notifications existed (issue 17) the addresses are simply left unasked,
    so the same bench gives a before figure."""
    Comment.objects.filter(pk__in=pks).update(
        email=Concat(Value("reader-"), Cast("pk", CharField()), Value("@bench.example"))
    )
    try:
        guest_address = apps.get_model("comments", "GuestAddress")
    except LookupError:
        return
    now = timezone.now()
    guest_address.objects.bulk_create(
        [guest_address(email=f"reader-{pk}@bench.example", confirmed_at=now) for pk in pks],
        batch_size=2000,
    )


def render(slugs: dict[str, str], comment_pages: dict[str, int], runs: int) -> dict:
    """Queries, median times and bytes of each page through Django's full stack, no HTTP."""
    client = Client(SERVER_NAME="127.0.0.1")
    results = {
        "trivial": _timings(client, "/bench/ok/", runs),
        "article list": _timings(client, "/", runs),
    }
    for n, slug in slugs.items():
        results[f"article {n}"] = _timings(client, f"/articles/{slug}/", runs)
        if n in comment_pages:
            path = f"/articles/{slug}/comments/{comment_pages[n]}/"
            results[f"comment {n}"] = _timings(client, path, runs)
    return results


def render_sorted(slug: str, order: str, runs: int) -> dict:
    """The article's first page in ``order`` (``?sort=``), timed as ``render`` times
    pages, with reactions on its top-level comments: most have none, a few many, as
    readers give them. The counts go back to none afterwards, so the steps after
    this one see the article as built."""
    rng = random.Random(slug)
    roots = Comment.objects.filter(article__slug=slug, level=0)
    try:
        for pk in roots.values_list("pk", flat=True):
            count = int(rng.paretovariate(1.2)) - 1
            if count:
                Comment.objects.filter(pk=pk).update(reaction_count=count)
        return _timings(Client(SERVER_NAME="127.0.0.1"), f"/articles/{slug}/?sort={order}", runs)
    finally:
        roots.update(reaction_count=0)


def _timings(client: Client, path: str, runs: int) -> dict:
    # The first request compiles templates and fills import caches: not a
    # reader's cost, so it is not timed.
    _get(client, path)
    cache.clear()
    html, cold_queries = _counted(client, path)
    _, warm_queries = _counted(client, path)
    cold = []
    for _ in range(runs):
        cache.clear()
        cold.append(_time(client, path))
    _get(client, path)
    warm = [_time(client, path) for _ in range(runs)]
    return {
        "cold_queries": cold_queries,
        "warm_queries": warm_queries,
        "cold_ms": statistics.median(cold) * 1000,
        "warm_ms": statistics.median(warm) * 1000,
        **_sizes(html),
    }


def _get(client: Client, path: str) -> str:
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path}: status {response.status_code}")
    return response.content.decode()


def _counted(client: Client, path: str) -> tuple[str, int]:
    # Counted on the spot: the next request's request_started signal empties
    # the log the context reads from.
    with CaptureQueriesContext(connection) as queries:
        html = _get(client, path)
    return html, len(queries)


def _time(client: Client, path: str) -> float:
    start = time.perf_counter()
    client.get(path)
    return time.perf_counter() - start


def _sizes(html: str) -> dict:
    """Bytes of the page and of its thread, and the thread's markup without comment text.

    Text is each shown body as escaped, less the line breaks the markup replaces.
    """
    pks = [int(pk) for pk in _COMMENT.findall(html)]
    if not pks:
        return {"comments": 0, "page_bytes": len(html.encode())}
    thread = html[html.index('<ol class="thread">') : html.rindex("</ol>") + len("</ol>")]
    bodies = Comment.objects.filter(pk__in=pks).values_list("body", flat=True)
    text = sum(len(escape(b).replace("\n", "").encode()) for b in bodies)
    return {
        "comments": len(pks),
        "page_bytes": len(html.encode()),
        "thread_bytes": len(thread.encode()),
        "markup_bytes": len(thread.encode()) - text,
    }


def big(n: int, runs: int) -> dict:
    """Issue 12's public URLs on one article with ``n`` comments, imported as a seed
    import does: the JSON API's first, middle and last pages, the article's feed, and
    the article page beside them.

    Built a few thousand threads at a time (so memory stays bounded), then given
    one creation time, as comments imported from one file share.
    """
    roots = import_nodes(discussion(n, seed=n))
    with transaction.atomic():
        article = Article.objects.create(
            title=f"An article with {n:,} comments", slug="bench-big", body="One.\n\nTwo."
        )
        for start in range(0, len(roots), 2000):
            threads_import(
                article=article, threads=roots[start : start + 2000], source_name="bench"
            )
        Comment.objects.filter(article=article).update(created=article.created)
    del roots
    statistics_refresh()
    client = Client(SERVER_NAME="127.0.0.1")
    last = client.get("/api/articles/bench-big/").json()["pages"]
    results = {}
    for name, path in [
        ("API, page 1", "/api/articles/bench-big/"),
        (f"API, page {last // 2}", f"/api/articles/bench-big/?page={last // 2}"),
        (f"API, page {last} (last)", f"/api/articles/bench-big/?page={last}"),
        ("article feed (50 latest)", "/articles/bench-big/feed/"),
        ("article page, page 1", "/articles/bench-big/"),
    ]:
        results[name] = _timings(client, path, runs)
        if path.startswith("/api/"):
            results[name]["comments"] = _api_comments(client.get(path).json()["comments"])
    return {"comments": Comment.objects.filter(article=article).count(), "pages": results}


def _api_comments(nodes: list[dict]) -> int:
    return sum(1 + _api_comments(node["replies"]) for node in nodes)


def write_seeds(folder: Path, *, files: int, comments: int | None) -> None:
    """Seed dumps in ``folder``: ``files`` seed-sized ones (4 to 12 comments, like
    seeds/), or one with ``comments`` comments."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        n = comments or random.Random(i).randint(4, 12)
        title = f"Bench dispatch {i}: the bridge, the budget and the council"
        text = seed_text(title, discussion(n, seed=i), seed=i, bullets=i % 2 == 1)
        (folder / f"{i:04d}_bench.txt").write_text(text, encoding="utf-8")


def snapshot() -> dict[int, str]:
    """A digest of each comment row's every column, by pk: what a re-import changed."""
    columns = [field.attname for field in Comment._meta.concrete_fields]
    rows = Comment.objects.order_by().values_list("pk", *columns).iterator(chunk_size=5000)
    return {pk: hashlib.md5(repr(row).encode()).hexdigest() for pk, *row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build")
    build_parser.add_argument("sizes", type=int, nargs="+")
    render_parser = commands.add_parser("render")
    render_parser.add_argument("--articles", type=json.loads, required=True)
    render_parser.add_argument("--comment-pages", type=json.loads, default={})
    render_parser.add_argument("--runs", type=int, default=5)
    sorted_parser = commands.add_parser("sorted")
    sorted_parser.add_argument("slug")
    sorted_parser.add_argument("--order", default="top")
    sorted_parser.add_argument("--runs", type=int, default=5)
    big_parser = commands.add_parser("big")
    big_parser.add_argument("--comments", type=int, default=100_000)
    big_parser.add_argument("--runs", type=int, default=5)
    seeds_parser = commands.add_parser("seeds")
    seeds_parser.add_argument("folder", type=Path)
    seeds_parser.add_argument("--files", type=int, default=1)
    seeds_parser.add_argument("--comments", type=int)
    commands.add_parser("snapshot")
    args = parser.parse_args()
    if args.command == "build":
        result = build(args.sizes)
    elif args.command == "render":
        result = render(args.articles, args.comment_pages, args.runs)
    elif args.command == "sorted":
        result = render_sorted(args.slug, args.order, args.runs)
    elif args.command == "snapshot":
        result = snapshot()
    elif args.command == "big":
        result = big(args.comments, args.runs)
    else:
        write_seeds(args.folder, files=args.files, comments=args.comments)
        result = {}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
