"""Bulk moderation in the admin: "Mark as spam" over every comment of a big discussion.

    .venv/bin/python bench/moderation.py [--comments N] [--postgres]

Builds an article with N comments (default 100,000) in a fresh, migrated
database (a SQLite file under /tmp; with --postgres, a database created next
to DATABASE_URL's and dropped at the end), then, logged in as a moderator,
selects all N across the queue's pages and marks them as spam, then restores
them: each the admin POST a moderator sends, timed through Django's whole
stack without HTTP. Prints seconds, SQL statements and what the admin said.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Measured with the defaults, as bench/run.py is.
IGNORED = ("NEWSROOM_", "REDIS_")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description="Time bulk moderation in the admin.")
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="run on PostgreSQL, in a database created next to DATABASE_URL's",
    )
    parser.add_argument("--task", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        json.dump(measure(args.comments), sys.stdout)
        return
    from bench.harness import PostgresDatabases, SQLiteDatabases

    postgres_url = os.environ.get("DATABASE_URL", "")
    if args.postgres and not postgres_url.startswith(("postgres://", "postgresql://")):
        sys.exit("--postgres needs DATABASE_URL=postgres://user@host:5432/name")
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as folder:
        dbs = PostgresDatabases(postgres_url) if args.postgres else SQLiteDatabases(Path(folder))
        try:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(IGNORED)},
                "DJANGO_SETTINGS_MODULE": "newsroom.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_HTTPS": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": dbs.create("moderation"),
            }
            run = {"cwd": ROOT, "env": env, "check": True}
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)
            done = subprocess.run(
                [sys.executable, "bench/moderation.py", "--task", "--comments", str(args.comments)],
                capture_output=True, text=True, **run,
            )
        finally:
            dbs.drop_all()
    result = json.loads(done.stdout)
    print(f"{dbs.name}: {args.comments:,} comments built in {result['build_s']:.1f} s")
    for step in result["steps"]:
        print(
            f"  {step['action']:<10} {step['seconds']:6.2f} s  {step['queries']:3d} statements  "
            f"{step['changed']:,} changed  said: {' / '.join(step['said'])}"
        )
        for seconds, sql in step["slowest"]:
            print(f"    {seconds:6.2f} s  {sql}")


def measure(comments: int) -> dict:
    import random
    import time

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.contrib.messages import get_messages
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from bench.discussions import body, discussion
    from comments.import_files import import_nodes
    from comments.import_trees import threads_import
    from comments.models import Comment

    started = time.perf_counter()
    with transaction.atomic():
        article = Article.objects.create(
            title=f"An article with {comments:,} comments",
            slug="bench-moderation",
            body=body(random.Random(0)),
        )
        threads_import(
            article=article,
            threads=import_nodes(discussion(comments, seed=comments)),
            source_name="bench",
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    build_s = time.perf_counter() - started
    moderator = User.objects.create_user("mod", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(moderator)
    one = Comment.objects.values_list("pk", flat=True).first()
    steps = []
    for action, status in [("mark_spam", Comment.Status.SPAM), ("restore", "published")]:
        data = {"action": action, "select_across": "1", "index": "0", "_selected_action": one}
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.post("/admin/comments/comment/", data)
            seconds = time.perf_counter() - start
        if response.status_code != 302:
            raise SystemExit(f"{action}: status {response.status_code}")
        said = [str(m) for m in get_messages(response.wsgi_request)]
        # Read here, so the next request does not show them again.
        client.cookies.pop("messages", None)
        steps.append(
            {
                "action": action,
                "seconds": seconds,
                "queries": len(queries),
                "changed": Comment.objects.filter(status=status).count(),
                "said": said,
                "slowest": sorted(
                    ((float(q["time"]), q["sql"][:90]) for q in queries.captured_queries),
                    reverse=True,
                )[:4],
            }
        )
    return {"build_s": build_s, "steps": steps}


if __name__ == "__main__":
    main()
