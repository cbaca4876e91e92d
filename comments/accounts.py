"""What deleting a reader's account does to their comments.

``readers.services.account_delete`` erases the account; this is the comments'
side of the same use case, so it lives here (``readers`` knows no comment).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from articles.pagecache import discussions_changed
from comments.models import Comment, RejectedPost
from comments.moderation import comments_moderate
from readers.services import account_delete

DELETED_ACCOUNT = "deleted account"


@transaction.atomic
def reader_delete(*, user, keep_text: bool) -> int:
    """Delete ``user``'s account and erase what their comments said of them: the
    name, email and address typed or recorded with each, refused posts included.

    With ``keep_text`` the comments keep their text and status, shown under
    "deleted account"; without, they are removed as a moderator removes one (soft: a comment with
    replies stays as a tombstone, so the replies keep their place). Returns how
    many comments the account had.
    """
    comments = Comment.objects.filter(user=user)
    if not keep_text:
        comments_moderate(
            comments, action="remove", moderator=None, reason=_("Its author deleted their account")
        )
    # The label, not an empty name: an account's comment without a name of its
    # own shows its user's, which is now ``deleted-<id>``. No reader can post
    # under it (a site label, readers.names.SITE_LABELS).
    erased = comments.update(author_name=DELETED_ACCOUNT, email="", ip_address=None)
    RejectedPost.objects.filter(user=user).update(author_name="", email="", ip_address=None)
    if erased:
        discussions_changed(comments.values("article_id"))
    account_delete(user=user)
    return erased
