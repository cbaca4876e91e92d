import time

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments.models import Comment, RejectedPost
from comments.readers_views import COMMENTS_PER_PAGE
from comments.rules import screen
from tests.helpers import make_article, make_reader, post

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def sign_in_just_now(client, user) -> None:
    """Signed in with the password a moment ago, as deleting an account asks."""
    user.set_password(PASSWORD)
    user.save()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    session = client.session
    session["account_authentication_methods"][-1] |= {"reauthenticated": True, "at": time.time()}
    session.save()


def test_profile_lists_published_comments_newest_first_linked_to_their_place(client):
    ada = make_reader("Ada Lovelace")
    article = make_article(title="Engines")
    older = post(article, author="", user=ada, body="The older remark")
    newer = post(article, older, author="", user=ada, body="The newer remark")
    post(article, author="", user=ada, body="Held remark", status=Comment.Status.PENDING)

    response = client.get("/readers/Ada Lovelace/")

    text = response.content.decode()
    assert text.index("The newer remark") < text.index("The older remark")
    assertContains(response, f'href="/articles/{article.slug}/?comment={newer.pk}#c{newer.pk}"')
    assertContains(response, "Joined <time datetime=")
    assertNotContains(response, "Held remark")


def test_profile_finds_the_name_however_it_is_written(client):
    make_reader("Ada Lovelace")

    assertContains(client.get("/readers/ADA%20LOVELACE/"), "<h1 class=\"page-title\">Ada Lovelace")


def test_profile_of_an_unknown_or_deleted_reader_is_404(client):
    from comments.accounts import reader_delete

    reader_delete(user=make_reader("Grace"), keep_text=True)

    assert client.get("/readers/Nobody/").status_code == 404
    assert client.get("/readers/Grace/").status_code == 404
    assert client.get("/readers/%E2%80%8B/").status_code == 404


def test_profile_pages_its_comments_and_a_bad_page_number_is_no_error(client):
    ada = make_reader("Ada")
    article = make_article()
    for n in range(COMMENTS_PER_PAGE + 1):
        post(article, author="", user=ada, body=f"Remark number {n}")

    first = client.get("/readers/Ada/")
    second = client.get("/readers/Ada/?page=2")

    assertContains(first, "Page 1 of 2")
    assertContains(second, "Remark number 0")
    assert client.get("/readers/Ada/?page=x").status_code == 200
    assert client.get("/readers/Ada/?page=99").status_code == 200


def test_profile_runs_constant_queries(client, django_assert_num_queries):
    ada = make_reader("Ada")
    article = make_article()
    for _ in range(5):
        post(article, author="", user=ada)

    # Profile with user, count, page of comments with their articles.
    with django_assert_num_queries(3):
        client.get("/readers/Ada/")
    for _ in range(10):
        post(make_article(), author="", user=ada)
    with django_assert_num_queries(3):
        client.get("/readers/Ada/")


def test_my_comments_shows_held_comments_with_their_reason(client):
    ada = make_reader("Ada")
    article = make_article()
    post(article, author="", user=ada, body="Published remark")
    post(
        article, author="", user=ada, body="Held remark",
        status=Comment.Status.PENDING, moderation_reason="More than 2 links",
    )
    post(article, author="Someone", body="Not mine")
    client.force_login(ada)

    response = client.get("/accounts/comments/")

    assertContains(response, "Published remark")
    assertContains(response, "Held remark")
    assertContains(response, "Awaiting moderation</strong>: More than 2 links")
    assertNotContains(response, "Not mine")
    assert "no-store" in response["Cache-Control"]


def test_my_comments_does_not_name_the_watched_word_a_comment_was_held_for(client, settings):
    settings.NEWSROOM_WATCHED_WORDS = ["bargain"]
    ada = make_reader("Ada")
    article = make_article()
    verdict = screen(article=article, body="What a bargain")
    post(
        article, author="", user=ada, body="What a bargain",
        status=verdict.status, moderation_reason=verdict.reason,
    )
    client.force_login(ada)

    response = client.get("/accounts/comments/")

    assertContains(response, "Awaiting moderation</strong>: Contains a word moderators read first.")
    assertNotContains(response, "watched word") or "max-age=0" in response["Cache-Control"]


