"""Trust: a newcomer's first comment, and a reader whose comments keep being
removed, wait for a moderator (README, "Trust")."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.authors import same_author
from comments.models import Comment

# Removals or spam marks in REMOVALS_WINDOW that hold a reader's next comments.
REMOVALS_LIMIT = 3
REMOVALS_WINDOW = timedelta(days=30)


def hold_reason(*, user=None, email: str = "", ip_address: str | None = None) -> str:
    """Why this author's comment waits for a moderator, or "" when it need not."""
    if user is not None and user.is_staff:
        return ""
    author = same_author(
        user_id=user.pk if user is not None else None, email=email, ip_address=ip_address
    )
    if author is None:
        return ""
    since = timezone.now() - REMOVALS_WINDOW
    removed = Comment.objects.filter(
        author,
        status__in=[Comment.Status.REMOVED, Comment.Status.SPAM],
        moderated_at__gte=since,
    )
    if removed[:REMOVALS_LIMIT].count() >= REMOVALS_LIMIT:
        return _(
            "Held automatically: %(count)d of the author's comments were removed or "
            "marked as spam in the last 30 days."
        ) % {"count": REMOVALS_LIMIT}
    published = Comment.objects.filter(author, status=Comment.Status.PUBLISHED)
    if settings.NEWSROOM_PREMODERATE_NEWCOMERS and not published.exists():
        return _("A newcomer's first comment: held until one is approved.")
    return ""
