"""comments.moderation: transitions, records and reports."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from comments import moderation
from comments.models import Comment, Report
from tests.helpers import create_tree, make_article, post, version

pytestmark = pytest.mark.django_db

S = Comment.Status


# (action, status before) -> status after; None: the action does not apply.
TRANSITIONS = {
    ("approve", S.PENDING): S.PUBLISHED,
    ("approve", S.PUBLISHED): None,
    ("approve", S.REMOVED): None,
    ("approve", S.SPAM): None,
    ("remove", S.PUBLISHED): S.REMOVED,
    ("remove", S.PENDING): S.REMOVED,
    ("remove", S.SPAM): S.REMOVED,
    ("remove", S.REMOVED): None,
    ("spam", S.PUBLISHED): S.SPAM,
    ("spam", S.PENDING): S.SPAM,
    ("spam", S.REMOVED): S.SPAM,
    ("spam", S.SPAM): None,
    ("restore", S.REMOVED): S.PUBLISHED,
    ("restore", S.SPAM): S.PUBLISHED,
    ("restore", S.PUBLISHED): None,
    ("restore", S.PENDING): None,
}


@pytest.mark.parametrize(("action", "before"), list(TRANSITIONS))
def test_each_action_moves_only_the_statuses_it_applies_to(action, before, moderator):
    comment = post(make_article(), status=before)
    expected = TRANSITIONS[action, before]

    changed = moderation.comments_moderate(
        Comment.objects.filter(pk=comment.pk), action=action, moderator=moderator
    )

    comment.refresh_from_db()
    assert changed == (1 if expected else 0)
    assert comment.status == (expected or before)


@pytest.mark.parametrize("status", list(S))
def test_moderation_actions_lists_exactly_the_actions_that_apply(status):
    expected = [
        action for (action, before), after in TRANSITIONS.items() if before == status and after
    ]
    assert sorted(moderation.moderation_actions(status)) == sorted(expected)


def test_moderation_records_who_when_and_why_on_the_comment_and_in_the_admin_log(moderator):
    comment = post(make_article(), status=S.PENDING, moderation_reason="Held: links")

    moderation.comments_moderate(
        Comment.objects.filter(pk=comment.pk),
        action="remove",
        moderator=moderator,
        reason="  Personal attack ",
    )

    comment.refresh_from_db()
    assert comment.moderation_reason == "Removed: Personal attack"
    assert comment.moderated_by == moderator
    assert comment.moderated_at is not None
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.action_flag) == (moderator, str(comment.pk), CHANGE)
    assert entry.change_message == "Removed: Personal attack"


def test_moderation_without_a_reason_records_the_action_name(moderator):
    comment = post(make_article(), status=S.PENDING)

    moderation.comments_moderate(
        Comment.objects.filter(pk=comment.pk), action="approve", moderator=moderator
    )

    comment.refresh_from_db()
    assert comment.moderation_reason == "Approved"
    assert LogEntry.objects.get().change_message == "Approved"


def test_moderation_bumps_every_touched_article_and_only_when_something_changed(moderator):
    first, second = make_article(), make_article()
    a, b = post(first), post(second)
    before = version(first), version(second)

    moderation.comments_moderate(
        Comment.objects.filter(pk__in=[a.pk, b.pk]), action="remove", moderator=moderator
    )
    after_remove = version(first), version(second)
    moderation.comments_moderate(
        Comment.objects.filter(pk__in=[a.pk, b.pk]), action="remove", moderator=moderator
    )

    assert after_remove == (before[0] + 1, before[1] + 1)
    assert (version(first), version(second)) == after_remove
    assert LogEntry.objects.count() == 2


def test_removal_is_soft_and_keeps_the_text_and_the_replies(moderator, assert_tree_sound):
    tree = create_tree()

    moderation.comments_moderate(
        Comment.objects.filter(pk=tree.root.pk), action="remove", moderator=moderator
    )

    tree.root.refresh_from_db()
    assert tree.root.body == "root says hello"
    assert set(tree.root.get_descendants().values_list("status", flat=True)) == {S.PUBLISHED}
    assert tree.root.get_descendant_count() == 3
    assert_tree_sound()


def test_moderating_a_queryset_with_joins_and_ordering_changes_each_row_once(moderator):
    tree = create_tree()
    queryset = (
        Comment.objects.filter(article=tree.article)
        .select_related("article", "parent", "user")
        .order_by("-created")
    )

    changed = moderation.comments_moderate(queryset, action="spam", moderator=moderator)

    assert changed == 5
    assert LogEntry.objects.count() == 5
    assert set(Comment.objects.values_list("status", flat=True)) == {S.SPAM}


def test_every_changed_comment_gets_its_own_history_entry_naming_it(moderator, django_user_model):
    article = make_article()
    named = post(article, body="x" * 80, author="Ann")
    account = post(article, author="", user=django_user_model.objects.create_user("kim"))
    untouched = post(article, status=S.REMOVED)

    moderation.comments_moderate(
        Comment.objects.filter(article=article), action="remove", moderator=moderator
    )

    entries = {e.object_id: e for e in LogEntry.objects.all()}
    assert sorted(entries) == sorted([str(named.pk), str(account.pk)])
    named.refresh_from_db()
    entry = entries[str(named.pk)]
    assert entry.object_repr == "Ann: " + "x" * 60
    assert entries[str(account.pk)].object_repr.startswith("kim: ")
    assert (entry.user, entry.action_flag, entry.change_message) == (moderator, CHANGE, "Removed")
    assert entry.action_time == named.moderated_at
    assert entry.get_edited_object() == named
    assert str(untouched.pk) not in entries


def test_a_limited_moderation_changes_the_lowest_ids_and_leaves_the_rest_due(moderator):
    article = make_article()
    comments = [post(article, status=S.PENDING) for __ in range(5)]
    selection = Comment.objects.filter(article=article)

    changed = moderation.comments_moderate(
        selection, action="approve", moderator=moderator, limit=2
    )

    assert changed == 2
    assert moderation.moderation_due(selection, action="approve") == 3
    statuses = [Comment.objects.get(pk=c.pk).status for c in comments]
    assert statuses == [S.PUBLISHED] * 2 + [S.PENDING] * 3
    assert LogEntry.objects.count() == 2


@pytest.mark.parametrize("size", [2, 40])
def test_moderation_costs_the_same_queries_however_many_comments_and_articles(
    moderator, django_assert_max_num_queries, size
):
    articles = [make_article() for __ in range(3)]
    for n in range(size):
        post(articles[n % 3])
    ContentType.objects.get_for_model(Comment)

    # savepoint, update, discussion versions, history, release
    with django_assert_max_num_queries(5):
        changed = moderation.comments_moderate(
            Comment.objects.all(), action="spam", moderator=moderator
        )

    assert changed == size
    assert LogEntry.objects.count() == size


def test_a_report_is_recorded_and_counted():
    comment = post(make_article())

    report = moderation.report_create(
        comment=comment, reason=Report.Reason.ABUSE, note="Rude", ip_address="203.0.113.9"
    )

    comment.refresh_from_db()
    assert (report.reason, report.note, report.ip_address) == ("abuse", "Rude", "203.0.113.9")
    assert comment.report_count == 1
    assert comment.status == S.PUBLISHED


def test_a_report_with_an_unknown_reason_is_rejected():
    comment = post(make_article())

    with pytest.raises(ValidationError):
        moderation.report_create(comment=comment, reason="boring")

    comment.refresh_from_db()
    assert comment.report_count == 0


def test_a_zero_threshold_never_holds(settings):
    settings.NEWSROOM_REPORT_THRESHOLD = 0
    comment = post(make_article())

    for __ in range(5):
        moderation.report_create(comment=comment, reason=Report.Reason.SPAM)

    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (S.PUBLISHED, 5)


def test_an_approved_comment_is_held_again_only_after_a_fresh_threshold_of_reports(
    settings, moderator
):
    settings.NEWSROOM_REPORT_THRESHOLD = 2
    comment = post(make_article())
    for n in range(2):
        moderation.report_create(
            comment=comment, reason=Report.Reason.OFF_TOPIC, ip_address=f"10.0.0.{n}"
        )
    moderation.comments_moderate(
        Comment.objects.filter(pk=comment.pk), action="approve", moderator=moderator
    )

    moderation.report_create(comment=comment, reason=Report.Reason.OFF_TOPIC, ip_address="10.0.1.1")
    comment.refresh_from_db()
    assert comment.status == S.PUBLISHED
    moderation.report_create(comment=comment, reason=Report.Reason.OFF_TOPIC, ip_address="10.0.1.2")
    comment.refresh_from_db()
    assert comment.status == S.PENDING
    assert comment.report_count == 4


def test_reports_on_a_removed_comment_do_not_change_its_status(settings):
    settings.NEWSROOM_REPORT_THRESHOLD = 1
    comment = post(make_article(), status=S.REMOVED)

    moderation.report_create(comment=comment, reason=Report.Reason.ABUSE)

    comment.refresh_from_db()
    assert comment.status == S.REMOVED



def test_the_report_limit_counts_the_last_minute_only():
    comment = post(make_article())
    for __ in range(2):
        moderation.report_create(
            comment=comment, reason=Report.Reason.SPAM, ip_address="10.0.0.1", reports_per_minute=2
        )
    Report.objects.update(created=timezone.now() - timedelta(seconds=61))

    moderation.report_create(
        comment=comment, reason=Report.Reason.SPAM, ip_address="10.0.0.1", reports_per_minute=2
    )
    with pytest.raises(ValidationError) as refused:
        moderation.report_create(
            comment=comment, reason=Report.Reason.SPAM, ip_address="10.0.0.1", reports_per_minute=1
        )

    assert refused.value.code == "flood"
    assert Report.objects.count() == 3
