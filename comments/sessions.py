"""What Newsroom remembers about a reader between requests, all in their session.

For a guest the session is who they are: the name they last posted under,
the comments they posted (theirs to edit and delete), those still awaiting
moderation, their last post (to swallow double submissions), the comments
they reported, and the draft they wrote where only signed-in readers may
comment (back in the form once they sign in: signing in keeps the session's
data).
"""

import hashlib
import time

from comments.models import Comment

_PENDING = "newsroom.pending"
_POSTED = "newsroom.posted"
_IDENTITY = "newsroom.identity"
_LAST_POST = "newsroom.last_post"
_REPORTED = "newsroom.reported"
_DRAFT = "newsroom.draft"
DUPLICATE_WINDOW_SECONDS = 60
# A guest's comments their browser remembers as theirs: enough for every post
# flood control lets through in an edit window, the session staying small.
POSTED_KEPT = 100


def comment_form_initial(request, *, article, parent=None) -> dict:
    """The comment form's starting values: the name last posted under, and the
    draft kept for this form (``keep_draft``)."""
    if not _has_session(request):
        return {}
    initial = dict(request.session.get(_IDENTITY, {}))
    draft = request.session.get(_DRAFT)
    if draft and draft["to"] == _draft_place(article, parent):
        initial["body"] = draft["body"]
    return initial


def keep_draft(request, *, article, parent, body: str) -> None:
    """Keep a post that could not be taken yet (the reader must sign in first)."""
    request.session[_DRAFT] = {"to": _draft_place(article, parent), "body": body}


def remember_poster(request, comment: Comment) -> None:
    request.session.pop(_DRAFT, None)
    if comment.author_name:
        request.session[_IDENTITY] = {"name": comment.author_name, "email": comment.email}
    if comment.user_id is None:
        posted = request.session.get(_POSTED, [])
        request.session[_POSTED] = [*posted[-(POSTED_KEPT - 1):], comment.pk]
    remember_held(request, comment)
    request.session[_LAST_POST] = {
        "digest": _digest(comment.article_id, comment.body),
        "at": time.time(),
        "pk": comment.pk,
    }


def remember_held(request, comment: Comment) -> None:
    """Show ``comment`` to this reader while it awaits moderation (a post, or an edit held)."""
    pending = request.session.get(_PENDING, [])
    if comment.status == Comment.Status.PENDING and comment.pk not in pending:
        request.session[_PENDING] = [*pending[-49:], comment.pk]


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


def own_posted_ids(request) -> set[int]:
    """Ids of the comments this browser posted as a guest: theirs to edit or delete
    (``authoring.owns``)."""
    return set(request.session.get(_POSTED, [])) if _has_session(request) else set()


def has_reported(request, comment: Comment) -> bool:
    return _has_session(request) and comment.pk in request.session.get(_REPORTED, [])


def remember_report(request, comment: Comment) -> None:
    reported = request.session.get(_REPORTED, [])
    request.session[_REPORTED] = [*reported[-199:], comment.pk]


def _has_session(request) -> bool:
    # Reading an absent session costs nothing; reading a present one is one query.
    return bool(request.session.session_key) or request.session.modified


def _draft_place(article, parent) -> list:
    return [article.pk, getattr(parent, "pk", None)]


def _digest(article_id: int, body: str) -> str:
    return hashlib.sha256(f"{article_id}\0{body}".encode()).hexdigest()
