"""Respects: the toggle, its counts, who may give one and where, and the button."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models.query import QuerySet
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from comments import reactions
from comments.models import Comment, Reaction
from tests.helpers import SAME_ORIGIN, make_article, make_reader, moderate, post, reload, send

pytestmark = pytest.mark.django_db


def respect_url(comment) -> str:
    return f"/articles/{comment.article.slug}/comments/{comment.pk}/respect/"


def signed_in(name="Rita"):
    client = Client(enforce_csrf_checks=True)
    user = make_reader(name)
    client.force_login(user)
    return client, user


def respect(client, comment):
    """Press the comment's Respect button on its article page, as a browser sends it."""
    return send(client, respect_url(comment), {}, opened=comment.article.get_absolute_url())


def test_a_signed_in_reader_respects_a_comment_and_lands_back_on_it():
    comment = post(make_article(slug="story"), body="Worth reading.")
    client, user = signed_in()

    response = respect(client, comment)

    assert response.status_code == 303
    assert response["Location"] == f"/articles/story/?comment={comment.pk}#c{comment.pk}"
    assert reload(comment).reaction_count == 1
    assert Reaction.objects.filter(comment=comment, user=user).exists()


def test_pressing_again_takes_the_respect_back():
    comment = post(make_article())
    client, _user = signed_in()

    respect(client, comment)
    respect(client, comment)

    assert reload(comment).reaction_count == 0
    assert not Reaction.objects.exists()


def test_counts_add_up_over_readers_and_show_on_the_page(client):
    comment = post(make_article(), body="Worth reading.")
    for name in ("Ann", "Ben", "Cy"):
        reactions.respect_toggle(comment_id=comment.pk, user=make_reader(name))

    page = client.get(comment.article.get_absolute_url())

    assert reload(comment).reaction_count == 3
    assertContains(page, '/respect/">Respect <span>3</span></button>')


def test_the_readers_own_respect_is_pressed_on_their_page_only(client):
    article = make_article()
    respected, other = post(article, body="Respected."), post(article, body="Other.")
    reader, _user = signed_in()
    respect(reader, respected)

    mine = reader.get(article.get_absolute_url())
    shared = client.get(article.get_absolute_url())

    assertContains(mine, f'/{respected.pk}/respect/" aria-pressed="true"', count=1)
    assertContains(mine, f'/{other.pk}/respect/" aria-pressed="false"')
    assertNotContains(shared, "aria-pressed")
    assertContains(shared, f'formaction="comments/{respected.pk}/respect/">')
    assert mine["Cache-Control"] == "private, no-store"


def test_a_link_in_a_comment_is_never_taken_for_a_respect_button():
    article = make_article()
    linked = post(article, body="See https://example.org/comments/7/respect/ for once.")
    reader, _user = signed_in()

    html = reader.get(article.get_absolute_url()).content.decode()

    assert html.count("aria-pressed") == 1
    assert f'formaction="comments/{linked.pk}/respect/" aria-pressed="false"' in html


def test_a_comments_own_page_presses_the_readers_respect():
    comment = post(make_article())
    reader, _user = signed_in()
    respect(reader, comment)

    page = reader.get(comment.get_absolute_url())

    assertContains(page, f'formaction="../{comment.pk}/respect/" aria-pressed="true"', count=1)


def test_script_gets_the_new_state_and_count_as_json():
    comment = post(make_article())
    client, _user = signed_in()
    client.get(comment.article.get_absolute_url())
    token = client.cookies["csrftoken"].value

    response = client.post(
        respect_url(comment), {"csrfmiddlewaretoken": token}, headers={"Accept": "application/json"}
    )

    assert response.json() == {"respected": True, "count": 1}


def test_a_guest_sees_the_count_and_is_sent_to_sign_in_and_back(reader):
    comment = post(make_article(slug="story"))
    page = reader.get("/articles/story/")

    response = respect(reader, comment)

    assertContains(page, 'href="/accounts/login/?next=/articles/story/%23discussion">Sign in</a>')
    assert response.status_code == 302
    assert response["Location"] == (
        f"/accounts/login/?next=/articles/story/%3Fcomment%3D{comment.pk}%23c{comment.pk}"
    )
    assert reload(comment).reaction_count == 0


def test_a_guests_script_is_told_where_to_sign_in(reader):
    comment = post(make_article(slug="story"))
    reader.get("/articles/story/")

    response = reader.post(
        respect_url(comment), headers={"Accept": "application/json", **SAME_ORIGIN}
    )

    assert response.status_code == 401
    assert response.json()["login"].startswith("/accounts/login/?next=/articles/story/")


def test_a_respect_without_the_csrf_token_is_refused():
    comment = post(make_article())
    client, _user = signed_in()

    assert client.post(respect_url(comment)).status_code == 403
    assert reload(comment).reaction_count == 0


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REMOVED])
def test_a_comment_readers_cannot_see_cannot_be_respected(status):
    comment = post(make_article(), status=status)
    client, user = signed_in()

    assert respect(client, comment).status_code == 404
    with pytest.raises(ValidationError) as refused:
        reactions.respect_toggle(comment_id=comment.pk, user=user)
    assert refused.value.code == "unavailable"


def test_a_hidden_comment_shows_no_respect_button(client):
    article = make_article()
    kept = post(article, body="kept")
    moderate(post(article, kept, body="gone"), "remove")

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.count('form="respect" formaction') == 1


def test_a_reader_cannot_respect_their_own_comment():
    client, user = signed_in()
    comment = post(make_article(), author="", user=user)

    response = respect(client, comment)

    assert response.status_code == 400
    assertContains(response, "You cannot respect your own comment.", status_code=400)
    assert reload(comment).reaction_count == 0


def test_respects_past_the_limit_are_refused_and_taking_back_is_not(settings):
    settings.NEWSROOM_RESPECTS_PER_MINUTE = 2
    article = make_article()
    first, second, third = (post(article) for _ in range(3))
    client, _user = signed_in()
    respect(client, first)
    respect(client, second)

    refused = respect(client, third)
    taken_back = respect(client, first)

    assertContains(refused, "You are giving respects too fast.", status_code=429)
    assert taken_back.status_code == 303
    assert [reload(c).reaction_count for c in (first, second, third)] == [0, 1, 0]


def test_a_double_click_gives_and_takes_back_and_never_counts_twice():
    comment = post(make_article())
    user = make_reader("Quick")

    first = reactions.respect_toggle(comment_id=comment.pk, user=user)
    second = reactions.respect_toggle(comment_id=comment.pk, user=user)

    assert (first.respected, first.count) == (True, 1)
    assert (second.respected, second.count) == (False, 0)


def test_a_toggle_that_loses_the_race_to_insert_counts_nothing(monkeypatch):
    """As when another request of the reader's inserted between this one's look and
    its insert: the unique pair refuses the row, and the count is not moved again."""
    comment = post(make_article())
    user = make_reader("Racer")
    reactions.respect_toggle(comment_id=comment.pk, user=user)
    monkeypatch.setattr(QuerySet, "delete", lambda self: (0, {}))

    result = reactions.respect_toggle(comment_id=comment.pk, user=user)

    assert (result.respected, result.count) == (True, 1)
    assert Reaction.objects.count() == 1
