"""Acting on comments from the admin's queue: the bulk moderation actions and deleting."""

import pytest
from django.contrib.admin.models import LogEntry
from pytest_django.asserts import assertContains, assertNotContains

from comments.admin import CommentAdmin
from comments.models import Comment
from tests.helpers import (
    QUEUE,
    QUEUE_ALL,
    S,
    bulk,
    change_url,
    create_tree,
    make_article,
    post,
    queue,
    reload,
)

# Bulk actions


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", S.PENDING, S.PUBLISHED),
        ("remove", S.PUBLISHED, S.REMOVED),
        ("mark_spam", S.PENDING, S.SPAM),
        ("restore", S.REMOVED, S.PUBLISHED),
    ],
)
def test_bulk_actions_moderate_the_selected_comments(desk, moderator, action, before, after):
    article = make_article()
    chosen = [post(article, status=before), post(article, status=before)]
    untouched = post(article, status=before)

    response = bulk(desk, action, chosen, reason="Checked")

    assert [reload(c).status for c in chosen] == [after, after]
    assert reload(untouched).status == before
    assert reload(chosen[0]).moderated_by == moderator
    assert reload(chosen[0]).moderation_reason.endswith(": Checked")
    assertContains(response, "2 comments ")


@pytest.mark.django_db
def test_a_bulk_action_says_which_comments_it_left_alone(desk):
    article = make_article()
    pending, published = post(article, status=S.PENDING), post(article)

    response = bulk(desk, "approve", [pending, published])

    assertContains(response, "1 comment approved.")
    assertContains(response, "1 selected comment could not be approved from its status")
    assert reload(pending).status == S.PUBLISHED


def bulk_across(client, action, **filters):
    """The action on every comment the queue's filters match, on all its pages
    ("Select all"): the admin still posts the one row ticked on the page."""
    shown = queue(client, **filters)[0]
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return client.post(
        f"{QUEUE}?{query}",
        {"action": action, "index": "0", "select_across": "1", "_selected_action": [shown.pk]},
        follow=True,
    )


@pytest.mark.django_db
def test_select_all_moderates_every_page_of_the_filtered_queue(desk, monkeypatch):
    monkeypatch.setattr(CommentAdmin, "list_per_page", 2)
    article = make_article()
    pending = [post(article, status=S.PENDING) for __ in range(5)]
    published = post(article)

    response = bulk_across(desk, "mark_spam", status__exact=S.PENDING)

    assertContains(response, "5 comments marked as spam.")
    assert [reload(c).status for c in pending] == [S.SPAM] * 5
    assert reload(published).status == S.PUBLISHED


@pytest.mark.django_db
def test_a_bulk_action_over_the_limit_changes_that_many_and_says_how_many_more(desk, settings):
    settings.NEWSROOM_BULK_ACTION_LIMIT = 2
    article = make_article()
    chosen = [post(article, status=S.PENDING) for __ in range(5)] + [post(article)]

    first = bulk(desk, "approve", chosen)
    second = bulk(desk, "approve", chosen)
    third = bulk(desk, "approve", chosen)

    assertContains(first, "2 comments approved.")
    assertContains(first, "3 more selected comments can be approved: choose the action again.")
    assertContains(first, "1 selected comment could not be approved from its status")
    assertContains(second, "1 more selected comment can be approved")
    assertContains(third, "1 comment approved.")
    assertContains(third, "5 selected comments could not be approved from their status")
    assertNotContains(third, "more selected")
    assert {reload(c).status for c in chosen} == {S.PUBLISHED}


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 60])
def test_a_bulk_action_costs_the_same_queries_however_many_comments_are_selected(
    desk, django_assert_max_num_queries, size
):
    articles = [make_article() for __ in range(3)]
    chosen = [post(articles[n % 3], status=S.PENDING) for n in range(size)]
    desk.get(QUEUE)

    # The queue's own (session, user, permissions, filters, counts), then the
    # action's fixed few: update, versions, content type, history, what is left.
    with django_assert_max_num_queries(16):
        response = desk.post(
            QUEUE,
            {"action": "approve", "index": "0", "select_across": "1",
             "_selected_action": [chosen[0].pk]},
        )

    assert response.status_code == 302
    assert Comment.objects.filter(status=S.PUBLISHED).count() == size


