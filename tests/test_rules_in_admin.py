"""Posting rules in the admin: administrators edit them, the environment gives the
first values, every worker applies a change within seconds, and each change is
recorded with who made it."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from pytest_django.asserts import assertContains

from comments import desk_rules
from comments.models import Comment, DeskRules, RejectedPost
from tests.helpers import make_article, submit

RULES = "/admin/comments/deskrules/"
FORM = {
    "blocked_words": "", "watched_words": "", "max_links": "2", "report_threshold": "3",
    "posts_per_minute": "0",
}


@pytest.fixture
def administrator(client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


@pytest.mark.django_db
def test_the_form_starts_from_the_environments_values(administrator, settings):
    settings.NEWSROOM_BLOCKED_WORDS = ["casino"]
    settings.NEWSROOM_MAX_LINKS = 4

    response = administrator.get(RULES, follow=True)

    assert response.redirect_chain[-1][0] == f"{RULES}add/"
    assertContains(response, "casino</textarea>")
    assertContains(response, 'name="max_links" value="4"')


@pytest.mark.django_db
def test_a_blocked_word_saved_in_the_admin_refuses_the_next_post(administrator, reader):
    article = make_article()

    saved = administrator.post(f"{RULES}add/", {**FORM, "blocked_words": "casino\nlottery"})
    response = submit(reader, article, "Win at the Casino tonight")

    assert saved.status_code == 302
    assertContains(response, "This comment cannot be posted.", status_code=400)
    assert RejectedPost.objects.get().reason == "Contains the blocked word “casino”."


@pytest.mark.django_db
def test_another_workers_change_applies_once_the_cached_rules_are_max_age_old(
    reader, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(desk_rules.time, "monotonic", lambda: clock[0])
    DeskRules.from_settings().save()
    article = make_article()
    assert desk_rules.current().blocked_words == ()

    # Saved by another worker: this one has not forgotten its copy.
    DeskRules.objects.update(blocked_words="casino")
    stale = submit(reader, article, "casino one")
    clock[0] += desk_rules.MAX_AGE + 0.1
    fresh = submit(reader, article, "casino two")

    assert desk_rules.MAX_AGE < 5
    assert (stale.status_code, fresh.status_code) == (303, 400)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "value", "body", "reason"),
    [
        ("watched_words", "lawsuit", "A lawsuit looms.", "Contains the watched word “lawsuit”."),
        ("max_links", "0", "See https://example.com", "Contains 1 links (more than 0)."),
        ("premoderation", "on", "Hello.", "Pre-moderation is on for the whole site."),
    ],
    ids=["watched word", "link limit", "site-wide pre-moderation"],
)
def test_the_admins_rules_hold_posts(administrator, reader, rule, value, body, reason):
    administrator.post(f"{RULES}add/", {**FORM, rule: value})

    submit(reader, make_article(), body)

    comment = Comment.objects.get()
    assert (comment.status, comment.moderation_reason) == (Comment.Status.PENDING, reason)


@pytest.mark.django_db
def test_the_admins_flood_limit_applies(administrator, reader):
    administrator.post(f"{RULES}add/", {**FORM, "posts_per_minute": "1"})
    article = make_article()

    first = submit(reader, article, "One.")
    second = submit(reader, article, "Two.")

    assert (first.status_code, second.status_code) == (303, 429)


@pytest.mark.django_db
def test_each_change_is_recorded_with_who_made_it_and_the_values(administrator):
    administrator.post(f"{RULES}add/", FORM)
    administrator.post(f"{RULES}1/change/", {**FORM, "max_links": "5"})

    row = DeskRules.objects.get()
    entry = LogEntry.objects.order_by("-pk").first()
    assert (row.max_links, row.changed_by.username) == (5, "root")
    assert (entry.user.username, entry.get_change_message()) == ("root", "Link limit: “2” → “5”")


@pytest.mark.django_db
def test_moderators_cannot_change_the_rules(desk):
    assert desk.get(f"{RULES}add/").status_code == 403


@pytest.mark.django_db
def test_once_saved_the_add_form_leads_to_the_one_row(administrator):
    administrator.post(f"{RULES}add/", FORM)

    response = administrator.get(f"{RULES}add/")

    assert response["Location"] == f"{RULES}1/change/"
