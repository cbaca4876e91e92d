"""Reply notifications in-process: who is mailed, what the message holds, and
what sends nothing (README, "Notifications")."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from comments import notify
from comments.models import Comment, Notification
from comments.moderation import comments_moderate
from tests.helpers import make_article, make_reader, moderate, post, record_replies

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.NEWSROOM_SITE_URL = "https://news.example"


def _conversation(tasks, django_capture_on_commit_callbacks, *, body="Good point, but no."):
    ada = make_reader("Ada", email="ada@example.com")
    article = make_article(title="Bridges")
    with django_capture_on_commit_callbacks(execute=True):
        parent = post(article, body="Bridges are good.", author="", user=ada)
        reply = post(article, parent, body=body, author="Bob")
    tasks.run()
    return ada, parent, reply


def test_a_reply_to_a_verified_reader_mails_them_once_with_text_link_and_unsubscribe_headers(
    tasks, django_capture_on_commit_callbacks
):
    _ada, _parent, reply = _conversation(tasks, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert "Bob replied to you on “Bridges”" in message.subject
    assert "Good point, but no." in message.body
    link = f"https://news.example/articles/{reply.article.slug}/?comment={reply.pk}#c{reply.pk}"
    assert link in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://news.example/notifications/unsubscribe/"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert "<p>Good point, but no.</p>" in html
    assert Notification.objects.get().status == Notification.Status.SENT
    tasks.run(later=timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_replying_to_yourself_sends_nothing(tasks, django_capture_on_commit_callbacks):
    ada = make_reader("Ada", email="ada@example.com")
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        parent = post(article, author="", user=ada)
        post(article, parent, author="", user=ada)
    tasks.run()

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_rolled_back_reply_records_and_enqueues_nothing(
    tasks, django_capture_on_commit_callbacks
):
    ada = make_reader("Ada", email="ada@example.com")
    parent = post(make_article(), author="", user=ada)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        post(parent.article, parent, author="Bob")
        raise RuntimeError("the request failed after posting")

    assert not Notification.objects.exists()
    assert tasks.names() == []


def test_a_held_reply_sends_nothing_until_approved(
    tasks, django_capture_on_commit_callbacks, settings
):
    ada = make_reader("Ada", email="ada@example.com")
    parent = post(make_article(), author="", user=ada)
    with django_capture_on_commit_callbacks(execute=True):
        held = post(parent.article, parent, author="Bob", status="pending")
    tasks.run()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        moderate(held, "approve")
    tasks.run()

    assert [message.to for message in mail.outbox] == [["ada@example.com"]]


@pytest.mark.parametrize("recorded", [False, True], ids=["before-the-pass", "after-the-pass"])
def test_a_reply_removed_before_its_message_goes_is_never_sent(
    tasks, django_capture_on_commit_callbacks, recorded
):
    ada = make_reader("Ada", email="ada@example.com")
    parent = post(make_article(), author="", user=ada)
    with django_capture_on_commit_callbacks(execute=True):
        reply = post(parent.article, parent, author="Bob")
    if recorded:
        record_replies()
    moderate(reply, "remove")
    tasks.run()

    assert mail.outbox == []
    statuses = list(Notification.objects.values_list("status", flat=True))
    assert statuses == ([Notification.Status.SKIPPED] if recorded else [])


def test_a_reply_removed_while_its_pass_reads_it_is_told_when_restored_not_before(
    tasks, django_capture_on_commit_callbacks, monkeypatch
):
    ada = make_reader("Ada", email="ada@example.com")
    parent = post(make_article(), author="", user=ada)
    reply = post(parent.article, parent, author="Bob")
    owed = notify.owed

    def removed_meanwhile(comments, **kwargs):
        rows = owed(comments, **kwargs)
        moderate(reply, "remove")
        return rows

    monkeypatch.setattr(notify, "owed", removed_meanwhile)
    tasks.run()
    monkeypatch.undo()
    assert (Notification.objects.count(), mail.outbox) == (0, [])
    assert not Comment.objects.filter(notice_pending=True).exists()

    with django_capture_on_commit_callbacks(execute=True):
        moderate(reply, "restore")
    tasks.run()
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]


def test_readers_without_a_verified_address_or_who_turned_replies_off_get_nothing(
    tasks, django_capture_on_commit_callbacks
):
    unverified = make_reader("Una", email="una@example.com", verified=False)
    quiet = make_reader("Quinn", email="quinn@example.com")
    quiet.profile.notify_replies = False
    quiet.profile.save()
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        for author in (unverified, quiet):
            post(article, post(article, author="", user=author), author="Bob")
    tasks.run()

    assert mail.outbox == []


def test_an_approval_tells_its_author_only_if_they_chose_moderation_notices(
    tasks, django_capture_on_commit_callbacks, moderator
):
    ada = make_reader("Ada", email="ada@example.com")
    ben = make_reader("Ben", email="ben@example.com")
    ada.profile.notify_moderation = True
    ada.profile.save()
    article = make_article(title="Bridges")
    held = [post(article, author="", user=user, status="pending") for user in (ada, ben)]
    with django_capture_on_commit_callbacks(execute=True):
        comments_moderate(
            Comment.objects.filter(pk__in=[c.pk for c in held]),
            action="approve",
            moderator=moderator,
        )
    tasks.run()

    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert "Your comment on “Bridges” is published" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "queue", ["django_tasks.backends.dummy.DummyBackend", "django_tasks_db.DatabaseBackend"]
)
def test_telling_the_parents_author_costs_the_reply_no_query_and_no_task(
    settings, django_capture_on_commit_callbacks, queue
):
    settings.TASKS = {"default": {"BACKEND": queue}}
    article = make_article()
    told = post(article, author="", user=make_reader("Ada", email="ada@example.com"))
    quiet = post(article, author="Guest")

    def cost(parent):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks() as callbacks,
        ):
            post(article, parent, author="Bob")
        return [query["sql"] for query in queries], len(callbacks)

    (told_queries, told_callbacks), (quiet_queries, quiet_callbacks) = cost(told), cost(quiet)
    # Whether the author is told, and when, is the worker's question: the reply carries it.
    assert len(told_queries) == len(quiet_queries)
    assert not any("notification" in sql or "django_tasks" in sql for sql in told_queries)
    assert told_callbacks == quiet_callbacks
    assert Comment.objects.filter(notice_pending=True).count() == 2


def test_the_replys_notice_commits_or_rolls_back_with_the_reply(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    article = make_article()
    told = post(article, author="", user=make_reader("Ada", email="ada@example.com"))

    with pytest.raises(RuntimeError), transaction.atomic():
        post(article, told, author="Cy")
        raise RuntimeError("the reply's transaction fails after the post")
    kept = post(article, told, author="Bob")

    assert record_replies() == 1
    assert list(Notification.objects.values_list("comment", flat=True)) == [kept.pk]
    assert not Comment.objects.filter(notice_pending=True).exists()
    assert not DBTaskResult.objects.exists()
