"""Random sequences of post, reply, remove, restore and approve through the services.

After every step the nested sets are sound and the public thread (what the
JSON API serves, here all on one page) equals a plain in-memory model of the
discussion.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from comments import moderation, posting
from comments.integrity import check_tree
from comments.models import Comment
from tests.helpers import make_article

PUBLISHED, PENDING, REMOVED = (
    Comment.Status.PUBLISHED, Comment.Status.PENDING, Comment.Status.REMOVED
)
# action -> (the statuses it applies to, the status it leaves); other comments stay as they are.
MODERATION = {
    "approve": ({PENDING}, PUBLISHED),
    "remove": ({PUBLISHED, PENDING}, REMOVED),
    "restore": ({REMOVED}, PUBLISHED),
}

texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1, max_size=12,
)


class Discussion(RuleBasedStateMachine):
    comments = Bundle("comments")

    def __init__(self):
        super().__init__()
        self.article = make_article()
        self.parent: dict[int, int | None] = {}
        self.status: dict[int, str] = {}
        self.body: dict[int, str] = {}

    def _create(self, parent: int | None, body: str, status: str) -> int:
        comment = posting.comment_create(
            article=self.article,
            parent=None if parent is None else Comment.objects.get(pk=parent),
            body=body,
            author_name="Reader",
            status=status,
        )
        self.parent[comment.pk], self.status[comment.pk], self.body[comment.pk] = (
            parent, status, body
        )
        return comment.pk

    @rule(target=comments, body=texts, held=st.booleans())
    def post(self, body, held):
        return self._create(None, body, PENDING if held else PUBLISHED)

    @rule(target=comments, parent=comments, body=texts)
    def reply(self, parent, body):
        if self.status[parent] == PUBLISHED:
            return self._create(parent, body, PUBLISHED)
        with pytest.raises(ValidationError) as refused:
            self._create(parent, body, PUBLISHED)
        assert refused.value.code == "parent_unavailable"
        return parent

    @rule(target=comments, action=st.sampled_from(sorted(MODERATION)), comment=comments)
    def moderate(self, action, comment):
        changed = moderation.comments_moderate(
            Comment.objects.filter(pk=comment), action=action, moderator=None
        )
        sources, result = MODERATION[action]
        applies = self.status[comment] in sources
        assert changed == int(applies)
        if applies:
            self.status[comment] = result
        return comment

    @invariant()
    def trees_are_sound(self):
        assert check_tree() == []

    @invariant()
    def public_thread_matches_the_model(self):
        exported = Client().get(f"/api/articles/{self.article.slug}/").json()["comments"]
        assert _shape(exported) == self._expected(None)

    def _expected(self, parent: int | None) -> list[tuple]:
        """Published comments, and a blank tombstone for any hidden one with shown replies."""
        shown = []
        for pk in sorted(pk for pk, up in self.parent.items() if up == parent):
            replies = self._expected(pk)
            if self.status[pk] == PUBLISHED:
                shown.append((pk, "Reader", self.body[pk], replies))
            elif replies:
                shown.append((pk, None, "", replies))
        return shown


def _shape(nodes: list[dict]) -> list[tuple]:
    return [(n["id"], n["author"], n["body"], _shape(n["replies"])) for n in nodes]


@pytest.mark.django_db
@override_settings(
    NEWSROOM_THREADS_PER_PAGE=10**9,
    NEWSROOM_COMMENTS_PER_PAGE=10**9,
    NEWSROOM_MAX_VISIBLE_DEPTH=10**9,
)
def test_random_posting_and_moderation_keep_trees_sound_and_the_public_thread_true():
    run_state_machine_as_test(
        Discussion,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
