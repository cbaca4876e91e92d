"""What a reader chose to be mailed, and the private link to their replies' feed.

Kept on the profile, which comments' notifications read (``readers`` knows
nothing of comments).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing

from readers.models import Profile

_FEED_SALT = "newsroom.readers.replies-feed"


def notifications_set(
    *, user_id: int, replies: bool | None = None, moderation: bool | None = None
) -> None:
    """Turn reply notifications and moderation notices on or off (None: leave as is)."""
    changes = {
        field: value
        for field, value in (("notify_replies", replies), ("notify_moderation", moderation))
        if value is not None
    }
    if changes:
        Profile.objects.filter(user_id=user_id).update(**changes)


def replies_feed_token(user) -> str:
    """The secret in the URL of the reader's private feed of replies: signed, not stored."""
    return signing.dumps(user.pk, salt=_FEED_SALT)


def user_from_feed_token(token: str):
    """The active reader a feed token was made for, or None."""
    try:
        user_id = signing.loads(token, salt=_FEED_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()
