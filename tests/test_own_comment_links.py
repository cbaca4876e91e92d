"""Edit and Delete links reach the reader's own comments without entering the shared page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from tests.helpers import create_tree, make_article, make_reader, post, submit

pytestmark = pytest.mark.django_db


def links(comment) -> tuple[str, str]:
    base = f"/articles/{comment.article.slug}/comments/{comment.pk}"
    edit = f'<a class="edit" href="{base}/edit/">Edit</a>'
    return edit, f'<a class="delete" href="{base}/delete/">'


def test_a_guest_gets_links_on_their_comment_only_and_others_never_see_them(reader):
    tree = create_tree()
    submit(reader, tree.article, "My reply", parent=tree.root)
    mine = Comment.objects.get(body="My reply")
    stranger = Client()
    stranger.get(tree.article.get_absolute_url())

    page = reader.get(tree.article.get_absolute_url()).content.decode()
    shared = stranger.get(tree.article.get_absolute_url())

    edit_link, delete_link = links(mine)
    assert edit_link in page and delete_link in page
    assert page.count('class="edit"') == 1
    # In the comment's own footer, beside Reply and Report.
    footer = page[page.index(f'id="c{mine.pk}"'):]
    assert footer.index(delete_link) < footer.index("</footer>") < footer.index("</article>")
    assertNotContains(shared, 'class="edit"')
    assertNotContains(shared, 'class="delete"')


def test_a_held_comment_of_theirs_gets_the_links_too(reader):
    article = make_article(premoderation=True)
    submit(reader, article, "Held words")
    held = Comment.objects.get(body="Held words")

    page = reader.get(article.get_absolute_url())

    assertContains(page, "Awaiting moderation")
    for link in links(held):
        assertContains(page, link)


def test_past_the_window_only_delete_is_offered(reader, settings):
    article = make_article()
    submit(reader, article, "Old words")
    old = Comment.objects.get(body="Old words")
    Comment.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(hours=1))

    page = reader.get(article.get_absolute_url())

    edit_link, delete_link = links(old)
    assertNotContains(page, edit_link)
    assertContains(page, delete_link)


def test_the_comments_own_page_offers_its_author_the_links_and_is_never_stored(reader):
    article = make_article()
    submit(reader, article, "Mine")
    mine = Comment.objects.get(body="Mine")

    page = reader.get(mine.get_absolute_url())
    other = Client().get(mine.get_absolute_url())

    for link in links(mine):
        assertContains(page, link)
        assertNotContains(other, link)
    assert "no-store" in page["Cache-Control"]


@pytest.mark.parametrize("count", [5, 25])
def test_a_signed_in_readers_page_with_many_own_comments_runs_constant_queries(
    client, django_assert_num_queries, count
):
    ada = make_reader("Ada")
    article = make_article()
    for i in range(count):
        post(article, body=f"mine {i}", author="", user=ada)
        post(article, body=f"theirs {i}")
    client.force_login(ada)
    client.get(article.get_absolute_url())

    # Session and user (with profile), article, the reader's own comments, the
    # comments they respect.
    with django_assert_num_queries(5):
        page = client.get(article.get_absolute_url())
    assertContains(page, 'class="edit"', count=count)
