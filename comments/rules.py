"""The rules a reader's post meets before it is saved (README, "Moderation rules").

``screen`` decides between publishing and holding, or rejects outright with a
ValidationError the form shows next to the reader's text. Flood control lives
in ``comments.services`` (``comment_create`` and ``post_reject``) because it
must count inside the write lock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from comments.models import Comment

# A bare "www." counts unless it follows a scheme: http://www.example.com is one link.
_LINK = re.compile(r"\bhttps?://|(?<!://)\bwww\.\w", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    status: str = Comment.Status.PUBLISHED
    reason: str = ""


def normalise(text: str) -> str:
    """Fold case and compatibility forms, and strip accents, before matching words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=256)
def word_pattern(word: str) -> re.Pattern:
    """A whole-word pattern that also matches the word with punctuation or spaces
    inserted between its letters (``s.p-a m``)."""
    letters = [re.escape(ch) for ch in normalise(word) if not ch.isspace()]
    return re.compile(r"(?<![^\W_])" + r"[\W_]*".join(letters) + r"(?![^\W_])")


def find_word(text: str, words) -> str | None:
    folded = normalise(text)
    for word in words:
        if word.strip() and word_pattern(word.strip()).search(folded):
            return word.strip()
    return None


def screen(*, article, body: str, author_name: str = "") -> Verdict:
    text = f"{author_name}\n{body}"
    blocked = find_word(text, settings.NEWSROOM_BLOCKED_WORDS)
    if blocked:
        raise ValidationError(
            _(
                "Your comment contains “%(word)s”, which is not allowed here. "
                "Edit it and post again."
            ),
            code="blocked",
            params={"word": blocked},
        )
    watched = find_word(text, settings.NEWSROOM_WATCHED_WORDS)
    if watched:
        return Verdict(
            Comment.Status.PENDING,
            _("Contains the watched word “%(word)s”.") % {"word": watched},
        )
    links = len(_LINK.findall(body))
    if links > settings.NEWSROOM_MAX_LINKS:
        return Verdict(
            Comment.Status.PENDING,
            _("Contains %(links)d links (more than %(limit)d).")
            % {"links": links, "limit": settings.NEWSROOM_MAX_LINKS},
        )
    if settings.NEWSROOM_PREMODERATION:
        return Verdict(Comment.Status.PENDING, _("Pre-moderation is on for the whole site."))
    if article.premoderation:
        return Verdict(Comment.Status.PENDING, _("Pre-moderation is on for this article."))
    return Verdict()