def test_my_comments_needs_a_signed_in_reader(client):
    assertRedirects(
        client.get("/accounts/comments/"),
        "/accounts/login/?next=/accounts/comments/",
        fetch_redirect_response=False,
    )


def test_my_comments_runs_constant_queries(client, django_assert_num_queries):
    ada = make_reader("Ada")
    client.force_login(ada)
    post(make_article(), author="", user=ada)
    # Session, user with profile, count, page of comments.
    with django_assert_num_queries(4):
        client.get("/accounts/comments/")
    for _ in range(5):
        post(make_article(), author="", user=ada, status=Comment.Status.PENDING)
    with django_assert_num_queries(4):
        client.get("/accounts/comments/")


def test_settings_link_to_my_comments(client):
    client.force_login(make_reader("Ada"))

    assertContains(client.get("/accounts/settings/"), 'href="/accounts/comments/"')


def test_deleting_asks_what_becomes_of_the_comments(client):
    sign_in_just_now(client, make_reader("Ada", email="ada@example.com"))

    response = client.post("/accounts/delete/", {"confirm": "on"})

    assertContains(response, "Choose what happens to your comments.", status_code=400)
    assertContains(response, 'checked', status_code=400)


def _delete(client, user, choice):
    sign_in_just_now(client, user)
    return client.post("/accounts/delete/", {"comments": choice, "confirm": "on"})


def test_deleting_and_keeping_the_text_erases_name_email_and_addresses_from_comments(client):
    ada = make_reader("Ada", email="ada@example.com")
    article = make_article()
    comment = post(article, author="", user=ada, email="ada@example.com", ip_address="203.0.113.9")
    RejectedPost.objects.create(
        article=article, user=ada, author_name="Ada", email="ada@example.com",
        body="refused", reason="blocked", ip_address="203.0.113.9",
    )

    assertRedirects(_delete(client, ada, "keep"), "/", fetch_redirect_response=False)

    comment.refresh_from_db()
    assert (comment.author_name, comment.email, comment.ip_address) == ("deleted account", "", None)
    assert comment.status == Comment.Status.PUBLISHED and comment.user_id == ada.pk
    page = client.get(article.get_absolute_url())
    assertContains(page, "<b>deleted account</b>")
    assertNotContains(page, "<b>Ada</b>")
    rejected = RejectedPost.objects.get()
    assert (rejected.author_name, rejected.email, rejected.ip_address) == ("", "", None)
    assert not User.objects.get(pk=ada.pk).is_active


def test_deleting_and_removing_the_text_leaves_tombstones_where_replies_need_them(client):
    ada = make_reader("Ada", email="ada@example.com")
    article = make_article()
    answered = post(article, author="", user=ada, body="Answered remark")
    post(article, answered, author="Bob", body="Bob's reply")
    post(article, author="", user=ada, body="Lonely remark")
    client.get(article.get_absolute_url())

    _delete(client, ada, "remove")

    assert set(Comment.objects.filter(user=ada).values_list("status", flat=True)) == {"removed"}
    page = client.get(article.get_absolute_url())
    assertContains(page, "This comment was removed.")
    assertContains(page, "Bob&#x27;s reply")
    assertNotContains(page, "Answered remark")
    assertNotContains(page, "Lonely remark")


def test_deleting_changes_the_cached_article_page(client):
    ada = make_reader("Ada", email="ada@example.com")
    article = make_article()
    post(article, author="", user=ada, body="Soon gone")
    assertContains(client.get(article.get_absolute_url()), "Soon gone")

    _delete(client, ada, "remove")
    client.logout()

    assertNotContains(client.get(article.get_absolute_url()), "Soon gone")
    cache.clear()


def test_profile_shows_comment_text_as_the_thread_does_escaped(client):
    post(make_article(), author="", user=make_reader("Ada"), body="<b>bold</b>\n\nsee https://example.com")

    response = client.get("/readers/Ada/")

    assertContains(response, "<p>&lt;b&gt;bold&lt;/b&gt;</p>")
    assertContains(response, 'rel="nofollow ugc noopener"')