@pytest.mark.django_db
def test_the_moderator_sees_the_moderation_actions_but_not_delete(desk):
    actions = [name for name, __ in desk.get(QUEUE).context["action_form"].fields["action"].choices]

    assert actions == ["", "approve", "remove", "mark_spam", "restore", "feature", "unfeature"]


# Deleting


@pytest.mark.django_db
def test_the_delete_page_refuses_a_comment_with_replies(admin_client):
    tree = create_tree()

    response = admin_client.get(f"{QUEUE}{tree.child1.pk}/delete/", follow=True)

    assertContains(response, "Nothing deleted: 1 comment has replies")
    assert Comment.objects.count() == 5
    response = admin_client.post(f"{QUEUE}{tree.child1.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Comment.objects.count() == 5


@pytest.mark.django_db
def test_the_delete_page_deletes_a_comment_without_replies(admin_client, assert_tree_sound):
    tree = create_tree()

    response = admin_client.post(f"{QUEUE}{tree.grandchild.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Comment.objects.filter(pk=tree.grandchild.pk).exists()
    assert_tree_sound()


@pytest.mark.django_db
def test_the_change_page_hides_delete_for_a_comment_with_replies(admin_client):
    tree = create_tree()

    with_replies = admin_client.get(change_url(tree.child1))
    leaf = admin_client.get(change_url(tree.grandchild))

    assertNotContains(with_replies, f"{tree.child1.pk}/delete/")
    assertContains(with_replies, "Delete thread (2 comments)")
    assertContains(leaf, f"{tree.grandchild.pk}/delete/")
    assertNotContains(leaf, "Delete thread")


@pytest.mark.django_db
def test_the_delete_action_refuses_a_selection_with_replies(admin_client):
    tree = create_tree()

    response = admin_client.post(
        QUEUE_ALL,
        {"action": "delete_selected", "index": "0",
         "_selected_action": [tree.root.pk, tree.other.pk]},
        follow=True,
    )
    confirmed = admin_client.post(
        QUEUE_ALL,
        {"action": "delete_selected", "post": "yes",
         "_selected_action": [tree.root.pk, tree.other.pk]},
        follow=True,
    )

    assertContains(response, "Nothing deleted: 1 comment has replies,")
    assertContains(confirmed, "Nothing deleted: 1 comment has replies,")
    assert Comment.objects.count() == 5


@pytest.mark.django_db
def test_the_delete_action_deletes_comments_without_replies(admin_client, assert_tree_sound):
    tree = create_tree()
    leaves = [tree.grandchild.pk, tree.child2.pk, tree.other.pk]

    confirm = admin_client.post(
        QUEUE_ALL, {"action": "delete_selected", "index": "0", "_selected_action": leaves}
    )
    admin_client.post(
        QUEUE_ALL, {"action": "delete_selected", "post": "yes", "_selected_action": leaves}
    )

    assertContains(confirm, "Are you sure")
    assert set(Comment.objects.values_list("pk", flat=True)) == {tree.root.pk, tree.child1.pk}
    assert_tree_sound()


@pytest.mark.django_db
def test_delete_thread_says_how_many_comments_it_takes_then_deletes_them(
    admin_client, admin_user, assert_tree_sound
):
    tree = create_tree()
    url = f"{QUEUE}{tree.root.pk}/delete-thread/"

    confirm = admin_client.get(url)
    response = admin_client.post(url, follow=True)

    assertContains(confirm, "This permanently deletes 4 comments")
    assertContains(confirm, "It has 3 replies.")
    assertContains(response, "Deleted 4 comments.")
    assert list(Comment.objects.values_list("pk", flat=True)) == [tree.other.pk]
    assert LogEntry.objects.get().user == admin_user
    assert_tree_sound()


@pytest.mark.django_db
def test_a_moderator_cannot_delete_comments_or_threads(desk):
    tree = create_tree()

    assert desk.get(f"{QUEUE}{tree.grandchild.pk}/delete/").status_code == 403
    assert desk.post(f"{QUEUE}{tree.root.pk}/delete-thread/").status_code == 403
    assertNotContains(desk.get(change_url(tree.root)), "Delete thread")
    assert Comment.objects.count() == 5
