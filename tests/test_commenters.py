"""Who may comment (NEWSROOM_COMMENTERS and the article's override) and the
names guests may post under (README, "Accounts")."""

import pytest
from django.test import override_settings
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from comments.models import Comment
from tests.helpers import make_article, make_reader, submit

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/?next="


def post_as_guest(client, article, body, parent=None):
    """A guest's post from a form opened before the article required accounts
    (its page has no form, hence no CSRF token, now: ``client`` does not check)."""
    url = f"/articles/{article.slug}/comment/"
    if parent is not None:
        url = f"/articles/{article.slug}/comments/{parent.pk}/reply/"
    return client.post(url, {"name": "Ada", "email": "", "body": body, "website": ""})


def test_by_default_anyone_may_comment(client):
    article = make_article()

    assertContains(client.get(article.get_absolute_url()), 'id="id_name"')
    assert submit(client, article, "A guest's word.").status_code == 303


@override_settings(NEWSROOM_COMMENTERS="accounts")
def test_with_accounts_a_guest_sees_a_sign_in_link_back_to_the_form_instead_of_it(client):
    article = make_article(slug="story")

    response = client.get(article.get_absolute_url())

    assertContains(response, f'href="{SIGN_IN}/articles/story/%23comment-form">Sign in to comment')
    assertNotContains(response, 'id="id_body"')


def test_an_article_may_require_accounts_against_the_site_default(client):
    article = make_article(commenters=Article.Commenters.ACCOUNTS)

    assertContains(client.get(article.get_absolute_url()), "Sign in to comment")


@override_settings(NEWSROOM_COMMENTERS="accounts")
def test_an_article_may_let_anyone_comment_against_the_site_default(client):
    article = make_article(commenters=Article.Commenters.ANYONE)

    assertNotContains(client.get(article.get_absolute_url()), "Sign in to comment")
    assert submit(client, article, "Welcome here.").status_code == 303


def test_changing_who_may_comment_changes_the_shared_page(client):
    article = make_article()
    assertNotContains(client.get(article.get_absolute_url()), "Sign in to comment")

    with override_settings(NEWSROOM_COMMENTERS="accounts"):
        assertContains(client.get(article.get_absolute_url()), "Sign in to comment")


def test_a_guests_post_where_accounts_are_required_is_refused_with_the_text_kept(client):
    article = make_article(commenters=Article.Commenters.ACCOUNTS)

    response = post_as_guest(client, article, "My considered view.")

    assert response.status_code == 403
    assertContains(response, "Only readers with an account may comment", status_code=403)
    assertContains(response, "My considered view.</textarea>", status_code=403)
    assert not Comment.objects.exists()


def test_the_refused_draft_is_back_in_the_form_after_signing_in(client):
    article = make_article(slug="story", commenters=Article.Commenters.ACCOUNTS)
    post_as_guest(client, article, "My considered view.")
    reader = make_reader("Ada Lovelace", email="ada@example.com", password="pw-ada-123456")

    response = client.post(
        "/accounts/login/?next=/articles/story/comment/",
        {"login": "ada@example.com", "password": "pw-ada-123456"},
    )
    assert response.status_code == 302
    form = client.get(response["Location"])
    page = client.get(article.get_absolute_url())

    for shown in (form, page):
        assertContains(shown, "Posting as <b>Ada Lovelace</b>")
        assertContains(shown, "My considered view.</textarea>")
    assert submit(client, article, "My considered view.").status_code == 303
    assert Comment.objects.get().user == reader
    assertNotContains(client.get(article.get_absolute_url()), "My considered view.</textarea>")


def test_a_reply_draft_comes_back_on_its_reply_form_only(client):
    article = make_article(commenters=Article.Commenters.ACCOUNTS)
    parent = Comment.objects.create(article=article, author_name="Bo", body="Start.")
    post_as_guest(client, article, "A reply I wrote.", parent=parent)

    reply_form = client.get(f"/articles/{article.slug}/comments/{parent.pk}/reply/")
    assertContains(reply_form, "A reply I wrote.</textarea>")
    assertNotContains(client.get(article.get_absolute_url()), "A reply I wrote.")


# The last with a Cyrillic capital A (U+0410).
@pytest.mark.parametrize("typed", ["Ada Lovelace", "ADA  lovelace", "\u0410da Lovelace"])
def test_a_guest_may_not_post_under_a_readers_display_name(client, typed):
    make_reader("Ada Lovelace")
    article = make_article()

    response = submit(client, article, "Pretending.", name=typed)

    assert response.status_code == 400
    assertContains(response, "belongs to a reader with an account or to the staff", status_code=400)
    assertContains(response, "Pretending.</textarea>", status_code=400)
    assert not Comment.objects.exists()


def test_a_guest_may_not_post_under_a_staff_members_name(client, moderator):
    article = make_article()

    response = submit(client, article, "Official word.", name="MOD")

    assertContains(response, "belongs to a reader with an account or to the staff", status_code=400)
    assertContains(response, "Official word.</textarea>", status_code=400)


def test_a_guest_keeps_posting_under_a_free_name(client):
    make_reader("Ada Lovelace")
    article = make_article()

    assert submit(client, article, "Hello.", name="Ada Byron").status_code == 303
    assert Comment.objects.get().author_name == "Ada Byron"
