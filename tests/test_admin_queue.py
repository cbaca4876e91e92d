"""The moderators' queue in the admin: what it lists, in what order, found how and at
what cost; and the article list, whose counts lead into the queue."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from articles.models import Article
from comments import desk_rules, moderation
from comments.models import Comment, Report
from tests.helpers import QUEUE, S, change_url, create_tree, make_article, post, queue, reload

ARTICLES = "/admin/articles/article/"


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

    # Read again in the request, whenever the last read was.
    desk_rules.forget()

    # session, user, user and group permissions, the posting rules (the report
    # threshold of the default view), article filter, two counts, the page,
    # the pending count in the header
    with django_assert_num_queries(10):
        response = desk.get(QUEUE)

    # The default view: what needs a decision, the pending replies.
    assert response.context["cl"].result_count == threads


@pytest.mark.django_db
def test_the_queue_filters_comments_missing_from_their_seed_file(desk):
    article = make_article()
    kept, missing = post(article), post(article)
    Comment.objects.filter(pk=missing.pk).update(is_imported=True, missing_from_source=True)

    assert queue(desk, missing_from_source__exact="1") == [missing]
    assert queue(desk, missing_from_source__exact="0") == [kept]


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
    every = f"{QUEUE}?article__id__exact={article.pk}&amp;queue=all"
    assert f'<a href="{every}">All comments</a>' in row
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

    # session, user, user and group permissions, two counts, the page, the
    # pending count in the header
    with django_assert_num_queries(8):
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
