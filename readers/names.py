"""Names readers are known by, and when two names are the same name.

Accounts post under a display name no one else can take; guests type a name
with each comment and may not take an account's or a staff member's
(``is_reserved``, for the comment form). Both compare names by ``name_key``.
"""

from __future__ import annotations

import unicodedata

import disarm
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from readers.models import DISPLAY_NAME_MAX_LENGTH, NAME_KEY_MAX_LENGTH, Profile, ReleasedName

RELEASED_NAME_DAYS = 30
# What the site itself writes beside or instead of a name: no account may be called so.
SITE_LABELS = ("anonymous", "author", "deleted account", "guest", "moderator", "newsroom", "staff")
# Control, format (bidi overrides, zero-width joiners), private-use, surrogate
# and unassigned characters: invisible, or shown differently from what they are.
_UNSHOWABLE = {"Cc", "Cf", "Co", "Cs", "Cn"}


def name_key(name: str) -> str:
    """The key names are compared by: two names with one key are one name.

    Unicode NFKC (full-width letters, ligatures, compatibility forms), case
    folded (ß is ss), invisible characters dropped, whitespace collapsed, and
    look-alike letters folded to their Unicode TR39 skeleton by the disarm
    library (a Cyrillic o, U+043E, is a Latin o), as comments.rules folds the
    words it looks for.

    Case is folded before look-alikes, so a capital I becomes an i, not the l
    it resembles in some fonts: folding I with l as well would, together with
    ignoring case, make i and l one letter, and Neil the same name as Nell.
    """
    return disarm.skeleton_key(unicodedata.normalize("NFKC", name).casefold())


def is_reserved(name: str) -> bool:
    """True when a guest may not post as ``name``: it is an account's display
    name, a staff member's username or full name, or a display name given up
    less than ``RELEASED_NAME_DAYS`` days ago."""
    return key_taken(name_key(name))


def key_taken(key: str, *, except_user=None) -> bool:
    """Whether a name with ``key`` belongs to someone other than ``except_user``."""
    if not key:
        return False
    profiles = Profile.objects.filter(name_key=key)
    released = ReleasedName.objects.filter(key=key, until__gt=timezone.now())
    staff = get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True))
    if except_user is not None:
        profiles = profiles.exclude(user=except_user)
        released = released.exclude(released_by=except_user)
        staff = staff.exclude(pk=except_user.pk)
    if profiles.exists() or released.exists():
        return True
    # Staff are few; their names are not stored as keys.
    return any(
        key in (name_key(username), name_key(f"{first} {last}"))
        for username, first, last in staff.values_list("username", "first_name", "last_name")
    )


def clean_display_name(name: str, *, user=None) -> tuple[str, str]:
    """The display name as stored (spacing collapsed) and its key, for ``user``
    to take; ValidationError, with a code, when it cannot be theirs."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Choose a display name."), code="required")
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            _("A display name has at most %(limit)d characters."),
            code="max_length",
            params={"limit": DISPLAY_NAME_MAX_LENGTH},
        )
    key = name_key(name)
    if not key or any(unicodedata.category(char) in _UNSHOWABLE for char in name):
        raise ValidationError(
            _("Use letters, digits, spaces and punctuation: no invisible or control characters."),
            code="unshowable",
        )
    if len(key) > NAME_KEY_MAX_LENGTH:
        raise ValidationError(_("Choose a shorter display name."), code="max_length")
    if key in {name_key(label) for label in SITE_LABELS}:
        raise ValidationError(
            _("“%(name)s” is a word the site uses for its own labels."),
            code="site_label",
            params={"name": name},
        )
    if key_taken(key, except_user=user):
        raise ValidationError(
            _("“%(name)s” is taken: someone has that name, or one that looks the same."),
            code="taken",
            params={"name": name},
        )
    return name, key


def user_display(user) -> str:
    """The name an account is shown under (allauth's ``ACCOUNT_USER_DISPLAY``):
    its display name, "deleted account" once deleted, and for staff without a
    profile their full name or username."""
    profile = getattr(user, "profile", None)
    if profile is not None:
        return profile.display_name or _("deleted account")
    return user.get_full_name() or user.get_username()
