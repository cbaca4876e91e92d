"""The notification tests' hands inside a load database, run as
``python -m tests.notifications.probe COMMAND [ARGS]`` (see tests/load/dbtool.py
for why: the pytest process is bound to its own test database). Prints JSON.

    readers N                      N readers with verified addresses, each with a comment
                                   on "breaking": {address: [user id, comment id]}
    replies PARENT_ID N [pending]  N guests' replies to it, one transaction each: their ids
    reply-to ID...                 one guest's reply to each
    approve ID...                  a moderator approves them
    state                          every notification, and the tasks not finished
"""

from __future__ import annotations

import json
import os
import sys

import django


def main(command: str, *args: str):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django_tasks_db.models import DBTaskResult

    from articles.models import Article
    from comments import moderation, posting
    from comments.models import Comment, Notification
    from readers.services import profile_create

    if command == "readers":
        article = Article.objects.get(slug="breaking")
        made = {}
        for n in range(int(args[0])):
            address = f"reader{n}@example.com"
            user = get_user_model().objects.create_user(f"reader{n}", email=address)
            profile_create(user=user, display_name=f"Reader {n}")
            EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
            comment = posting.comment_create(article=article, parent=None, body="Hm.", user=user)
            made[address] = [user.pk, comment.pk]
        return made
    if command == "reply-to":
        parents = Comment.objects.filter(pk__in=[int(pk) for pk in args])
        return [
            posting.comment_create(
                article=parent.article, parent=parent, author_name="Bob",
                body=f"Reply number 0 to {parent.pk}.",
            ).pk
            for parent in parents
        ]
    if command == "replies":
        parent = Comment.objects.get(pk=int(args[0]))
        status = args[2] if len(args) > 2 else "published"
        return [
            posting.comment_create(
                article=parent.article, parent=parent, author_name="Bob",
                body=f"Reply number {n} to {parent.pk}.", status=status,
            ).pk
            for n in range(int(args[1]))
        ]
    if command == "approve":
        desk = get_user_model().objects.get(username="desk")
        chosen = Comment.objects.filter(pk__in=[int(pk) for pk in args])
        return moderation.comments_moderate(chosen, action="approve", moderator=desk)
    if command == "state":
        rows = Notification.objects.order_by("pk").values_list("recipient", "status", "attempts")
        unfinished = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
        return {
            "notifications": [list(row) for row in rows],
            "unfinished": list(unfinished.values_list("task_path", "status")),
        }
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    json.dump(main(*sys.argv[1:]), sys.stdout)
