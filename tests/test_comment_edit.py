"""A reader edits their own comment within the edit window, through the posting rules again."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment, RejectedPost, Revision
from tests.helpers import make_article, make_reader, post, reload, submit, version

pytestmark = pytest.mark.django_db


def edit_url(comment) -> str:
    return f"/articles/{comment.article.slug}/comments/{comment.pk}/edit/"


def posted_by(client, article, body="Teh first words") -> Comment:
    """A guest's comment posted from ``client``, whose session now remembers it."""
    assert submit(client, article, body).status_code == 303
    return Comment.objects.get(body=body)


def edit(client, comment, body, **headers):
    """Send the edit form as a browser does, with the token of a page of the site that
    has one: the article page when it is the reader's own, else the sign-in page."""
    for page in (comment.article.get_absolute_url(), "/accounts/login/"):
        if "csrftoken" not in client.cookies:
            client.get(page)
    token = client.cookies["csrftoken"].value
    return client.post(edit_url(comment), {"csrfmiddlewaretoken": token, "body": body}, **headers)


def age(comment, seconds: int) -> None:
    Comment.objects.filter(pk=comment.pk).update(
        created=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_guest_edits_their_comment_and_the_old_words_are_kept(reader):
    article = make_article()
    comment = posted_by(reader, article)
    before = version(article)

    response = edit(reader, comment, "The first words")

    assert response.status_code == 303
    edited = reload(comment)
    assert edited.body == "The first words"
    assert edited.edited_at is not None and edited.edited_by is None
    revision = Revision.objects.get(comment=comment)
    assert (revision.body, revision.written_at) == ("Teh first words", comment.created)
    assert revision.replaced_at == edited.edited_at
    assert version(article) > before
    page = reader.get(response["Location"])
    assertContains(page, "The first words")
    assertContains(page, '<small class="edited">edited</small>')


def test_a_second_edit_keeps_both_earlier_versions(reader):
    comment = posted_by(reader, make_article())
    edit(reader, comment, "Second words")
    edit(reader, comment, "Third words")

    bodies = list(Revision.objects.filter(comment=comment).values_list("body", flat=True))
    assert bodies == ["Teh first words", "Second words"]
    assert Revision.objects.last().written_at == Revision.objects.first().replaced_at


def test_the_edit_page_holds_the_current_words(reader):
    comment = posted_by(reader, make_article())

    assertContains(reader.get(edit_url(comment)), "Teh first words</textarea>")


def test_a_signed_in_reader_edits_their_comment_from_any_browser(client):
    ada = make_reader("Ada")
    comment = post(make_article(), body="Old words", author="", user=ada)
    client.force_login(ada)

    assert edit(client, comment, "New words").status_code == 303

    assert (reload(comment).body, reload(comment).edited_by) == ("New words", ada)


@pytest.mark.parametrize("who", ["stranger", "another reader"])
def test_someone_elses_comment_cannot_be_edited(reader, who):
    comment = posted_by(Client(), make_article())
    if who == "another reader":
        reader.force_login(make_reader("Bea"))

    assert reader.get(edit_url(comment)).status_code == 404
    assert edit(reader, comment, "Hijacked").status_code == 404
    assert reload(comment).body == "Teh first words"


def test_a_forged_id_or_another_articles_slug_answers_404(reader):
    comment = posted_by(reader, make_article())
    other = make_article()

    assert reader.get(f"/articles/{other.slug}/comments/{comment.pk}/edit/").status_code == 404
    assert reader.get(f"/articles/{other.slug}/comments/99999999/edit/").status_code == 404


def test_an_edit_without_its_csrf_token_is_refused(reader):
    comment = posted_by(reader, make_article())

    response = reader.post(edit_url(comment), {"body": "No token"})

    assert response.status_code == 403
    assert reload(comment).body == "Teh first words"


@pytest.mark.parametrize(
    "body, message",
    [("   ", "Write something before posting."), ("x" * 5001, "at most 5000 characters")],
    ids=["empty", "huge"],
)
def test_an_empty_or_huge_edit_is_refused_with_the_text_kept(reader, body, message):
    comment = posted_by(reader, make_article())

    response = edit(reader, comment, body)

    assertContains(response, message, status_code=400)
    assertContains(response, f">\n{body}</textarea>", status_code=400)
    assert reload(comment).body == "Teh first words"


def test_after_the_window_the_link_goes_and_an_edit_is_refused_with_the_text_kept(
    reader, settings
):
    settings.NEWSROOM_EDIT_WINDOW = 900
    article = make_article()
    comment = posted_by(reader, article)
    assertContains(reader.get(article.get_absolute_url()), edit_url(comment))
    age(comment, 901)

    page = reader.get(article.get_absolute_url())
    refused = edit(reader, comment, "Too late words")

    assertNotContains(page, edit_url(comment))
    assertContains(page, f"/comments/{comment.pk}/delete/")
    assertContains(refused, "can be edited for 15 minutes after posting", status_code=403)
    assertContains(refused, "Too late words</textarea>", status_code=403)
    assertNotContains(reader.get(edit_url(comment)), "<form method", status_code=403)
    assert reload(comment).body == "Teh first words"


def test_no_edit_where_comments_closed(reader):
    article = make_article()
    comment = posted_by(reader, article)
    article.comments_open = False
    article.save()

    assertContains(edit(reader, comment, "Later"), "Comments are closed", status_code=403)


def test_a_watched_word_holds_the_edit_and_its_author_sees_it_waiting(reader, settings):
    settings.NEWSROOM_WATCHED_WORDS = ["bridge"]
    article = make_article()
    comment = posted_by(reader, article)

    response = edit(reader, comment, "About the bridge")

    assert response.status_code == 303
    held = reload(comment)
    assert held.status == Comment.Status.PENDING
    assert "bridge" in held.moderation_reason
    assertContains(reader.get(article.get_absolute_url()), "Awaiting moderation")
    assertNotContains(Client().get(article.get_absolute_url()), "About the bridge")


def test_an_edit_never_publishes_a_held_comment(reader):
    article = make_article(premoderation=True)
    comment = posted_by(reader, article)
    Comment.objects.filter(pk=comment.pk).update(moderation_reason="Held by a moderator.")
    article.premoderation = False
    article.save()

    edit(reader, comment, "Harmless now")

    held = reload(comment)
    assert (held.status, held.moderation_reason) == ("pending", "Held by a moderator.")


def test_a_blocked_word_refuses_the_edit_keeps_the_text_and_records_it(reader, settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["spam"]
    comment = posted_by(reader, make_article())

    response = edit(reader, comment, "Buy spam now")

    assertContains(response, "This comment cannot be posted.", status_code=400)
    assertContains(response, "Buy spam now</textarea>", status_code=400)
    assert reload(comment).body == "Teh first words"
    rejected = RejectedPost.objects.get()
    assert rejected.body == "Buy spam now"
    assert f"edit of comment {comment.pk}" in rejected.reason and "spam" in rejected.reason


def test_one_comment_takes_a_bounded_number_of_edits_a_minute(reader, settings):
    settings.NEWSROOM_POSTS_PER_MINUTE = 3
    comment = posted_by(reader, make_article())
    for n in range(3):
        assert edit(reader, comment, f"Version {n}").status_code == 303

    response = edit(reader, comment, "One too many")

    assertContains(response, "editing too fast", status_code=429)
    assertContains(response, "One too many</textarea>", status_code=429)


def test_the_pages_script_gets_the_new_words_as_json(reader):
    comment = posted_by(reader, make_article())

    text = "Line one\n\nhttps://example.com"
    response = edit(reader, comment, text, HTTP_ACCEPT="application/json")

    data = response.json()
    assert data["awaiting"] is False
    assert data["body_html"].startswith("<p>Line one</p>")
    assert 'rel="nofollow ugc noopener"' in data["body_html"]
