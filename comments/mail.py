"""What notification mail says, and the signed links in it.

Every link is absolute, from ``NEWSROOM_SITE_URL``: a message is read far from
the request that caused it (there is none: a worker writes it). Links carry
signed tokens instead of a session, so they work without signing in.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.models import Notification
from comments.views import comment_location

_UNSUBSCRIBE_SALT = "newsroom.notifications.unsubscribe"
_CONFIRM_SALT = "newsroom.notifications.confirm-guest"
CONFIRM_MAX_AGE = timedelta(days=7)
REPLIES, MODERATION = "replies", "moderation"
SUBJECT_PREFIX = "[Newsroom] "


def absolute(path: str) -> str:
    return settings.NEWSROOM_SITE_URL + path


def unsubscribe_token(recipient: str, topic: str) -> str:
    return signing.dumps([recipient, topic], salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    """(recipient, topic) from an unsubscribe link, or None for a link we did not sign."""
    try:
        recipient, topic = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return (recipient, topic) if topic in {REPLIES, MODERATION} else None


def confirm_token(email: str) -> str:
    return signing.dumps(email, salt=_CONFIRM_SALT)


def read_confirm_token(token: str) -> str | None:
    """The guest's address from a confirmation link no older than CONFIRM_MAX_AGE, or None."""
    try:
        email = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return email if isinstance(email, str) else None


def notification_message(
    *, to: str, recipient: str, rows: list[Notification]
) -> EmailMultiAlternatives:
    """One message about ``rows`` (one recipient, one thread): replies and approvals,
    with RFC 8058 one-click unsubscribe headers for the list it belongs to."""
    replies = [row.comment for row in rows if row.kind == Notification.Kind.REPLY]
    approved = [row.comment for row in rows if row.kind == Notification.Kind.APPROVED]
    article = rows[0].comment.article
    topic = REPLIES if replies else MODERATION
    unsubscribe = absolute(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(recipient, topic)])
    )
    context = {
        "article": article,
        "article_url": absolute(article.get_absolute_url()),
        "replies": [_item(comment) for comment in replies],
        "approved": [_item(comment) for comment in approved],
        "unsubscribe_url": unsubscribe,
        "topic": topic,
        "settings_url": absolute(reverse("readers:settings")) if rows[0].user_id else None,
    }
    if replies:
        subject = ngettext(
            "%(name)s replied to you on “%(title)s”",
            "%(count)d new replies to you on “%(title)s”",
            len(replies),
        ) % {"name": replies[0].display_author, "count": len(replies), "title": article.title}
    else:
        subject = _("Your comment on “%(title)s” is published") % {"title": article.title}
    return _message(
        subject,
        "comments/email/notification",
        context,
        to=to,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def guest_confirmation_message(email: str) -> EmailMultiAlternatives:
    context = {
        "confirm_url": absolute(reverse("notifications:confirm", args=[confirm_token(email)])),
        "days": CONFIRM_MAX_AGE.days,
    }
    return _message(
        _("Confirm you want to hear of replies"), "comments/email/confirm_guest", context, to=email
    )


def _item(comment) -> dict:
    return {
        "author": comment.display_author,
        "body": comment.body,
        "url": absolute(comment_location(comment)),
        "parent": comment.parent.body if comment.parent_id else "",
    }


def _message(subject, template, context, *, to, headers=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        SUBJECT_PREFIX + subject,
        render_to_string(f"{template}.txt", context),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
