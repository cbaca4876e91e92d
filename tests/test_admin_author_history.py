"""A reader at a glance on a comment's admin page: matched by account, else email,
else address; counts by status, the five latest, links to the queue filtered to them."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from tests.helpers import QUEUE, S, change_url, make_article, make_reader, moderate, post, queue


def panel(desk, comment) -> dict:
    return desk.get(change_url(comment)).context["author_panel"]


def counts(found) -> dict:
    return {label: count for label, count, __ in found["counts"] if count}


@pytest.mark.django_db
def test_a_guest_is_matched_by_email_in_any_case_not_by_name(desk):
    article = make_article()
    shown = post(article, author="Ada", email="ada@example.com")
    post(article, author="Someone else", email="ADA@example.com")
    moderate(post(article, author="Ada", email="ada@example.com"), "spam")
    post(article, author="Ada", email="other@example.com")

    found = panel(desk, shown)

    assert (found["matched_by"], found["matched"]) == ("email", "ada@example.com")
    assert counts(found) == {"Published": 2, "Spam": 1}
    assert len(found["latest"]) == 2


@pytest.mark.django_db
def test_an_account_is_matched_by_account_whatever_address_it_posts_from(desk):
    user = make_reader("Grace")
    article = make_article()
    shown = post(article, author="", user=user, ip_address="192.0.2.1")
    post(article, author="", user=user, ip_address="192.0.2.2")
    post(article, author="Guest", ip_address="192.0.2.1")

    found = panel(desk, shown)

    assert found["matched_by"] == "account"
    assert counts(found) == {"Published": 2}


@pytest.mark.django_db
def test_a_guest_without_email_is_matched_by_address(desk):
    article = make_article()
    shown = post(article, author="Anon", ip_address="198.51.100.4")
    post(article, author="Other name", ip_address="198.51.100.4")

    found = panel(desk, shown)

    assert (found["matched_by"], counts(found)) == ("address", {"Published": 2})


@pytest.mark.django_db
def test_the_panel_shows_the_five_latest_other_comments_newest_first(desk):
    article = make_article()
    comments = [post(article, email="many@example.com") for __ in range(8)]

    found = panel(desk, comments[0])

    assert [c.pk for c in found["latest"]] == [c.pk for c in comments[:0:-1]][:5]


@pytest.mark.django_db
def test_the_panels_links_open_the_queue_filtered_to_that_author_of_every_status(desk):
    article = make_article()
    shown = post(article, email="ada@example.com")
    moderate(post(article, email="Ada@Example.com"), "remove")
    post(article, email="bob@example.com", status=S.PENDING)

    found = panel(desk, shown)
    everything = desk.get(found["queue_url"])
    removed = desk.get(dict((label, url) for label, __, url in found["counts"])["Removed"])

    assert {c.email for c in everything.context["cl"].result_list} == {
        "ada@example.com", "Ada@Example.com"
    }
    assert [c.status for c in removed.context["cl"].result_list] == [S.REMOVED]


@pytest.mark.django_db
def test_the_queue_filters_by_account_email_or_address_from_a_link(desk):
    user = make_reader("Grace")
    article = make_article()
    by_user = post(article, author="", user=user, status=S.PENDING)
    by_email = post(article, email="e@example.com", status=S.PENDING)
    by_address = post(article, ip_address="203.0.113.5", status=S.PENDING)

    assert queue(desk, user__id__exact=user.pk) == [by_user]
    assert queue(desk, email__iexact="E@EXAMPLE.COM") == [by_email]
    assert queue(desk, ip_address__exact="203.0.113.5") == [by_address]


@pytest.mark.django_db
def test_a_comment_with_nothing_to_match_shows_no_panel(desk):
    comment = post(make_article(), author="Anon")

    response = desk.get(change_url(comment))

    assertNotContains(response, "The author at a glance")


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 20])
def test_the_panel_costs_the_same_queries_however_much_the_author_wrote(
    desk, size, django_assert_num_queries
):
    user = make_reader("Prolific")
    article = make_article()
    comments = [post(article, author="", user=user) for __ in range(size)]
    desk.get(change_url(comments[-1]))

    # The change page's (tests/test_admin_comment_page.py) with the account and
    # its profile, the counts by status and the latest five: none per comment.
    with django_assert_num_queries(13):
        response = desk.get(change_url(comments[0]))

    assertContains(response, "The author at a glance")
    assert Comment.objects.count() == size
    assert QUEUE in response.context["author_panel"]["queue_url"]
