"""What Newsroom remembers about a reader between requests, all in their session.

Readers are anonymous, so the session is who they are: the name they last
posted under, the comments of theirs still awaiting moderation, their last
post (to swallow double submissions) and the comments they reported.
"""

import hashlib
import time

from comments.models import Comment

_PENDING = "newsroom.pending"
_IDENTITY = "newsroom.identity"
_LAST_POST = "newsroom.last_post"
_REPORTED = "newsroom.reported"
DUPLICATE_WINDOW_SECONDS = 60


def comment_form_initial(request) -> dict:
    return dict(request.session.get(_IDENTITY, {})) if _has_session(request) else {}


def remember_poster(request, comment: Comment) -> None:
    if comment.author_name:
        request.session[_IDENTITY] = {"name": comment.author_name, "email": comment.email}
    if comment.status == Comment.Status.PENDING:
        pending = request.session.get(_PENDING, [])
        request.session[_PENDING] = [*pending[-49:], comment.pk]
    request.session[_LAST_POST] = {
        "digest": _digest(comment.article_id, comment.body),
        "at": time.time(),
        "pk": comment.pk,
    }


def recent_duplicate(request, article, body: str) -> int | None:
    """The pk of this reader's identical post made within the last minute, if any."""
    last = request.session.get(_LAST_POST) if _has_session(request) else None
    if (
        last
        and last["digest"] == _digest(article.pk, body)
        and time.time() - last["at"] < DUPLICATE_WINDOW_SECONDS
    ):
        return last["pk"]
    return None


def own_pending_ids(request) -> set[int]:
    """Ids of this reader's comments still held; queries scope them to one article."""
    return set(request.session.get(_PENDING, [])) if _has_session(request) else set()


def has_reported(request, comment: Comment) -> bool:
    return _has_session(request) and comment.pk in request.session.get(_REPORTED, [])


def remember_report(request, comment: Comment) -> None:
    reported = request.session.get(_REPORTED, [])
    request.session[_REPORTED] = [*reported[-199:], comment.pk]


def _has_session(request) -> bool:
    # Reading an absent session costs nothing; reading a present one is one query.
    return bool(request.session.session_key) or request.session.modified


def _digest(article_id: int, body: str) -> str:
    return hashlib.sha256(f"{article_id}\0{body}".encode()).hexdigest()
