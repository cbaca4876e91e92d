import pytest
from django.test import Client, override_settings
from pytest_django.asserts import assertContains, assertNotContains

from comments import moderation
from comments.models import Comment
from tests.helpers import SAME_ORIGIN, create_tree, make_article, post, submit

pytestmark = pytest.mark.django_db


def test_top_level_comment_redirects_303_to_its_anchor(reader, assert_tree_sound):
    article = make_article(slug="story")

    response = submit(reader, article, body="First!")

    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/articles/story/?comment={comment.pk}#c{comment.pk}"
    assert (comment.author_name, comment.body, comment.parent) == ("Ada", "First!", None)
    assert comment.article == article
    page = reader.get(response["Location"])
    assertContains(page, "Your comment has been posted.")
    assertContains(page, "First!")
    assert_tree_sound()


def test_reply_three_levels_deep_through_the_reply_page(reader, assert_tree_sound):
    tree = create_tree()
    url = f"{tree.article.get_absolute_url()}comments/{tree.grandchild.pk}/reply/"

    form_page = reader.get(url)
    response = submit(reader, tree.article, body="Down here", parent=tree.grandchild)

    assertContains(form_page, "Reply to grandchild")
    assertContains(form_page, "grandchild says hello")
    reply = Comment.objects.get(body="Down here")
    assert reply.parent == tree.grandchild
    assert reply.level == 3
    assert response.status_code == 303
    assert response["Location"].endswith(f"#c{reply.pk}")
    assert_tree_sound()


def test_empty_body_rerenders_400_with_every_field_kept(reader):
    article = make_article(slug="story")

    response = submit(reader, article, "   ", name="Grace", email="grace@example.com")

    assert response.status_code == 400
    assertContains(response, "Write something before posting.", status_code=400)
    assertContains(response, 'value="Grace"', status_code=400)
    assertContains(response, 'value="grace@example.com"', status_code=400)
    assert not Comment.objects.exists()


def test_over_long_body_is_rejected_with_the_text_intact(reader):
    article = make_article(slug="story")
    body = "word " * 1001

    response = submit(reader, article, body=body)

    assert response.status_code == 400
    assertContains(response, "at most 5000 characters", status_code=400)
    assertContains(response, body.strip(), status_code=400)
    assert not Comment.objects.exists()


def test_missing_name_is_an_error_for_anonymous_readers(reader):
    article = make_article(slug="story")

    response = submit(reader, article, name="  ")

    assertContains(response, "Enter the name", status_code=400)
    assertContains(response, "Hello there", status_code=400)


def test_logged_in_reader_posts_under_their_account_without_a_name_field(reader, django_user_model):
    article = make_article(slug="story")
    user = django_user_model.objects.create_user("kim", first_name="Kim", last_name="Lee")
    reader.force_login(user)

    form_page = reader.get("/articles/story/")
    submit(reader, article, name="")

    assertNotContains(form_page, 'name="name"')
    assertContains(form_page, "Posting as <b>Kim Lee</b>")
    comment = Comment.objects.get()
    assert comment.user == user
    assertContains(reader.get("/articles/story/"), "Kim Lee")


def test_name_and_email_are_remembered_for_the_next_reply(reader):
    article = make_article(slug="story")

    submit(reader, article, name="Lin", email="l@example.com")

    page = reader.get("/articles/story/")
    assertContains(page, 'value="Lin"')
    assertContains(page, 'value="l@example.com"')


def test_email_is_never_shown_publicly(reader):
    article = make_article(slug="story")

    submit(reader, article, email="secret@example.com")

    assertNotContains(Client().get("/articles/story/"), "secret@example.com")


@pytest.mark.parametrize("pk", ["999999", "999999999999999999"])
def test_reply_to_a_comment_that_does_not_exist_is_a_form_error(reader, pk):
    article = make_article(slug="story")

    response = submit(reader, article, parent=pk)

    assertContains(response, "does not exist", status_code=400)
    assertContains(response, "Hello there", status_code=400)
    assert not Comment.objects.exists()


def test_reply_to_another_articles_comment_is_rejected(reader):
    elsewhere = post(make_article(), body="over there")
    article = make_article(slug="story")

    response = submit(reader, article, parent=elsewhere)

    assertContains(response, "belongs to another article", status_code=400)
    assert Comment.objects.count() == 1
    assert reader.get(f"/articles/story/comments/{elsewhere.pk}/reply/").status_code == 404


