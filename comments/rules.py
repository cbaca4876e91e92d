"""The rules a reader's post meets before it is saved (README, "Moderation rules").

``screen`` decides between publishing and holding, or rejects outright with a
ValidationError the form shows next to the reader's text. Flood control lives
in ``comments.posting`` (``comment_create`` and ``post_reject``) because it
must count inside the write lock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import disarm
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments import bans, desk_rules, trust
from comments.models import Comment

# Held for a watched word: the moderators' reason, which names the word.
_WATCHED = "Contains the watched word “%(word)s”."
# The reason a signed-in reader's comment is held while their address is
# unverified; ``posting.comments_publish_verified`` publishes by it.
UNVERIFIED = gettext_lazy("Held until the author verifies their email address.")
# A bare "www." counts unless it follows a scheme: http://www.example.com is one link.
_LINK = re.compile(r"\bhttps?://|(?<!://)\bwww\.\w", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    status: str = Comment.Status.PUBLISHED
    reason: str = ""


def normalise(text: str) -> str:
    """Fold case, compatibility forms, accents and look-alike letters before matching words.

    ``sp\u0430m`` (a Cyrillic a) reads as ``spam``: look-alikes fold to their
    Unicode TR39 skeleton, by the disarm library, which follows Unicode's
    confusables table. Case is folded first, so a capital I stays an i rather
    than the l it looks like.
    """
    return disarm.skeleton_key(_strip_accents(text.casefold()))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=256)
def word_pattern(word: str) -> re.Pattern | None:
    """A whole-word pattern that also matches the word with punctuation or spaces
    inserted between its letters (``s.p-a m``); None for a word with nothing to match
    (only spaces or invisible characters), which would otherwise match everywhere."""
    letters = [re.escape(ch) for ch in normalise(word) if not ch.isspace()]
    if not letters:
        return None
    return re.compile(r"(?<![^\W_])" + r"[\W_]*".join(letters) + r"(?![^\W_])")


def find_word(text: str, words) -> str | None:
    folded = normalise(text)
    for word in words:
        pattern = word_pattern(word.strip())
        if pattern is not None and pattern.search(folded):
            return word.strip()
    return None


def must_sign_in(*, article, user) -> bool:
    """Whether ``user`` must sign in before commenting on ``article``."""
    return article.accounts_only and not user.is_authenticated


def awaits_verification(user) -> bool:
    """Whether ``user``'s comments wait for their email address to be verified
    (``NEWSROOM_ACCOUNT_EMAIL_VERIFICATION=mandatory``). Staff have accounts
    made by hand, without an address to verify."""
    return (
        settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
        and not user.is_staff
        and not EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def screen(
    *,
    article,
    body: str,
    author_name: str = "",
    user=None,
    email: str = "",
    ip_address: str | None = None,
) -> Verdict:
    """Publish, hold (a Verdict) or refuse (ValidationError: ``banned``, ``blocked``).

    Rules come from the admin's posting rules (``comments.desk_rules``).
    """
    # A signed-in reader's form has no email field: their account's address is theirs.
    account_email = getattr(user, "email", "") if user is not None else ""
    bans.check_not_banned(user=user, email=email or account_email, ip_address=ip_address)
    rules = desk_rules.current()
    text = f"{author_name}\n{body}"
    blocked = find_word(text, rules.blocked_words)
    if blocked:
        # The reader is not told which word: that would teach a spammer what
        # to change. The moderators' record keeps it (``params``).
        raise ValidationError(
            _("This comment cannot be posted."), code="blocked", params={"word": blocked}
        )
    watched = find_word(text, rules.watched_words)
    if watched:
        return Verdict(
            Comment.Status.PENDING,
            _(_WATCHED) % {"word": watched},
        )
    links = len(_LINK.findall(body))
    if links > rules.max_links:
        return Verdict(
            Comment.Status.PENDING,
            _("Contains %(links)d links (more than %(limit)d).")
            % {"links": links, "limit": rules.max_links},
        )
    if rules.premoderation:
        return Verdict(Comment.Status.PENDING, _("Pre-moderation is on for the whole site."))
    if article.premoderation:
        return Verdict(Comment.Status.PENDING, _("Pre-moderation is on for this article."))
    held = trust.hold_reason(user=user, email=email, ip_address=ip_address)
    if held:
        return Verdict(Comment.Status.PENDING, held)
    # Last: verifying publishes only comments held for this reason, never
    # one the moderators must see first.
    if user is not None and awaits_verification(user):
        return Verdict(Comment.Status.PENDING, str(UNVERIFIED))
    return Verdict()


def reason_for_author(reason: str) -> str:
    """Why a held comment waits, as its author is told: the reason it was held,
    except that a watched word is not named (as with blocked words, naming it
    would teach a spammer what to change)."""
    before, after = _(_WATCHED).split("%(word)s")
    if reason.startswith(before) and reason.endswith(after):
        return _("Contains a word moderators read first.")
    return reason
