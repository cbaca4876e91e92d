"""Cross-site posting stays refused now that the shared page's forms carry no token:
its forms are checked by Fetch Metadata and Origin (newsroom/csrf.py), every other
form by Django's token."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from comments.models import Comment
from tests.helpers import SAME_ORIGIN, csrf_token, make_article, make_reader, post, send

pytestmark = pytest.mark.django_db

FORM = {"name": "Ada", "email": "", "body": "Sent from elsewhere", "website": ""}
# What Chromium sends with a forged post: a form another site's page submits
# (no JavaScript needed), and a fetch() its script makes.
FORGED = {
    "form": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
             "Origin": "https://evil.example"},
    "script": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors",
               "Origin": "https://evil.example"},
}


def comment_url(article) -> str:
    return f"/articles/{article.slug}/comment/"


@pytest.mark.parametrize("how", FORGED)
def test_a_forged_cross_site_comment_is_refused_with_its_text_kept(reader, how):
    article = make_article(slug="story")

    response = reader.post(comment_url(article), FORM, headers=FORGED[how])

    assertContains(response, "Sent from elsewhere", status_code=403)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("how", FORGED)
def test_a_forged_reply_and_a_forged_respect_are_refused(reader, how):
    parent = post(make_article(slug="story"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_reader("Rita"))

    reply = reader.post(f"/articles/story/comments/{parent.pk}/reply/", FORM, headers=FORGED[how])
    respect = client.post(f"/articles/story/comments/{parent.pk}/respect/", headers=FORGED[how])

    assert (reply.status_code, respect.status_code) == (403, 403)
    assert Comment.objects.count() == 1
    assert parent.reactions.count() == 0


def test_a_sibling_site_is_refused_too(reader):
    article = make_article()

    response = reader.post(comment_url(article), FORM,
                           headers={"Sec-Fetch-Site": "same-site", "Origin": "http://a.testserver"})

    assert response.status_code == 403


def test_an_old_browser_naming_another_origin_is_refused(reader):
    article = make_article()

    response = reader.post(comment_url(article), FORM, headers={"Origin": "https://evil.example"})

    assert response.status_code == 403


@pytest.mark.parametrize("headers", [
    SAME_ORIGIN,
    {"Sec-Fetch-Site": "none"},
    {"Origin": "http://testserver"},
], ids=["same-origin", "typed-in", "origin-only"])
def test_the_shared_page_form_posts_without_a_token_from_the_site_itself(reader, headers):
    article = make_article()

    response = reader.post(comment_url(article), FORM, headers=headers)

    assert response.status_code == 303
    assert Comment.objects.get().body == "Sent from elsewhere"


def test_a_trusted_origin_may_post_across_sites(reader, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://partner.example"]
    article = make_article()

    response = reader.post(comment_url(article), FORM, headers={
        "Sec-Fetch-Site": "cross-site", "Origin": "https://partner.example"})

    assert response.status_code == 303


def test_a_browser_sending_neither_header_is_led_to_the_form_page_that_has_a_token(reader):
    """The reader without JavaScript in a browser too old for Fetch Metadata and Origin."""
    article = make_article(slug="story")

    refused = reader.post(comment_url(article), FORM)
    assertContains(refused, "Sent from elsewhere", status_code=403)
    assertContains(refused, 'href="/articles/story/comment/"', status_code=403)
    form_page = reader.get("/articles/story/comment/")
    sent = reader.post(comment_url(article), {**FORM, "csrfmiddlewaretoken": csrf_token(form_page)})

    assert sent.status_code == 303
    assert Comment.objects.get().body == "Sent from elsewhere"


def test_without_either_header_a_token_made_for_another_reader_is_refused(reader):
    article = make_article(slug="story")
    reader.get("/articles/story/comment/")
    token = csrf_token(Client(enforce_csrf_checks=True).get("/articles/story/comment/"))

    response = reader.post(comment_url(article), {**FORM, "csrfmiddlewaretoken": token})

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_other_forms_still_need_their_token_from_the_site_itself(reader):
    comment = post(make_article(slug="story"))
    url = f"/articles/story/comments/{comment.pk}/report/"

    without = reader.post(url, {"reason": "spam"}, headers=SAME_ORIGIN)
    with_token = send(reader, url, {"reason": "spam"})

    assert without.status_code == 403
    assert with_token.status_code != 403
