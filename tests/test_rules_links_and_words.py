"""The rules that read a post's text: comments.rules.screen's link limit and word lists, and
the public form that applies them."""

import pytest
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains

from comments import rules
from comments.models import Comment, RejectedPost
from tests.helpers import (
    make_article,
    post,
    submit,
)

pytestmark = pytest.mark.usefixtures("quiet_rules")


def screen(body, article=None, author_name=""):
    return rules.screen(article=article or make_article(), body=body, author_name=author_name)


# Links


@pytest.mark.django_db
def test_more_links_than_the_limit_hold_the_post(reader):
    article = make_article()
    body = "See http://a.example, https://b.example and www.c.example"

    submit(reader, article, body)

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == "Contains 3 links (more than 2)."


@pytest.mark.django_db
def test_links_up_to_the_limit_are_published():
    verdict = screen("See http://a.example and www.b.example")

    assert verdict == rules.Verdict()


@pytest.mark.django_db
def test_a_url_with_www_after_its_scheme_counts_as_one_link():
    verdict = screen("http://www.a.example/x and https://www.b.example/y")

    assert verdict.status == Comment.Status.PUBLISHED


@pytest.mark.django_db
def test_links_glued_together_still_count_one_by_one():
    verdict = screen("http://a.example,http://b.example,http://c.example")

    assert verdict.status == Comment.Status.PENDING


@pytest.mark.django_db
def test_the_link_limit_follows_the_setting(settings):
    settings.NEWSROOM_MAX_LINKS = 0

    verdict = screen("Only http://a.example")

    assert verdict.reason == "Contains 1 links (more than 0)."


# Word lists


@pytest.mark.django_db
def test_a_blocked_word_rejects_the_post_without_naming_the_word_and_keeps_the_text(
    reader, settings
):
    settings.NEWSROOM_BLOCKED_WORDS = ["scoundrel"]
    article = make_article()

    response = submit(reader, article, "You are a Scoundrel, sir.\n\nAnd more.")

    assert response.status_code == 400
    errors = response.content.decode().split('<ul class="errorlist"')[1].split("</ul>")[0]
    assert errors.endswith("<li>This comment cannot be posted.</li>")
    assert "scoundrel" not in response.content.decode().replace("You are a Scoundrel", "")
    assertContains(response, "You are a Scoundrel, sir.\n\nAnd more.</textarea>", status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_refused_post_is_kept_with_its_reason_for_moderators(reader, settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["scoundrel"]
    article = make_article()
    parent = post(article, body="Start here")

    submit(reader, article, "A scoundrel's reply.", parent=parent, name="Rude",
           email="rude@example.com")

    refused = RejectedPost.objects.get()
    assert refused.reason == "Contains the blocked word “scoundrel”."
    assert (refused.article, refused.parent, refused.author_name, refused.email) == (
        article, parent, "Rude", "rude@example.com",
    )
    assert refused.body == "A scoundrel's reply."
    assert refused.ip_address == "127.0.0.1"
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_post_that_could_not_be_posted_anyway_gets_that_error_and_is_not_kept(
    reader, settings
):
    settings.NEWSROOM_BLOCKED_WORDS = ["scoundrel"]
    closed = make_article(comments_open=False)
    article = make_article()
    elsewhere = post(make_article(), body="On another article")

    reader.get(article.get_absolute_url())
    on_closed = submit(reader, closed, "A scoundrel's comment.")
    forged = submit(reader, article, "A scoundrel's reply.", parent=elsewhere)

    assertContains(on_closed, "Comments are closed on this article.", status_code=400)
    assertContains(forged, "That comment belongs to another article.", status_code=400)
    assert not RejectedPost.objects.exists()


@pytest.mark.django_db
def test_flood_control_counts_refused_posts_and_stops_storing_them(reader, settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["scoundrel"]
    settings.NEWSROOM_POSTS_PER_MINUTE = 2
    article = make_article()

    refused = [submit(reader, article, f"Scoundrel {n}").status_code for n in range(3)]
    clean = submit(reader, article, "A polite comment, kept in the form.")

    assert refused == [400, 400, 429]
    assert clean.status_code == 429
    assertContains(clean, "A polite comment, kept in the form.</textarea>", status_code=429)
    assert RejectedPost.objects.count() == 2
    assert not Comment.objects.exists()



@pytest.mark.django_db
def test_a_blocked_word_wins_over_a_watched_one(settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["scoundrel"]
    settings.NEWSROOM_WATCHED_WORDS = ["lawsuit"]

    with pytest.raises(ValidationError) as raised:
        screen("A lawsuit against a scoundrel")

    assert raised.value.code == "blocked"


@pytest.mark.django_db
def test_a_blocked_word_in_the_name_rejects_the_post(settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["scoundrel"]

    with pytest.raises(ValidationError):
        screen("Hello", author_name="Scoundrel Jones")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "SCOUNDREL",
        "ScOuNdReL!",
        "s.c.o.u.n.d.r.e.l",
        "s-c o_u*n d.r-e l",
        "what a sc0undrel... no: sc.oundrel",
        "scóundrél",
        "(scoundrel)",
    ],
)
def test_blocked_words_survive_case_punctuation_and_accents(body, settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["scoundrel"]

    with pytest.raises(ValidationError):
        screen(body)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "sp\u0430m",  # Cyrillic a
        "\u0455\u0440\u0430m",  # Cyrillic dze, er, a
        "SP\u0410M",  # Cyrillic capital A
        "sp\u03b1m",  # Greek alpha
        "\uff53\uff50\uff41\uff4d",  # fullwidth
        "\U0001d42c\U0001d429\U0001d41a\U0001d426",  # mathematical bold
        "\u24e2\u24df\u24d0\u24dc",  # circled
        "s\u200bp\u200da\u2060m",  # zero-width characters between the letters
        "sp\u0251m",  # Latin alpha
        "s.p-\u0430 m",  # a look-alike and punctuation together
        "sp\u04d1m",  # Cyrillic a with breve
    ],
)
def test_blocked_words_survive_look_alike_letters(body, settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["spam"]

    with pytest.raises(ValidationError):
        screen(f"Buy {body} now")


@pytest.mark.django_db
def test_a_blocked_word_written_with_look_alikes_is_matched_by_the_form_too(reader, settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["sp\u0430m"]
    article = make_article()

    response = submit(reader, article, "Plain spam here.")

    assertContains(response, "This comment cannot be posted.", status_code=400)
    assert RejectedPost.objects.get().reason == "Contains the blocked word “sp\u0430m”."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "Idiom, Ideal, Iliad",  # a capital I is an i, not the l it looks like
        "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440",  # Russian prose
        "Spain, spasm, \u0455\u0440\u0430\u0441\u0435",  # near misses, some look-alike
    ],
)
def test_look_alike_folding_leaves_other_words_alone(body, settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["spam", "lliad", "ldiom"]

    assert screen(body) == rules.Verdict()


@pytest.mark.django_db
def test_a_listed_word_of_only_invisible_characters_blocks_nothing(settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["\u200b", " "]

    assert screen("Anything at all.") == rules.Verdict()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["scoundrels", "ascoundrel", "scoundrelly", "scound rely"])
def test_blocked_words_match_whole_words_only(body, settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["scoundrel"]

    assert screen(body) == rules.Verdict()


@pytest.mark.django_db
def test_evasions_of_a_watched_word_are_held_through_the_form(reader, settings):
    settings.NEWSROOM_WATCHED_WORDS = ["Lawsuit"]
    article = make_article()

    submit(reader, article, "A L.A.W.S.U.I.T is coming")

    assert Comment.objects.get().status == Comment.Status.PENDING
