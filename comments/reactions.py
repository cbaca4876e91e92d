"""Respects: a signed-in reader's one reaction to a comment, given and taken back.

One kind, named "Respect" as in Coral: it says a comment is worth reading
without saying the reader agrees, so it rewards good arguments on every side
(README, "Reactions"). ``Comment.reaction_count`` mirrors the ``Reaction`` rows,
moved with ``F()`` in the same transaction. A respect does not bump the
discussion version: it moves the article's coarse reactions epoch instead
(``articles.pagecache.reactions_changed``), so a stream of them cannot defeat
the page cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.pagecache import reactions_changed
from comments.locks import Namespace, name_lock
from comments.models import Comment, Reaction
from comments.selectors import visible_comments


@dataclass(frozen=True, slots=True)
class Respect:
    """Where a toggle left the reader and the comment."""

    respected: bool
    count: int


@transaction.atomic
def respect_toggle(*, comment_id: int, user, respects_per_minute: int = 0) -> Respect:
    """Give ``user``'s respect to a published comment, or take it back if given.

    Raises ValidationError when the comment is not published (code
    ``unavailable``), is the reader's own (``own``), or the reader has given
    ``respects_per_minute`` respects in the last minute (``flood``; taking one
    back is never limited). A reader's toggles run one at a time (the
    writers' lock on PostgreSQL, SQLite's IMMEDIATE transactions), so a double
    click gives and takes back rather than counting twice.
    """
    name_lock(Namespace.RESPECTS, str(user.pk))
    comment = visible_comments().filter(pk=comment_id).values("pk", "user_id", "article_id").first()
    if comment is None:
        raise ValidationError(_("This comment cannot be respected."), code="unavailable")
    if comment["user_id"] == user.pk:
        raise ValidationError(_("You cannot respect your own comment."), code="own")
    counted = Comment.objects.filter(pk=comment_id)
    taken_back, _kinds = Reaction.objects.filter(comment_id=comment_id, user=user).delete()
    if taken_back:
        counted.filter(reaction_count__gt=0).update(reaction_count=F("reaction_count") - 1)
    else:
        if respects_per_minute:
            _check_flood(user, respects_per_minute)
        if _give(comment_id, user):
            counted.update(reaction_count=F("reaction_count") + 1)
    count = counted.values_list("reaction_count", flat=True).get()
    # Last: the epoch's clock must be read right before the commit.
    reactions_changed(comment["article_id"])
    return Respect(respected=not taken_back, count=count)


def _give(comment_id: int, user) -> bool:
    """Insert the respect; False when one already stood, which only a toggle racing
    past the lock could have given: it stands, and it was counted once."""
    try:
        with transaction.atomic():
            Reaction.objects.create(comment_id=comment_id, user=user)
    except IntegrityError:
        return False
    return True


def _check_flood(user, limit: int) -> None:
    since = timezone.now() - timedelta(minutes=1)
    if Reaction.objects.filter(user=user, created__gte=since).count() >= limit:
        raise ValidationError(
            _("You are giving respects too fast. Wait a minute, then try again."),
            code="flood",
        )
