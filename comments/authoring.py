"""A reader's own comment: editing it within the edit window, and deleting it.

Who owns a comment: a signed-in reader through ``Comment.user``, a guest
through the comments their session remembers posting
(``sessions.own_posted_ids``). An edit meets the posting rules again
(``comments.rules``): a blocked word refuses it, kept for moderators like a
refused post, and a held word holds it; an edit never publishes a comment the
moderators hold. Deleting is soft and has no window: a reader may always take
back their own words, which moderators still read. Both write under the row's
lock (``locks.lock_comment``) and bump the article's discussion version.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.pagecache import discussion_changed
from comments import bans, rules
from comments.locks import lock_comment
from comments.models import Comment, RejectedPost, Revision
from comments.posting import check_flood
from comments.revisions import keep_revision

# What an author may still change: what they and the moderators see as theirs.
CHANGEABLE = (Comment.Status.PUBLISHED, Comment.Status.PENDING)


def owns(comment: Comment, *, user, posted_ids: Collection[int]) -> bool:
    """Whether the reader (``user``, and the guest posts their session remembers) wrote it."""
    if user is not None and user.is_authenticated and comment.user_id == user.pk:
        return True
    return comment.pk in posted_ids


def editable_until(created: datetime) -> datetime:
    return created + timedelta(seconds=settings.NEWSROOM_EDIT_WINDOW)


def may_edit(*, created: datetime, article, now: datetime) -> bool:
    """Whether a comment posted at ``created`` on ``article`` may still be edited:
    ``edit_refusal`` gives the reason when not."""
    return article.comments_open and now <= editable_until(created)


def edit_refusal(comment: Comment, *, now: datetime | None = None) -> ValidationError | None:
    """Why ``comment`` cannot be edited any more, if it cannot."""
    if (now or timezone.now()) > editable_until(comment.created):
        minutes = settings.NEWSROOM_EDIT_WINDOW // 60
        return ValidationError(
            _(
                "A comment can be edited for %(minutes)d minutes after posting, and that "
                "time has passed. You can still delete it."
            )
            % {"minutes": minutes},
            code="edit_window",
        )
    if not comment.article.comments_open:
        return ValidationError(_("Comments are closed on this article."), code="closed")
    return None


def comment_revise(
    *, comment: Comment, body: str, editor, ip_address: str | None, posts_per_minute: int = 0
) -> Comment:
    """Replace ``comment``'s words with ``body``, keeping the old ones as a revision.

    ``editor`` is the signed-in author, or None for a guest. Raises
    ValidationError: ``blocked`` (the edit is kept under Rejected posts),
    ``flood``, ``edit_window``, ``closed``, or ``gone`` when the comment was
    deleted or moderated away meanwhile. A watched word, too many links or
    pre-moderation hold the comment (status pending) with the reason.
    """
    try:
        verdict = rules.screen(
            article=comment.article,
            body=body,
            author_name=comment.author_name,
            user=comment.user,
            email=comment.email,
            # Where the edit comes from: a banned address edits nothing either.
            ip_address=ip_address,
        )
    except ValidationError as refusal:
        if refusal.code in ("blocked", "banned"):
            _reject(comment, body, refusal, ip_address, posts_per_minute)
        raise
    return _revise(comment.pk, body, verdict, editor, ip_address, posts_per_minute)


@transaction.atomic
def _revise(pk, body, verdict, editor, ip_address, posts_per_minute) -> Comment:
    comment = lock_comment(pk)
    now = timezone.now()
    _check_changeable(comment)
    refusal = edit_refusal(comment, now=now)
    if refusal is not None:
        raise refusal
    if posts_per_minute:
        _check_edit_flood(comment, ip_address, posts_per_minute, now)
    if body == comment.body:
        return comment
    keep_revision(comment, editor=editor, at=now)
    comment.body, comment.edited_at, comment.edited_by = body, now, editor
    fields = ["body", "edited_at", "edited_by"]
    if verdict.status == Comment.Status.PENDING:
        comment.status, comment.moderation_reason = verdict.status, verdict.reason
        fields += ["status", "moderation_reason"]
    comment.full_clean(exclude=["parent", "article"])
    comment.save(update_fields=fields)
    discussion_changed(comment.article_id)
    return comment


def _check_edit_flood(comment, ip_address, limit, now) -> None:
    """An address posting too fast may not edit either, and one comment takes at most
    ``limit`` edits a minute, so a script cannot fill its revisions."""
    if ip_address:
        check_flood(ip_address, limit)
    recent = Revision.objects.filter(comment=comment, replaced_at__gte=now - timedelta(minutes=1))
    if recent.count() >= limit:
        raise ValidationError(
            _("You are editing too fast. Wait a minute, then save again; your text is kept."),
            code="flood",
        )


@transaction.atomic
def _reject(comment, body, refusal, ip_address, posts_per_minute) -> None:
    if posts_per_minute and ip_address:
        check_flood(ip_address, posts_per_minute)
    RejectedPost.objects.create(
        article=comment.article,
        parent=comment.parent,
        author_name=comment.author_name,
        email=comment.email,
        user=comment.user,
        body=body,
        ip_address=ip_address,
        reason=_("An edit of comment %(pk)d: %(reason)s")
        % {"pk": comment.pk, "reason": _refusal_reason(refusal)},
    )


def _refusal_reason(refusal: ValidationError) -> str:
    if refusal.code == "banned":
        return bans.rejection_reason(refusal.params)
    return _("contains the blocked word “%(word)s”.") % refusal.params


@transaction.atomic
def comment_withdraw(*, comment: Comment) -> Comment:
    """Delete ``comment`` for its author: soft (status deleted, the text kept for
    moderators), so replies stay under "Deleted by its author". Raises
    ValidationError (``gone``) when it was already deleted or moderated away."""
    comment = lock_comment(comment.pk)
    _check_changeable(comment)
    comment.status, comment.deleted_at = Comment.Status.DELETED, timezone.now()
    comment.save(update_fields=["status", "deleted_at"])
    discussion_changed(comment.article_id)
    return comment


def _check_changeable(comment: Comment) -> None:
    if comment.status not in CHANGEABLE:
        raise ValidationError(_("This comment is no longer available."), code="gone")
