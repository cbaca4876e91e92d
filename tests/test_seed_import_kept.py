"""Re-importing a changed seed file: what a person did to a comment is kept, a comment gone
from the file is kept and marked, and the migration marks what earlier imports cannot show."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from articles.models import Article
from comments import moderation
from comments.models import Comment
from tests.helpers import A, B, C, by_body, import_seeds, imported, post, seed

pytestmark = pytest.mark.django_db


def touch(kind: str, comment: Comment, moderator) -> None:
    if kind == "moderated":
        moderation.comments_moderate(
            Comment.objects.filter(pk=comment.pk), action="spam", moderator=moderator
        )
    elif kind == "edited by staff":
        moderation.comment_edit(
            comment=comment, body=comment.body, author_name="", email="", editor=moderator
        )
    else:
        post(comment.article, comment, body="A reader answers.")


@pytest.mark.parametrize("kind", ["moderated", "edited by staff", "answered on the site"])
def test_the_files_change_to_a_comment_a_person_touched_is_reported_and_left_alone(
    tmp_path, moderator, kind
):
    path = imported(tmp_path / "seeds", A, B, C)
    b = by_body(B)
    touch(kind, b, moderator)
    before = Comment.objects.filter(pk=b.pk).values().get()
    seed(tmp_path / "seeds", A, B.replace("ten years", "eleven years"), C)

    out, _ = import_seeds(path)

    assert Comment.objects.filter(pk=b.pk).values().get() == before
    assert "1 changes left alone" in out
    assert f"note: line 9: comment {b.pk} was {kind}; the file's change to it is left alone" in out


def test_a_comment_gone_from_the_file_is_kept_with_its_replies_marked_missing(
    tmp_path, assert_tree_sound
):
    path = imported(tmp_path / "seeds", A, B, "  1. A reply to B.", "    1. And to that.", C)
    seed(tmp_path / "seeds", A, C)

    out, _ = import_seeds(path)

    assert Comment.objects.count() == 5
    missing = Comment.objects.filter(missing_from_source=True).order_by("lft")
    assert [c.body for c in missing] == [B, "A reply to B.", "And to that."]
    assert {c.status for c in missing} == {Comment.Status.PUBLISHED}
    assert "3 missing from the file (kept)" in out
    assert_tree_sound()


def test_a_comment_back_in_the_file_is_no_longer_marked_missing(tmp_path):
    path = imported(tmp_path / "seeds", A, B, C)
    b = by_body(B)
    seed(tmp_path / "seeds", A, C)
    import_seeds(path)
    seed(tmp_path / "seeds", A, B, C)

    out, _ = import_seeds(path)

    assert not Comment.objects.get(pk=b.pk).missing_from_source
    assert Comment.objects.count() == 3
    assert f"note: comment {b.pk} is back in the file" in out


def test_the_migration_gives_earlier_imports_digests_and_marks_what_they_cannot_show(tmp_path):
    migration = importlib.import_module("comments.migrations.0008_import_matching")
    imported(tmp_path / "seeds", A, B, C)
    article = Article.objects.get()
    digests = dict(Comment.objects.values_list("pk", "import_digest"))
    a, b, c = map(by_body, (A, B, C))
    # As 0006 left them: no digests; A redacted (unrecorded); C from an older file.
    Comment.objects.update(import_digest="")
    Comment.objects.filter(pk=a.pk).update(body="[redacted]")
    Comment.objects.filter(pk=c.pk).update(import_key="9")

    migration.backfill(apps, None)

    after = {row.pk: row for row in article.comments.all()}
    assert after[a.pk].import_digest == digests[a.pk]
    assert after[a.pk].edited_at is not None
    assert (after[b.pk].import_digest, after[b.pk].edited_at) == (digests[b.pk], None)
    assert after[c.pk].missing_from_source
    assert not after[a.pk].missing_from_source and not after[b.pk].missing_from_source
