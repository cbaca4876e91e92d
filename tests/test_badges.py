import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from tests.helpers import make_article, make_reader, post

pytestmark = pytest.mark.django_db


def test_a_readers_comment_shows_their_display_name_with_no_badge(client):
    article = make_article()
    post(article, body="Signed in.", author="", user=make_reader("Ada Lovelace"))

    response = client.get(article.get_absolute_url())

    assertContains(response, "<b>Ada Lovelace</b> <a href=")
    assertNotContains(response, "<small>")


def test_a_guests_name_is_marked_guest(client):
    article = make_article()
    post(article, body="Passing by.", author="Visitor")

    assertContains(
        client.get(article.get_absolute_url()), '<b>Visitor</b> <small>guest</small>'
    )


def test_an_imported_comment_is_not_marked_guest(client):
    article = make_article()
    imported = post(article, body="From the original page.", author="Old Reader")
    Comment.objects.filter(pk=imported.pk).update(is_imported=True)

    response = client.get(article.get_absolute_url())

    assertContains(response, "<b>Old Reader</b>")
    assertNotContains(response, "<small>guest</small>")


def test_staff_and_moderators_show_staff(client, moderator):
    article = make_article()
    editor = get_user_model().objects.create_user("editor", first_name="Eda", is_staff=True)
    post(article, body="From the desk.", author="", user=editor)
    post(article, body="From the moderators.", author="", user=moderator)

    response = client.get(article.get_absolute_url())

    assertContains(response, '<b>Eda</b> <small class="role">Staff</small>')
    assertContains(response, '<b>mod</b> <small class="role">Staff</small>')
    assert moderator.groups.filter(pk=Group.objects.get(name="Moderators").pk).exists()


def test_the_articles_author_shows_author_on_that_article_only(client):
    writer = make_reader("Wendy Writer")
    theirs, other = make_article(author=writer), make_article()
    for article in (theirs, other):
        post(article, body="The writer speaks.", author="", user=writer)

    response = client.get(theirs.get_absolute_url())
    assertContains(response, '<b>Wendy Writer</b> <small class="role">Author</small>')
    assertNotContains(client.get(other.get_absolute_url()), "Author</small>")


def test_badges_are_in_the_shared_cached_page(client, django_assert_num_queries):
    editor_article = make_article()
    editor = get_user_model().objects.create_user("editor", is_staff=True)
    post(editor_article, body="Staff here.", author="", user=editor)
    client.get(editor_article.get_absolute_url())

    with django_assert_num_queries(1):
        response = client.get(editor_article.get_absolute_url())
    assertContains(response, '<small class="role">Staff</small>')


def test_a_comments_own_page_shows_its_badge(client):
    writer = make_reader("Wendy Writer")
    article = make_article(author=writer)
    comment = post(article, body="The writer speaks.", author="", user=writer)

    assertContains(client.get(comment.get_absolute_url()), '<small class="role">Author</small>')


def test_a_deleted_accounts_comment_shows_deleted_account(client):
    reader = make_reader("Gone Soon")
    article = make_article()
    post(article, body="Still here.", author="", user=reader)
    reader.profile.display_name, reader.profile.name_key = "", None
    reader.profile.deleted = timezone.now()
    reader.profile.save()

    assertContains(client.get(article.get_absolute_url()), "<b>deleted account</b>")


def test_the_article_admin_links_an_article_to_its_authors_account(admin_client):
    article = make_article()

    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/")

    assertContains(page, 'name="author"')
    assertContains(page, 'name="commenters"')
