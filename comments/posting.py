"""A reader's post: a comment or reply created under the writers' locks
(``comments.locks``), flood control counted inside the same transaction, and
the posts the rules refuse kept for the moderators."""

from __future__ import annotations

from datetime import timedelta
from typing import Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article
from articles.pagecache import discussion_changed
from comments import moderation, rules
from comments.locks import Namespace, lock_thread_of, name_lock, tree_write_lock
from comments.models import MAX_REPLY_DEPTH, Comment, RejectedPost


class Post(TypedDict, total=False):
    """What a reader sent: the same fields make a comment or a refused post."""

    article: Required[Article]
    parent: Required[Comment | None]
    body: Required[str]
    author_name: str
    email: str
    user: object
    ip_address: str | None


@transaction.atomic
def comment_create(
    *,
    status: str = Comment.Status.PUBLISHED,
    moderation_reason: str = "",
    posts_per_minute: int = 0,
    **post: Unpack[Post],
) -> Comment:
    """Post a comment on an article, or a reply to ``parent``.

    Raises ValidationError when the article is closed, the parent cannot be
    replied to (another article's comment, or one not published), or the
    address has posted ``posts_per_minute`` comments in the last minute.
    """
    article = Article.objects.get(pk=post["article"].pk)
    parent = post["parent"]
    _check_postable(article, None)
    ip_address = post.get("ip_address")
    if posts_per_minute and ip_address:
        check_flood(ip_address, posts_per_minute)
    if parent is not None:
        parent = lock_thread_of(parent.pk)
        _check_postable(article, parent)
    else:
        tree_write_lock(None)
    comment = Comment(
        **{**post, "article": article, "parent": parent},
        status=status,
        moderation_reason=moderation_reason,
        # Whether the parent's author hears of it is the notification worker's
        # question (comments.tasks), asked after the commit, not the reader's wait.
        notice_pending=parent is not None and status == Comment.Status.PUBLISHED,
    )
    comment.full_clean(exclude=["parent", "article"])
    comment.save()
    discussion_changed(article.pk)
    return comment


def _check_postable(article: Article, parent: Comment | None) -> None:
    """Raise the ValidationError that keeps a post off ``article`` (under ``parent``)."""
    if not article.comments_open:
        raise ValidationError(_("Comments are closed on this article."), code="closed")
    if parent is None:
        return
    if parent.article_id != article.pk:
        raise ValidationError(
            _("That comment belongs to another article."), code="parent_elsewhere"
        )
    if parent.status != Comment.Status.PUBLISHED:
        raise ValidationError(
            _("That comment can no longer be replied to."), code="parent_unavailable"
        )
    if parent.level + 1 >= MAX_REPLY_DEPTH:
        raise ValidationError(
            _("This conversation is nested as deep as it goes; reply to a comment above."),
            code="too_deep",
        )


def check_flood(ip_address: str, limit: int) -> None:
    name_lock(Namespace.FLOOD, ip_address)
    since = timezone.now() - timedelta(minutes=1)
    posted, refused = (
        model.objects.filter(ip_address=ip_address, created__gte=since).order_by().values("pk")
        for model in (Comment, RejectedPost)
    )
    if posted.union(refused, all=True).count() >= limit:
        raise ValidationError(
            _("You are posting too fast. Wait a minute, then post again; your text is kept."),
            code="flood",
        )


@transaction.atomic
def post_reject(*, reason: str, posts_per_minute: int = 0, **post: Unpack[Post]) -> RejectedPost:
    """Keep a post the rules refused, with the reason, for the moderators' desk.

    A post that could not have been accepted anyway (comments closed, a
    parent elsewhere or hidden) gets that error instead and is not kept.
    Flood control counts refused posts with comments, and refuses to store
    one over the limit (raising its ValidationError), so a bot repeating a
    blocked word cannot fill the table.
    """
    _check_postable(Article.objects.get(pk=post["article"].pk), post["parent"])
    ip_address = post.get("ip_address")
    if posts_per_minute and ip_address:
        check_flood(ip_address, posts_per_minute)
    return RejectedPost.objects.create(**post, reason=reason)


def comments_publish_verified(*, user) -> int:
    """Publish ``user``'s comments held only until they verified their email
    address (``rules.UNVERIFIED``), bumping their discussions' versions; those
    held for any other reason stay in the queue. Returns how many."""
    held = Comment.objects.in_moderation().filter(
        user=user, moderation_reason=str(rules.UNVERIFIED)
    )
    # By id: the moderation service finds the rows it changed again through
    # the queryset, which the new status and reason would no longer match.
    return moderation.comments_moderate(
        Comment.objects.filter(pk__in=list(held.values_list("pk", flat=True))),
        action="approve",
        moderator=None,
        reason=_("the author verified their email address"),
    )
