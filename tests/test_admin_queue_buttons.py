"""The queue at speed: what it opens on, whole texts, one-click row buttons that
keep the moderator's place (with and without JavaScript), "… and next", the
pending count in the header and recent actions that say what was done."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from comments import moderation
from comments.models import Report
from tests.helpers import (
    QUEUE,
    QUEUE_ALL,
    S,
    change_url,
    make_article,
    moderate,
    post,
    queue,
    reload,
)

JSON = {"HTTP_ACCEPT": "application/json"}


def moderate_url(comment) -> str:
    return f"{QUEUE}{comment.pk}/moderate/"


@pytest.mark.django_db
def test_the_queue_opens_on_pending_and_over_reported_comments_with_all_one_click_away(
    desk, settings
):
    settings.NEWSROOM_REPORT_THRESHOLD = 3
    article = make_article()
    pending = post(article, status=S.PENDING)
    quiet = post(article)
    loud = post(article)
    # Reported from one address: not held, but over the threshold of reports.
    for __ in range(3):
        moderation.report_create(comment=loud, reason=Report.Reason.SPAM, ip_address="10.0.0.1")

    opened = desk.get(QUEUE)

    assert set(opened.context["cl"].result_list) == {pending, loud}
    assertContains(opened, 'href="?queue=all"')
    assert set(queue(desk)) == {pending, quiet, loud}


@pytest.mark.django_db
def test_a_link_to_one_status_shows_that_status_whatever_the_default(desk):
    article = make_article()
    removed = post(article)
    moderate(removed, "remove")

    response = desk.get(QUEUE, {"article__id__exact": article.pk, "status__exact": "removed"})

    assert list(response.context["cl"].result_list) == [removed]


@pytest.mark.django_db
def test_a_row_shows_the_whole_text_a_long_one_behind_a_preview_in_place(desk):
    article = make_article()
    long_text = "Opening words. " + "middle " * 100 + "the very last words."
    post(article, body=long_text, status=S.PENDING)

    response = desk.get(QUEUE)

    assertContains(response, "<details")
    assertContains(response, "the very last words.")


@pytest.mark.django_db
def test_without_javascript_a_row_button_acts_and_returns_to_the_same_list(desk):
    article = make_article()
    comment = post(article, status=S.PENDING)
    back = f"{QUEUE}?article__id__exact={article.pk}&p=2"

    page = desk.get(QUEUE)
    response = desk.post(moderate_url(comment), {"action": "approve", "next": back})

    assertContains(page, f'formaction="{moderate_url(comment)}"')
    assertContains(page, 'id="row-moderate"')
    assert response.status_code == 302 and response["Location"] == back
    assert reload(comment).status == S.PUBLISHED


@pytest.mark.django_db
def test_with_javascript_a_row_button_answers_json_for_the_row(desk):
    comment = post(make_article(), status=S.PENDING)

    done = desk.post(moderate_url(comment), {"action": "spam", "next": QUEUE}, **JSON)
    again = desk.post(moderate_url(comment), {"action": "approve", "next": QUEUE}, **JSON)

    assert done.json() == {"changed": True, "message": "Comment marked as spam."}
    assert again.json()["changed"] is False
    assert reload(comment).status == S.SPAM


@pytest.mark.django_db
@pytest.mark.parametrize("back", ["https://evil.example/admin/comments/comment/", "/admin/"])
def test_a_row_button_returns_only_to_the_queue_on_this_site(desk, back):
    comment = post(make_article(), status=S.PENDING)

    response = desk.post(moderate_url(comment), {"action": "approve", "next": back})

    assertRedirects(response, change_url(comment), fetch_redirect_response=False)


@pytest.mark.django_db
def test_and_next_acts_then_opens_the_next_pending_comment(desk):
    article = make_article()
    older = post(article, status=S.PENDING)
    newer = post(article, status=S.PENDING)
    type(newer).objects.filter(pk=older.pk).update(created=timezone.now() - timedelta(hours=1))

    first = desk.post(moderate_url(newer), {"and_next": "approve"})
    last = desk.post(moderate_url(older), {"and_next": "remove"})

    assertRedirects(first, change_url(older), fetch_redirect_response=False)
    assertRedirects(last, QUEUE, fetch_redirect_response=False)
    assert (reload(newer).status, reload(older).status) == (S.PUBLISHED, S.REMOVED)


@pytest.mark.django_db
def test_the_comment_page_offers_and_next_buttons(desk):
    comment = post(make_article(), status=S.PENDING)

    assertContains(desk.get(change_url(comment)), 'name="and_next" value="approve"')


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/admin/", "/admin/comments/ban/", QUEUE_ALL])
def test_every_admin_page_shows_the_pending_count_in_its_header(desk, page):
    article = make_article()
    post(article, status=S.PENDING)
    post(article, status=S.PENDING)

    assertContains(desk.get(page), "2 pending comments</a>")


@pytest.mark.django_db
def test_the_keyboard_is_documented_on_the_queue(desk):
    response = desk.get(QUEUE)

    assertContains(response, "<kbd>j</kbd> next row")
    assertContains(response, "newsroom/desk.js")


@pytest.mark.django_db
def test_recent_actions_say_what_was_done(desk):
    comment = post(make_article(), status=S.PENDING)
    desk.post(moderate_url(comment), {"action": "approve"})

    assertContains(desk.get("/admin/"), '<span class="recent-action">Approved</span>')
