"""A comment in its thread on the admin's change page: its buttons, who may use them,
what a moderator and a superuser may change, its reports."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments import authoring, moderation
from comments.models import Comment, Report
from tests.helpers import QUEUE, S, bulk, change_url, create_tree, make_article, post, reload

# The comment in its thread


@pytest.mark.django_db
def test_the_change_page_shows_ancestors_the_comment_and_direct_replies_with_status(desk):
    tree = create_tree(spec={"root": {"middle": {"reply": {"deep": {}}, "gone": {}}}})
    moderation.comments_moderate(
        Comment.objects.filter(pk=tree.gone.pk), action="remove", moderator=None
    )

    response = desk.get(change_url(tree.middle))

    section = response.content.decode().split('<section class="desk"')[1].split("</section>")[0]
    assert section.index("root says hello") < section.index("middle says hello")
    assert section.index("middle says hello") < section.index("reply says hello")
    assert "gone says hello" in section
    assert "deep says hello" not in section
    assert section.count(">Published<") == 3
    assert section.count(">Removed<") == 1
    assert f'href="{change_url(tree.root)}"' in section


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        (S.PENDING, ["approve", "remove", "spam"]),
        (S.PUBLISHED, ["remove", "spam"]),
        (S.REMOVED, ["restore", "spam"]),
        (S.SPAM, ["restore", "remove"]),
    ],
)
def test_the_change_page_offers_the_buttons_that_apply(desk, status, buttons):
    comment = post(make_article(), status=status)

    response = desk.get(change_url(comment))

    shown = [name for name, __ in response.context["moderation_actions"]]
    assert shown == buttons
    for name in buttons:
        assertContains(response, f'name="action" value="{name}"')


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 15])
def test_the_change_page_costs_the_same_queries_however_big_the_thread(
    desk, size, django_assert_num_queries
):
    article = make_article()
    parent = None
    for __ in range(size):
        parent = post(article, parent)
    middle = post(article, parent)
    for __ in range(size):
        post(article, middle)
    for __ in range(size):
        moderation.report_create(comment=middle, reason=Report.Reason.SPAM)
        middle = authoring.comment_revise(
            comment=reload(middle), body=f"{middle.body} more", editor=None, ip_address=None
        )
    ContentType.objects.clear_cache()

    # session, user, the comment, user and group permissions, reports, ancestors,
    # replies, revisions (with their editors), the content type for "view on
    # site", the article and the parent, the pending count in the header
    with django_assert_num_queries(13):
        response = desk.get(change_url(middle))

    assert (len(response.context["ancestors"]), len(response.context["replies"])) == (size, size)


@pytest.mark.django_db
def test_a_button_moderates_the_comment_and_returns_to_its_page(desk, moderator):
    comment = post(make_article(), status=S.PENDING)

    response = desk.post(
        f"{QUEUE}{comment.pk}/moderate/", {"action": "approve", "reason": "Fine after all"}
    )

    assertRedirects(response, change_url(comment), fetch_redirect_response=False)
    comment = reload(comment)
    assert comment.status == S.PUBLISHED
    assert comment.moderation_reason == "Approved: Fine after all"
    assert LogEntry.objects.get().user == moderator
    assertContains(desk.get(response["Location"]), "Comment approved.")


@pytest.mark.django_db
def test_a_button_keeps_the_queue_filters_for_the_way_back(desk):
    comment = post(make_article(), status=S.PENDING)
    filters = "_changelist_filters=status__exact%3Dpending"

    response = desk.post(f"{QUEUE}{comment.pk}/moderate/?{filters}", {"action": "remove"})

    assert response["Location"] == f"{change_url(comment)}?{filters}"


@pytest.mark.django_db
def test_a_button_that_no_longer_applies_changes_nothing_and_says_so(desk):
    comment = post(make_article())

    response = desk.post(f"{QUEUE}{comment.pk}/moderate/", {"action": "approve"}, follow=True)

    assertContains(response, "Nothing changed: a comment that is published cannot be approved.")
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_the_moderation_url_takes_only_posts(desk):
    comment = post(make_article(), status=S.PENDING)

    response = desk.get(f"{QUEUE}{comment.pk}/moderate/", {"action": "approve"})

    assert response.status_code == 405
    assert reload(comment).status == S.PENDING


@pytest.mark.django_db
def test_the_moderation_url_checks_the_csrf_token(moderator):
    comment = post(make_article(), status=S.PENDING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)

    refused = client.post(f"{QUEUE}{comment.pk}/moderate/", {"action": "approve"})
    client.get(change_url(comment))
    accepted = client.post(
        f"{QUEUE}{comment.pk}/moderate/",
        {"action": "approve", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert reload(comment).status == S.PUBLISHED


@pytest.mark.django_db
def test_staff_without_the_moderate_permission_cannot_moderate():
    comment = post(make_article(), status=S.PENDING)
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*Group.objects.get(name="Moderators").permissions.exclude(
        codename="moderate_comment"
    ))
    client = Client()
    client.force_login(viewer)

    page = client.get(change_url(comment))
    response = client.post(f"{QUEUE}{comment.pk}/moderate/", {"action": "approve"})
    bulk(client, "approve", [comment])

    assert page.context["moderation_actions"] == []
    assert response.status_code == 403
    assert reload(comment).status == S.PENDING


@pytest.mark.django_db
def test_the_body_is_read_only_for_a_moderator(desk):
    comment = post(make_article(), body="The reader's own words")

    page = desk.get(change_url(comment))
    desk.post(change_url(comment), {"body": "Rewritten", "author_name": "Someone else"})

    assert "body" not in page.context["adminform"].form.fields
    assert not page.context["show_save"]
    comment = reload(comment)
    assert (comment.body, comment.author_name) == ("The reader's own words", "Reader")


@pytest.mark.django_db
def test_a_superuser_may_redact_a_comment_and_the_article_page_shows_it(admin_client):
    comment = post(make_article(), body="Call me on 555 0100", email="a@example.org")
    Client().get(comment.article.get_absolute_url())

    response = admin_client.post(
        change_url(comment),
        {"body": "Call me on [redacted]", "author_name": "Reader", "email": "",
         "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"},
    )

    assert response.status_code == 302
    assert reload(comment).body == "Call me on [redacted]"
    page = Client().get(comment.article.get_absolute_url())
    assertContains(page, "Call me on [redacted]")
    assertNotContains(page, "555 0100")


@pytest.mark.django_db
def test_a_superusers_edit_records_who_made_it_and_when(admin_client, admin_user):
    comment = post(make_article(), body="Call me on 555 0100")

    admin_client.post(
        change_url(comment),
        {"body": "Call me on [redacted]", "author_name": "Reader", "email": "",
         "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"},
    )

    comment = reload(comment)
    assert comment.edited_by == admin_user
    assert comment.edited_at is not None


@pytest.mark.django_db
def test_the_change_page_lists_the_reports_read_only(desk):
    comment = post(make_article())
    moderation.report_create(
        comment=comment, reason=Report.Reason.MISINFORMATION, note="Wrong year"
    )

    response = desk.get(change_url(comment))

    assertContains(response, "Misleading or false")
    assertContains(response, "Wrong year")
    assertNotContains(response, 'name="reports-0-note"')


@pytest.mark.django_db
def test_nobody_adds_comments_in_the_admin(admin_client):
    assert admin_client.get(f"{QUEUE}add/").status_code == 403
