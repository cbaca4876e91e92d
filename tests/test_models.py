"""The data model: articles, comment trees and the reads named after their intent."""

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from articles.models import Article
from comments.models import Comment
from comments.selectors import comment_stats
from tests.helpers import create_tree, make_article, post

pytestmark = pytest.mark.django_db


def test_article_reads_as_its_title_and_links_to_its_page():
    article = make_article(title="Mosul after the war", slug="mosul-after-the-war")
    assert str(article) == "Mosul after the war"
    assert article.get_absolute_url() == "/articles/mosul-after-the-war/"


def test_article_paragraphs_are_its_body_split_on_blank_lines():
    article = make_article(body="One.\n\nTwo,\nstill two.\n\n\n\nThree.")
    assert article.paragraphs == ["One.", "Two,\nstill two.", "Three."]


def test_article_list_is_newest_first():
    older = make_article()
    newer = make_article()
    assert list(Article.objects.all()) == [newer, older]


def test_article_slugs_are_unique():
    make_article(slug="taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(slug="taken")


def test_two_articles_cannot_come_from_one_seed_file_but_many_from_none():
    make_article(source_name="000.txt")
    make_article(source_name=None)
    make_article(source_name=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(source_name="000.txt")


def test_article_for_its_page_is_the_whole_row_but_the_seed_text_with_python_values():
    article = make_article(
        slug="story", byline="A. Writer", source_name="000.txt", source_text="verbatim",
        declared_comment_count=8,
    )
    post(article)
    article.comments_open = False
    article.save()
    stored = Article.objects.get(pk=article.pk)

    shown = Article.objects.for_page("story")

    assert shown.get_deferred_fields() == {"source_text"}
    for field in Article._meta.concrete_fields:
        if field.name != "source_text":
            assert getattr(shown, field.attname) == getattr(stored, field.attname), field.name
    assert shown.comments_open is False
    assert shown.updated.tzinfo is not None
    assert shown.source_text == "verbatim"
    assert Article.objects.for_page("no-such-story") is None


def test_article_copied_or_forced_in_is_saved_whole():
    original = make_article(slug="original", byline="A. Writer")
    post(original)
    copy = Article.objects.get(pk=original.pk)
    copy.pk, copy.slug = None, "copy"
    copy.save()

    forced = Article(title="Forced", slug="forced")
    forced._state.adding = False
    forced.save(force_insert=True)

    saved = Article.objects.get(slug="copy")
    assert (saved.byline, saved.discussion_version) == ("A. Writer", 1)
    assert saved.pk != original.pk
    assert Article.objects.filter(slug="forced").exists()


def test_comment_stats_count_only_published_comments():
    tree = create_tree()
    Comment.objects.filter(pk=tree.other.pk).update(status=Comment.Status.PENDING)
    count, latest = comment_stats([tree.article.pk])[tree.article.pk]
    assert count == 4
    assert latest == Comment.objects.get(pk=tree.child2.pk).created


def test_every_top_level_comment_starts_its_own_tree():
    tree = create_tree()
    assert tree.root.tree_id != tree.other.tree_id
    assert {c.tree_id for c in (tree.child1, tree.grandchild, tree.child2)} == {tree.root.tree_id}


def test_replies_follow_their_parent_in_thread_order():
    tree = create_tree()
    assert list(Comment.objects.in_thread_order()) == [
        tree.root, tree.child1, tree.grandchild, tree.child2, tree.other,
    ]
    assert list(Comment.objects.all()) == list(Comment.objects.in_thread_order())


def test_comment_without_a_name_is_shown_as_anonymous():
    comment = post(make_article(), author="")
    assert comment.known_author is None
    assert comment.display_author == "Anonymous"
    assert str(comment).startswith("Anonymous: Comment ")


def test_logged_in_poster_without_a_name_is_shown_by_account():
    user = User.objects.create_user("jdoe", first_name="Jane", last_name="Doe")
    assert post(make_article(), author="", user=user).display_author == "Jane Doe"
    nameless = User.objects.create_user("nameless")
    assert post(make_article(), author="", user=nameless).display_author == "nameless"
    assert post(make_article(), author="Pen Name", user=user).display_author == "Pen Name"


def test_comment_links_to_its_own_page():
    comment = post(make_article(slug="story"))
    assert comment.get_absolute_url() == f"/articles/story/comments/{comment.pk}/"


def test_intent_named_reads():
    tree = create_tree()
    Comment.objects.filter(pk=tree.child2.pk).update(status=Comment.Status.PENDING)
    elsewhere = post(make_article())
    assert set(Comment.objects.for_article(tree.article)) == {
        tree.root, tree.child1, tree.grandchild, tree.child2, tree.other,
    }
    assert elsewhere not in Comment.objects.for_article(tree.article)
    assert list(Comment.objects.in_moderation()) == [tree.child2]


def test_thread_display_keeps_every_status_in_tree_order_so_replies_keep_their_place():
    tree = create_tree()
    Comment.objects.filter(pk=tree.child1.pk).update(status=Comment.Status.REMOVED)
    Comment.objects.filter(pk=tree.child2.pk).update(status=Comment.Status.PENDING)
    Comment.objects.filter(pk=tree.other.pk).update(status=Comment.Status.SPAM)
    assert [row[0] for row in Comment.objects.for_display()] == [
        c.pk for c in (tree.root, tree.child1, tree.grandchild, tree.child2, tree.other)
    ]


def test_moderators_have_their_own_permission():
    assert ("moderate_comment", "Can moderate comments") in [
        (codename, str(name)) for codename, name in Comment._meta.permissions
    ]
