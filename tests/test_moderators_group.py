"""The "Moderators" group made by comments' data migration: what a moderator may and may not do."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from comments.models import Comment, RejectedPost, Report
from tests.helpers import create_tree, make_article, post

ARTICLES = "/admin/articles/article/"


def article_form(article, **changes):
    """The article change form as a moderator's browser would post it."""
    return {
        "title": article.title,
        "slug": article.slug,
        "byline": article.byline,
        "body": article.body,
        "comments_open": "on" if article.comments_open else "",
        "premoderation": "on" if article.premoderation else "",
        **changes,
    }


@pytest.mark.django_db
def test_the_group_holds_exactly_the_permissions_a_moderator_needs():
    permissions = Group.objects.get(name="Moderators").permissions.values_list(
        "content_type__app_label", "codename"
    )

    assert sorted(permissions) == [
        ("articles", "change_article"),
        ("articles", "view_article"),
        ("auth", "view_user"),
        ("comments", "add_ban"),
        ("comments", "change_ban"),
        ("comments", "change_comment"),
        ("comments", "delete_ban"),
        ("comments", "moderate_comment"),
        ("comments", "view_ban"),
        ("comments", "view_comment"),
        ("comments", "view_rejectedpost"),
        ("comments", "view_report"),
    ]


@pytest.mark.django_db
def test_a_moderator_is_not_a_superuser_but_can_log_in_to_the_desk(moderator):
    client = Client()

    logged_in = client.login(username="mod", password="change-me-please")
    index = client.get("/admin/")

    assert logged_in and not moderator.is_superuser
    assertContains(index, "Comments")
    assertContains(index, "Articles")
    assertContains(index, "Reports")


@pytest.mark.django_db
def test_a_moderator_can_approve_a_held_comment(desk, moderator):
    comment = post(make_article(), status=Comment.Status.PENDING)

    desk.post(f"/admin/comments/comment/{comment.pk}/moderate/", {"action": "approve"})

    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (Comment.Status.PUBLISHED, moderator)


@pytest.mark.django_db
def test_a_moderator_sees_readers_accounts_but_cannot_change_or_delete_them(desk, admin_user):
    assert desk.get("/admin/auth/user/").status_code == 200
    page = desk.get(f"/admin/auth/user/{admin_user.pk}/change/")
    assertNotContains(page, 'name="_save"')
    assert desk.post(
        f"/admin/auth/user/{admin_user.pk}/change/", {"username": "taken-over"}
    ).status_code == 403
    delete = desk.post(f"/admin/auth/user/{admin_user.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    # A view-only list offers no actions: the request changes nothing.
    desk.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "post": "yes", "_selected_action": [admin_user.pk]},
    )
    assert User.objects.filter(pk=admin_user.pk).exists()


@pytest.mark.django_db
def test_a_moderator_cannot_change_groups(desk):
    group = Group.objects.get(name="Moderators")

    assert desk.get(f"/admin/auth/group/{group.pk}/change/").status_code == 403


@pytest.mark.django_db
def test_a_moderator_cannot_edit_an_articles_text_but_can_set_its_discussion(desk):
    article = make_article(title="Original title", body="Original body.", byline="A. Writer")

    page = desk.get(f"{ARTICLES}{article.pk}/change/")
    response = desk.post(
        f"{ARTICLES}{article.pk}/change/",
        article_form(
            article, title="Defaced", body="Defaced.", byline="Vandal", slug="defaced",
            comments_open="", premoderation="on",
        ),
    )

    assert response.status_code == 302
    editable = set(page.context["adminform"].form.fields)
    assert editable == {"comments_open", "premoderation", "commenters"}
    article.refresh_from_db()
    assert (article.title, article.body, article.byline, article.slug) == (
        "Original title", "Original body.", "A. Writer", article.slug,
    )
    assert (article.comments_open, article.premoderation) == (False, True)


@pytest.mark.django_db
def test_a_superuser_still_edits_an_articles_text(admin_client):
    article = make_article(title="Typo titel")

    response = admin_client.post(
        f"{ARTICLES}{article.pk}/change/",
        article_form(article, title="Title", created_0="2017-07-12", created_1="09:00:00"),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Title"


@pytest.mark.django_db
def test_a_moderator_cannot_add_or_delete_articles(desk):
    article = make_article()

    assert desk.get(f"{ARTICLES}add/").status_code == 403
    assert desk.post(f"{ARTICLES}{article.pk}/delete/", {"post": "yes"}).status_code == 403
    assert desk.get(ARTICLES).context["action_form"] is None
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_a_moderator_cannot_delete_comments(desk):
    tree = create_tree()

    assert desk.post(
        f"/admin/comments/comment/{tree.other.pk}/delete/", {"post": "yes"}
    ).status_code == 403
    assert Comment.objects.count() == 5


@pytest.mark.django_db
def test_a_moderator_reads_reports_but_cannot_change_them(desk):
    comment = post(make_article())
    client = Client()
    client.get(f"/articles/{comment.article.slug}/comments/{comment.pk}/report/")
    client.post(
        f"/articles/{comment.article.slug}/comments/{comment.pk}/report/",
        {"reason": "abuse", "note": "Slur"},
    )

    listing = desk.get("/admin/comments/report/")

    assertContains(listing, "Slur")
    report = Report.objects.get()
    change = desk.post(f"/admin/comments/report/{report.pk}/change/", {"note": "Edited"})
    delete = desk.post(f"/admin/comments/report/{report.pk}/delete/", {"post": "yes"})
    assert (change.status_code, delete.status_code) == (403, 403)
    report.refresh_from_db()
    assert report.note == "Slur"


@pytest.mark.django_db
def test_a_moderator_reads_refused_posts_with_their_reason_but_cannot_change_them(desk):
    refused = RejectedPost.objects.create(
        article=make_article(title="Budget day"),
        body="Words the site refused",
        author_name="Rude",
        reason="Contains the blocked word “scoundrel”.",
        ip_address="203.0.113.9",
    )

    listing = desk.get("/admin/comments/rejectedpost/")
    found = desk.get("/admin/comments/rejectedpost/", {"q": "203.0.113.9"})
    change = desk.post(f"/admin/comments/rejectedpost/{refused.pk}/change/", {"body": "Edited"})
    delete = desk.post(f"/admin/comments/rejectedpost/{refused.pk}/delete/", {"post": "yes"})

    for text in ["Words the site refused", "Rude", "Budget day", "scoundrel"]:
        assertContains(listing, text)
    assertContains(found, "Words the site refused")
    assert (change.status_code, delete.status_code) == (403, 403)
    refused.refresh_from_db()
    assert refused.body == "Words the site refused"

