"""The load suite's hands inside a load database, run as ``python -m tests.load.dbtool``.

The pytest process is bound to pytest-django's test database, so whatever
reads or writes a load database runs here, in a subprocess started with that
database's environment (see ``LoadDatabase.tool``), and prints JSON.

    setup                  an open article, a second one and a moderator
    state                  every comment, check_tree's findings, SQLite's integrity_check
    moderate STOP_FILE     remove, restore and approve comments and rebuild the busiest
                           thread, as a moderator would, until STOP_FILE exists
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import django

MODERATION_MAX_SECONDS = 150
# A busy human pace: a few actions a second, and a rebuild every two seconds or so,
# several while the rush (about ten seconds) lasts.
MODERATOR_PAUSE_SECONDS = 0.2
REBUILD_EVERY_STEPS = 8


def setup() -> dict:
    from django.contrib.auth.models import User

    from articles.models import Article

    article = Article.objects.create(title="Breaking", slug="breaking", body="It happened.")
    Article.objects.create(title="Elsewhere", slug="elsewhere", body="Another story.")
    User.objects.create_user("desk", is_staff=True)
    return {"slug": article.slug}


def state() -> dict:
    from django.db import connection

    from comments.integrity import check_tree
    from comments.models import Comment

    integrity = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = [row[0] for row in cursor.fetchall()]
    rows = Comment.objects.order_by("pk").values_list("pk", "parent_id", "status", "tree_id")
    return {
        "comments": {pk: [parent, status, tree] for pk, parent, status, tree in rows},
        "problems": check_tree(),
        "integrity": integrity,
    }


def moderate(stop_file: Path, seed: int) -> dict:
    """Act on random comments as a busy moderator would, until told to stop."""
    from django.contrib.auth.models import User
    from django.db.models import Count

    from comments import moderation
    from comments.management.commands.check_trees import repair_trees
    from comments.models import Comment

    rng = random.Random(seed)
    desk = User.objects.get(username="desk")
    done = {"remove": 0, "restore": 0, "approve": 0, "rebuild": 0}
    wanted = {"remove": Comment.Status.PUBLISHED, "restore": Comment.Status.REMOVED,
              "approve": Comment.Status.PENDING}
    deadline = time.monotonic() + MODERATION_MAX_SECONDS
    step = 0
    while not stop_file.exists() and time.monotonic() < deadline:
        step += 1
        if step % REBUILD_EVERY_STEPS == 0:
            busiest = (
                Comment.objects.values("tree_id").annotate(n=Count("pk")).order_by("-n").first()
            )
            if busiest:
                repair_trees({busiest["tree_id"]})
                done["rebuild"] += 1
        action = rng.choice(list(wanted))
        pks = list(Comment.objects.filter(status=wanted[action]).values_list("pk", flat=True))
        if pks:
            chosen = Comment.objects.filter(pk__in=rng.sample(pks, min(3, len(pks))))
            done[action] += moderation.comments_moderate(chosen, action=action, moderator=desk)
        time.sleep(MODERATOR_PAUSE_SECONDS)
    return done


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="dbtool")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup")
    commands.add_parser("state")
    moderating = commands.add_parser("moderate")
    moderating.add_argument("stop_file", type=Path)
    moderating.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    if args.command == "setup":
        result = setup()
    elif args.command == "state":
        result = state()
    else:
        result = moderate(args.stop_file, args.seed)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
