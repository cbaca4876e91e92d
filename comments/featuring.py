"""Featured comments: the ones moderators choose to open an article's discussion."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.pagecache import discussions_changed
from comments.history import log_changes
from comments.models import Comment


@transaction.atomic
def comments_feature(queryset, *, featured: bool, moderator) -> int:
    """Feature the published comments of ``queryset`` (``featured``), or unfeature
    them; return how many changed.

    Only a published comment can be featured (the page quotes nothing else);
    any featured one can be unfeatured. Comments already as asked are left
    alone. Bumps each changed comment's discussion and records the moderator
    in the comment's History.
    """
    chosen = Comment.objects.filter(pk__in=queryset.values("pk"))
    if featured:
        chosen = chosen.filter(status=Comment.Status.PUBLISHED, featured_at__isnull=True)
    else:
        chosen = chosen.filter(featured_at__isnull=False)
    ids = list(chosen.values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    changed = Comment.objects.filter(pk__in=ids).update(featured_at=now if featured else None)
    moved = Comment.objects.filter(pk__in=ids)
    discussions_changed(moved.values("article_id"))
    message = _("Featured") if featured else _("No longer featured")
    log_changes(moved, moderator=moderator, message=message, at=now)
    return changed