def test_reply_to_a_removed_comment_is_refused_as_if_it_did_not_exist(reader):
    article = make_article(slug="story")
    parent = post(article, body="gone soon")
    moderation.comments_moderate(
        Comment.objects.filter(pk=parent.pk), action="remove", moderator=None
    )

    response = submit(reader, article, parent=parent)

    assertContains(response, "does not exist", status_code=400)
    assertNotContains(response, "gone soon", status_code=400)
    assertContains(response, "Hello there", status_code=400)
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("forged", ["abc", "-1", str(10**30), "1e3", "0x10", "%20"])
def test_forged_parent_ids_in_the_url_are_404_not_500(reader, forged, method):
    article = make_article(slug="story")
    post(article)

    if method == "get":
        response = reader.get(f"/articles/story/comments/{forged}/reply/")
    else:
        response = submit(reader, article, parent=forged)

    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_closed_article_refuses_new_comments_with_a_clear_message(reader):
    """The reader opened the form before the article closed, and keeps the text."""
    article = make_article(slug="story")
    reader.get("/articles/story/")
    article.comments_open = False
    article.save()

    response = reader.post(
        "/articles/story/comment/", {"name": "A", "body": "Late", "website": ""},
        headers=SAME_ORIGIN,
    )

    assertContains(response, "Comments are closed on this article.", status_code=400)
    assertContains(response, "Late</textarea>", status_code=400)
    assertContains(reader.get("/articles/story/"), "Comments are closed on this article.")
    assert not Comment.objects.exists()



def test_double_submission_within_a_minute_creates_one_comment(reader):
    article = make_article(slug="story")

    first = submit(reader, article, body="Once only")
    second = submit(reader, article, body="Once only")

    assert (first.status_code, second.status_code) == (303, 303)
    assert Comment.objects.filter(body="Once only").count() == 1
    assert first["Location"] == second["Location"]



def test_held_comment_shows_awaiting_moderation_only_to_its_author(reader, settings):
    settings.NEWSROOM_PREMODERATION = True
    article = make_article(slug="story")

    response = submit(reader, article, body="Held words")
    own_view = reader.get(response["Location"])

    assertContains(own_view, "Your comment is awaiting moderation.")
    assertContains(own_view, "Held words")
    assertContains(own_view, "Awaiting moderation")
    assertNotContains(Client().get("/articles/story/"), "Held words")


@override_settings(NEWSROOM_THREADS_PER_PAGE=1)
def test_reply_in_a_thread_on_a_later_page_redirects_to_that_page(reader):
    article = make_article(slug="story")
    post(article, body="first thread")
    second = post(article, body="second thread")

    response = submit(reader, article, parent=second)

    reply = Comment.objects.get(parent=second)
    assert response["Location"] == f"/articles/story/?comment={reply.pk}#c{reply.pk}"
    page = reader.get(response["Location"])
    assertContains(page, "Page 2 of 2")
    assertContains(page, f'id="c{reply.pk}"')
    assertNotContains(page, "first thread")


@override_settings(NEWSROOM_MAX_VISIBLE_DEPTH=2)
def test_reply_beyond_the_visible_depth_redirects_to_the_comment_page(reader):
    tree = create_tree()

    response = submit(reader, tree.article, parent=tree.grandchild)

    reply = Comment.objects.get(parent=tree.grandchild)
    assert response["Location"] == f"{reply.get_absolute_url()}#c{reply.pk}"
    assertContains(reader.get(response["Location"]), "Hello there")


def test_bodies_are_escaped_and_only_urls_become_safe_links(reader):
    article = make_article(slug="story")
    body = '<script>alert(1)</script> see https://example.com/a?b=1&c=2 <b onclick="x">hi</b>'

    submit(reader, article, body=body)

    page = reader.get("/articles/story/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b onclick" not in page
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://example.com/a?b=1&amp;c=2</a>"
    ) in page




def test_closed_article_shows_no_reply_links_but_keeps_its_comments(reader):
    article = make_article(slug="story")
    comment = post(article, body="Still here")
    reader.get("/articles/story/")
    article.comments_open = False
    article.save()

    page = reader.get("/articles/story/")

    assertContains(page, "Still here")
    assertNotContains(page, f"comments/{comment.pk}/reply/")
    assertContains(page, f"comments/{comment.pk}/report/")
