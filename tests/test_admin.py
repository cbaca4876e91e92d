"""The moderators' desk in the admin: the queue, a comment in its thread, articles."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article
from comments import moderation
from comments.admin import CommentAdmin
from comments.models import Comment, Report
from tests.helpers import create_tree, make_article, post

S = Comment.Status
QUEUE = "/admin/comments/comment/"
ARTICLES = "/admin/articles/article/"


def change_url(comment) -> str:
    return f"{QUEUE}{comment.pk}/change/"


def queue(client, **params):
    """The comments on the queue page, in the order shown."""
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def bulk(client, action, comments, **extra):
    return client.post(
        QUEUE,
        {"action": action, "index": "0", "_selected_action": [c.pk for c in comments], **extra},
        follow=True,
    )


def reload(comment) -> Comment:
    return Comment.objects.get(pk=comment.pk)


def aged(comment, ago: timedelta) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - ago)
    return reload(comment)


# The queue


@pytest.mark.django_db
def test_the_queue_shows_pending_comments_first_then_the_newest(desk):
    article = make_article()
    old_pending = aged(post(article, status=S.PENDING), timedelta(days=2))
    new_published = post(article)
    old_published = aged(post(article), timedelta(days=3))
    new_pending = aged(post(article, status=S.PENDING), timedelta(days=1))
    removed = aged(post(article, status=S.REMOVED), timedelta(hours=1))

    assert queue(desk) == [new_pending, old_pending, new_published, removed, old_published]


@pytest.mark.django_db
def test_the_queue_row_shows_excerpt_author_article_parent_depth_reports_status_and_reason(desk):
    article = make_article(title="Mosul falls")
    parent = post(article, body="The parent comment says something long enough " * 3)
    reply = post(
        article, parent, body="A held reply with words", author="Alice",
        status=S.PENDING, moderation_reason="Contains 3 links (more than 2).",
    )
    moderation.report_create(comment=reply, reason=Report.Reason.SPAM)

    response = desk.get(QUEUE)

    row = response.content.decode().split(f'value="{reply.pk}"')[1].split("</tr>")[0]
    for cell in [
        "A held reply with words", "Alice", "Mosul falls", "The parent comment says something",
        'class="field-depth">1<', 'class="field-report_count">1<', "Pending review",
        "Contains 3 links (more than 2).",
    ]:
        assert cell in row


@pytest.mark.django_db
def test_the_queue_filters_by_status_article_origin_reports_and_date(desk):
    first, second = make_article(), make_article()
    pending = post(first, status=S.PENDING)
    published = post(second)
    imported = post(first)
    Comment.objects.filter(pk=imported.pk).update(is_imported=True)
    reported = post(second)
    moderation.report_create(comment=reported, reason=Report.Reason.ABUSE)
    old = aged(post(first), timedelta(days=40))

    assert queue(desk, status__exact="pending") == [pending]
    assert set(queue(desk, article__id__exact=second.pk)) == {published, reported}
    assert queue(desk, is_imported__exact="1") == [imported]
    assert imported not in queue(desk, is_imported__exact="0")
    assert queue(desk, reported="yes") == [reported]
    assert reported not in queue(desk, reported="no")
    assert old not in queue(desk, created__gte=timezone.now() - timedelta(days=7))
    assert len(queue(desk)) == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term", ["needle-in-body", "Needle Author", "needle@example.org", "203.0.113.77"]
)
def test_the_queue_searches_body_author_email_and_address(desk, term):
    article = make_article()
    found = post(
        article, body="Here is a needle-in-body.", author="Needle Author",
        email="needle@example.org", ip_address="203.0.113.77",
    )
    post(article, body="Nothing to see.", author="Other", ip_address="198.51.100.1")

    assert queue(desk, q=term) == [found]


@pytest.mark.django_db
def test_the_queue_sorts_by_reports(desk):
    article = make_article()
    quiet, loud, louder = post(article), post(article), post(article)
    for comment, count in [(loud, 1), (louder, 2)]:
        for __ in range(count):
            moderation.report_create(comment=comment, reason=Report.Reason.ABUSE)
    columns = desk.get(QUEUE).context["cl"].list_display
    reports_column = columns.index("report_count")

    assert queue(desk, o=f"-{reports_column}") == [louder, loud, quiet]


@pytest.mark.django_db
@pytest.mark.parametrize("threads", [1, 12])
def test_the_queue_page_costs_the_same_queries_however_many_comments(
    desk, threads, django_assert_num_queries
):
    article = make_article()
    user = User.objects.create_user("poster")
    for __ in range(threads):
        tree = create_tree(article)
        post(article, tree.grandchild, status=S.PENDING, user=user, author="")
    moderation.report_create(comment=tree.root, reason=Report.Reason.SPAM)

    # session, user, user and group permissions, article filter, two counts, the page
    with django_assert_num_queries(8):
        response = desk.get(QUEUE)

    assert response.context["cl"].result_count == threads * 6


# Bulk actions


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", S.PENDING, S.PUBLISHED),
        ("remove", S.PUBLISHED, S.REMOVED),
        ("mark_spam", S.PENDING, S.SPAM),
        ("restore", S.REMOVED, S.PUBLISHED),
    ],
)
def test_bulk_actions_moderate_the_selected_comments(desk, moderator, action, before, after):
    article = make_article()
    chosen = [post(article, status=before), post(article, status=before)]
    untouched = post(article, status=before)

    response = bulk(desk, action, chosen, reason="Checked")

    assert [reload(c).status for c in chosen] == [after, after]
    assert reload(untouched).status == before
    assert reload(chosen[0]).moderated_by == moderator
    assert reload(chosen[0]).moderation_reason.endswith(": Checked")
    assertContains(response, "2 comments ")


@pytest.mark.django_db
def test_a_bulk_action_says_which_comments_it_left_alone(desk):
    article = make_article()
    pending, published = post(article, status=S.PENDING), post(article)

    response = bulk(desk, "approve", [pending, published])

    assertContains(response, "1 comment approved.")
    assertContains(response, "1 selected comment could not be approved from its status")
    assert reload(pending).status == S.PUBLISHED


def bulk_across(client, action, **filters):
    """The action on every comment the queue's filters match, on all its pages
    ("Select all"): the admin still posts the one row ticked on the page."""
    shown = queue(client, **filters)[0]
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return client.post(
        f"{QUEUE}?{query}",
        {"action": action, "index": "0", "select_across": "1", "_selected_action": [shown.pk]},
        follow=True,
    )


@pytest.mark.django_db
def test_select_all_moderates_every_page_of_the_filtered_queue(desk, monkeypatch):
    monkeypatch.setattr(CommentAdmin, "list_per_page", 2)
    article = make_article()
    pending = [post(article, status=S.PENDING) for __ in range(5)]
    published = post(article)

    response = bulk_across(desk, "mark_spam", status__exact=S.PENDING)

    assertContains(response, "5 comments marked as spam.")
    assert [reload(c).status for c in pending] == [S.SPAM] * 5
    assert reload(published).status == S.PUBLISHED


@pytest.mark.django_db
def test_a_bulk_action_over_the_limit_changes_that_many_and_says_how_many_more(desk, settings):
    settings.NEWSROOM_BULK_ACTION_LIMIT = 2
    article = make_article()
    chosen = [post(article, status=S.PENDING) for __ in range(5)] + [post(article)]

    first = bulk(desk, "approve", chosen)
    second = bulk(desk, "approve", chosen)
    third = bulk(desk, "approve", chosen)

    assertContains(first, "2 comments approved.")
    assertContains(first, "3 more selected comments can be approved: choose the action again.")
    assertContains(first, "1 selected comment could not be approved from its status")
    assertContains(second, "1 more selected comment can be approved")
    assertContains(third, "1 comment approved.")
    assertContains(third, "5 selected comments could not be approved from their status")
    assertNotContains(third, "more selected")
    assert {reload(c).status for c in chosen} == {S.PUBLISHED}


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 60])
def test_a_bulk_action_costs_the_same_queries_however_many_comments_are_selected(
    desk, django_assert_max_num_queries, size
):
    articles = [make_article() for __ in range(3)]
    chosen = [post(articles[n % 3], status=S.PENDING) for n in range(size)]
    desk.get(QUEUE)

    # The queue's own (session, user, permissions, filters, counts), then the
    # action's fixed few: update, versions, content type, history, what is left.
    with django_assert_max_num_queries(16):
        response = desk.post(
            QUEUE,
            {"action": "approve", "index": "0", "select_across": "1",
             "_selected_action": [chosen[0].pk]},
        )

    assert response.status_code == 302
    assert Comment.objects.filter(status=S.PUBLISHED).count() == size


@pytest.mark.django_db
def test_the_moderator_sees_the_moderation_actions_but_not_delete(desk):
    actions = [name for name, __ in desk.get(QUEUE).context["action_form"].fields["action"].choices]

    assert actions == ["", "approve", "remove", "mark_spam", "restore"]


# The comment in its thread


@pytest.mark.django_db
def test_the_change_page_shows_ancestors_the_comment_and_direct_replies_with_status(desk):
    tree = create_tree(spec={"root": {"middle": {"reply": {"deep": {}}, "gone": {}}}})
    moderation.comments_moderate(
        Comment.objects.filter(pk=tree.gone.pk), action="remove", moderator=None
    )

    response = desk.get(change_url(tree.middle))

    section = response.content.decode().split('<section class="desk"')[1].split("</section>")[0]
    assert section.index("root says hello") < section.index("middle says hello")
    assert section.index("middle says hello") < section.index("reply says hello")
    assert "gone says hello" in section
    assert "deep says hello" not in section
    assert section.count(">Published<") == 3
    assert section.count(">Removed<") == 1
    assert f'href="{change_url(tree.root)}"' in section


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        (S.PENDING, ["approve", "remove", "spam"]),
        (S.PUBLISHED, ["remove", "spam"]),
        (S.REMOVED, ["restore", "spam"]),
        (S.SPAM, ["restore", "remove"]),
    ],
)
def test_the_change_page_offers_the_buttons_that_apply(desk, status, buttons):
    comment = post(make_article(), status=status)

    response = desk.get(change_url(comment))

    shown = [name for name, __ in response.context["moderation_actions"]]
    assert shown == buttons
    for name in buttons:
        assertContains(response, f'name="action" value="{name}"')


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 15])
def test_the_change_page_costs_the_same_queries_however_big_the_thread(
    desk, size, django_assert_num_queries
):
    article = make_article()
    parent = None
    for __ in range(size):
        parent = post(article, parent)
    middle = post(article, parent)
    for __ in range(size):
        post(article, middle)
    for __ in range(size):
        moderation.report_create(comment=middle, reason=Report.Reason.SPAM)
    ContentType.objects.clear_cache()

    # session, user, the comment, user and group permissions, reports, ancestors,
    # replies, the content type for "view on site", the article and the parent
    with django_assert_num_queries(11):
        response = desk.get(change_url(middle))

    assert (len(response.context["ancestors"]), len(response.context["replies"])) == (size, size)


@pytest.mark.django_db
def test_a_button_moderates_the_comment_and_returns_to_its_page(desk, moderator):
    comment = post(make_article(), status=S.PENDING)

    response = desk.post(
        f"{QUEUE}{comment.pk}/moderate/", {"action": "approve", "reason": "Fine after all"}
    )

    assertRedirects(response, change_url(comment), fetch_redirect_response=False)
    comment = reload(comment)
    assert comment.status == S.PUBLISHED
    assert comment.moderation_reason == "Approved: Fine after all"
    assert LogEntry.objects.get().user == moderator
    assertContains(desk.get(response["Location"]), "Comment approved.")


@pytest.mark.django_db
def test_a_button_keeps_the_queue_filters_for_the_way_back(desk):
    comment = post(make_article(), status=S.PENDING)
    filters = "_changelist_filters=status__exact%3Dpending"

    response = desk.post(f"{QUEUE}{comment.pk}/moderate/?{filters}", {"action": "remove"})

    assert response["Location"] == f"{change_url(comment)}?{filters}"


@pytest.mark.django_db
def test_a_button_that_no_longer_applies_changes_nothing_and_says_so(desk):
    comment = post(make_article())

    response = desk.post(f"{QUEUE}{comment.pk}/moderate/", {"action": "approve"}, follow=True)

    assertContains(response, "Nothing changed: a comment that is published cannot be approved.")
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_the_moderation_url_takes_only_posts(desk):
    comment = post(make_article(), status=S.PENDING)

    response = desk.get(f"{QUEUE}{comment.pk}/moderate/", {"action": "approve"})

    assert response.status_code == 405
    assert reload(comment).status == S.PENDING


@pytest.mark.django_db
def test_the_moderation_url_checks_the_csrf_token(moderator):
    comment = post(make_article(), status=S.PENDING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)

    refused = client.post(f"{QUEUE}{comment.pk}/moderate/", {"action": "approve"})
    client.get(change_url(comment))
    accepted = client.post(
        f"{QUEUE}{comment.pk}/moderate/",
        {"action": "approve", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert reload(comment).status == S.PUBLISHED


@pytest.mark.django_db
def test_staff_without_the_moderate_permission_cannot_moderate():
    comment = post(make_article(), status=S.PENDING)
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*Group.objects.get(name="Moderators").permissions.exclude(
        codename="moderate_comment"
    ))
    client = Client()
    client.force_login(viewer)

    page = client.get(change_url(comment))
    response = client.post(f"{QUEUE}{comment.pk}/moderate/", {"action": "approve"})
    bulk(client, "approve", [comment])

    assert page.context["moderation_actions"] == []
    assert response.status_code == 403
    assert reload(comment).status == S.PENDING


@pytest.mark.django_db
def test_the_body_is_read_only_for_a_moderator(desk):
    comment = post(make_article(), body="The reader's own words")

    page = desk.get(change_url(comment))
    desk.post(change_url(comment), {"body": "Rewritten", "author_name": "Someone else"})

    assert "body" not in page.context["adminform"].form.fields
    assert not page.context["show_save"]
    comment = reload(comment)
    assert (comment.body, comment.author_name) == ("The reader's own words", "Reader")


@pytest.mark.django_db
def test_a_superuser_may_redact_a_comment_and_the_article_page_shows_it(admin_client):
    comment = post(make_article(), body="Call me on 555 0100", email="a@example.org")
    Client().get(comment.article.get_absolute_url())

    response = admin_client.post(
        change_url(comment),
        {"body": "Call me on [redacted]", "author_name": "Reader", "email": "",
         "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"},
    )

    assert response.status_code == 302
    assert reload(comment).body == "Call me on [redacted]"
    page = Client().get(comment.article.get_absolute_url())
    assertContains(page, "Call me on [redacted]")
    assertNotContains(page, "555 0100")


@pytest.mark.django_db
def test_a_superusers_edit_records_who_made_it_and_when(admin_client, admin_user):
    comment = post(make_article(), body="Call me on 555 0100")

    admin_client.post(
        change_url(comment),
        {"body": "Call me on [redacted]", "author_name": "Reader", "email": "",
         "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"},
    )

    comment = reload(comment)
    assert comment.edited_by == admin_user
    assert comment.edited_at is not None


@pytest.mark.django_db
def test_the_queue_filters_comments_missing_from_their_seed_file(desk):
    article = make_article()
    kept, missing = post(article), post(article)
    Comment.objects.filter(pk=missing.pk).update(is_imported=True, missing_from_source=True)

    assert queue(desk, missing_from_source__exact="1") == [missing]
    assert queue(desk, missing_from_source__exact="0") == [kept]


@pytest.mark.django_db
def test_the_change_page_lists_the_reports_read_only(desk):
    comment = post(make_article())
    moderation.report_create(
        comment=comment, reason=Report.Reason.MISINFORMATION, note="Wrong year"
    )

    response = desk.get(change_url(comment))

    assertContains(response, "Misleading or false")
    assertContains(response, "Wrong year")
    assertNotContains(response, 'name="reports-0-note"')


@pytest.mark.django_db
def test_nobody_adds_comments_in_the_admin(admin_client):
    assert admin_client.get(f"{QUEUE}add/").status_code == 403


# Deleting


@pytest.mark.django_db
def test_the_delete_page_refuses_a_comment_with_replies(admin_client):
    tree = create_tree()

    response = admin_client.get(f"{QUEUE}{tree.child1.pk}/delete/", follow=True)

    assertContains(response, "Nothing deleted: 1 comment has replies")
    assert Comment.objects.count() == 5
    response = admin_client.post(f"{QUEUE}{tree.child1.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Comment.objects.count() == 5


@pytest.mark.django_db
def test_the_delete_page_deletes_a_comment_without_replies(admin_client, assert_tree_sound):
    tree = create_tree()

    response = admin_client.post(f"{QUEUE}{tree.grandchild.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Comment.objects.filter(pk=tree.grandchild.pk).exists()
    assert_tree_sound()


@pytest.mark.django_db
def test_the_change_page_hides_delete_for_a_comment_with_replies(admin_client):
    tree = create_tree()

    with_replies = admin_client.get(change_url(tree.child1))
    leaf = admin_client.get(change_url(tree.grandchild))

    assertNotContains(with_replies, f"{tree.child1.pk}/delete/")
    assertContains(with_replies, "Delete thread (2 comments)")
    assertContains(leaf, f"{tree.grandchild.pk}/delete/")
    assertNotContains(leaf, "Delete thread")


@pytest.mark.django_db
def test_the_delete_action_refuses_a_selection_with_replies(admin_client):
    tree = create_tree()

    response = admin_client.post(
        QUEUE,
        {"action": "delete_selected", "index": "0",
         "_selected_action": [tree.root.pk, tree.other.pk]},
        follow=True,
    )
    confirmed = admin_client.post(
        QUEUE,
        {"action": "delete_selected", "post": "yes",
         "_selected_action": [tree.root.pk, tree.other.pk]},
        follow=True,
    )

    assertContains(response, "Nothing deleted: 1 comment has replies,")
    assertContains(confirmed, "Nothing deleted: 1 comment has replies,")
    assert Comment.objects.count() == 5


@pytest.mark.django_db
def test_the_delete_action_deletes_comments_without_replies(admin_client, assert_tree_sound):
    tree = create_tree()
    leaves = [tree.grandchild.pk, tree.child2.pk, tree.other.pk]

    confirm = admin_client.post(
        QUEUE, {"action": "delete_selected", "index": "0", "_selected_action": leaves}
    )
    admin_client.post(
        QUEUE, {"action": "delete_selected", "post": "yes", "_selected_action": leaves}
    )

    assertContains(confirm, "Are you sure")
    assert set(Comment.objects.values_list("pk", flat=True)) == {tree.root.pk, tree.child1.pk}
    assert_tree_sound()


@pytest.mark.django_db
def test_delete_thread_says_how_many_comments_it_takes_then_deletes_them(
    admin_client, admin_user, assert_tree_sound
):
    tree = create_tree()
    url = f"{QUEUE}{tree.root.pk}/delete-thread/"

    confirm = admin_client.get(url)
    response = admin_client.post(url, follow=True)

    assertContains(confirm, "This permanently deletes 4 comments")
    assertContains(confirm, "It has 3 replies.")
    assertContains(response, "Deleted 4 comments.")
    assert list(Comment.objects.values_list("pk", flat=True)) == [tree.other.pk]
    assert LogEntry.objects.get().user == admin_user
    assert_tree_sound()


@pytest.mark.django_db
def test_a_moderator_cannot_delete_comments_or_threads(desk):
    tree = create_tree()

    assert desk.get(f"{QUEUE}{tree.grandchild.pk}/delete/").status_code == 403
    assert desk.post(f"{QUEUE}{tree.root.pk}/delete-thread/").status_code == 403
    assertNotContains(desk.get(change_url(tree.root)), "Delete thread")
    assert Comment.objects.count() == 5


# Articles


@pytest.mark.django_db
def test_the_article_list_counts_comments_by_status_and_links_the_queue(desk):
    article = make_article(title="Counted", byline="Ishaan Tharoor")
    for status, count in [(S.PUBLISHED, 3), (S.PENDING, 2), (S.REMOVED, 1)]:
        for __ in range(count):
            post(article, status=status)

    response = desk.get(ARTICLES)

    row = response.content.decode().split("Counted")[1].split("</tr>")[0]
    assert "Ishaan Tharoor" in row
    for status, count in [("published", 3), ("pending", 2), ("removed", 1), ("spam", 0)]:
        link = f"{QUEUE}?article__id__exact={article.pk}&amp;status__exact={status}"
        assert f'class="field-{status}"><a href="{link}">{count}</a><' in row
    assert f'<a href="{QUEUE}?article__id__exact={article.pk}">All comments</a>' in row
    assert queue(desk, article__id__exact=article.pk, status__exact="pending") == list(
        Comment.objects.filter(status=S.PENDING).order_by("-created")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("articles", [1, 10])
def test_the_article_list_costs_the_same_queries_however_many_articles(
    desk, articles, django_assert_num_queries
):
    for __ in range(articles):
        create_tree(make_article())

    # session, user, user and group permissions, two counts, the page
    with django_assert_num_queries(7):
        response = desk.get(ARTICLES)

    assert response.context["cl"].result_count == articles


@pytest.mark.django_db
def test_a_moderator_closes_comments_from_the_article_list_and_readers_see_it(desk):
    article = make_article()
    comment = post(article, body="Said before closing")
    form = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(article.pk),
        "form-0-premoderation": "on", "_save": "Save",
    }

    response = desk.post(ARTICLES, form)

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.comments_open, article.premoderation) == (False, True)
    page = Client().get(article.get_absolute_url())
    assertContains(page, "Comments are closed on this article.")
    assertContains(page, comment.body)


# Acceptance: the first seed's held comment


@pytest.mark.django_db
def test_a_moderator_finds_the_seeds_held_comment_with_its_reason_and_reads_it_in_context(desk):
    call_command("import_seeds", str(settings.BASE_DIR / "seeds"), stdout=StringIO())
    held = Comment.objects.get(article__source_name__startswith="000_", import_key="6")

    shown = queue(desk)
    page = desk.get(change_url(held))

    assert shown[0] == held
    assertContains(desk.get(QUEUE), "Text lost to encoding in the dump")
    assert held.status == S.PENDING
    assertContains(page, "this comment")
    assertContains(page, 'name="action" value="approve"')


@pytest.mark.django_db
def test_a_superuser_adds_an_article_from_a_form_without_counts(admin_client):
    form = admin_client.get(f"{ARTICLES}add/")

    response = admin_client.post(
        f"{ARTICLES}add/",
        {"title": "Fresh", "slug": "fresh", "body": "Text.", "comments_open": "on"},
    )

    assert "queue" not in str(form.context["adminform"].fieldsets)
    assert response.status_code == 302
    assert Article.objects.get(slug="fresh").comments_open
