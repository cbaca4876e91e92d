"""Every write to a reader's account that Newsroom makes itself.

allauth writes the rest (the user at sign-up, email addresses, passwords).
What an account's changes mean for its comments belongs to ``comments``, which
calls these.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from readers.models import Profile, ReleasedName
from readers.names import RELEASED_NAME_DAYS, clean_display_name, name_key


@transaction.atomic
def profile_create(*, user, display_name: str) -> Profile:
    """Give a new account its display name. ValidationError when the name cannot be
    the user's, including when someone took it since the sign-up form checked."""
    name, key = clean_display_name(display_name, user=user)
    return _save(Profile(user=user, display_name=name, name_key=key))


@transaction.atomic
def display_name_change(*, user, name: str) -> Profile:
    """Rename the account. The name it gives up stays reserved for
    ``RELEASED_NAME_DAYS`` days, for everyone but this user."""
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        # Staff made in the shell or the admin have no profile until they name themselves.
        profile = Profile(user=user, joined=user.date_joined)
    elif profile.deleted is not None:
        raise ValidationError(_("This account is deleted."), code="deleted")
    given_up = profile.name_key
    profile.display_name, profile.name_key = clean_display_name(name, user=user)
    if given_up is not None and given_up != profile.name_key:
        _release(given_up, user=user)
    return _save(profile)


@transaction.atomic
def account_delete(*, user) -> None:
    """Erase the account's side of a reader: display name, email addresses
    (allauth's records of them and their confirmations), names and password.

    The user row stays, deactivated and anonymised (``deleted-<id>``, no email,
    no usable password, no staff rights, groups or permissions), and its
    profile stays marked deleted: comments keep their foreign key to one
    account that says "deleted account", instead of passing for a guest's, and
    the admin's history keeps its rows. Its sessions end: an inactive user with
    a changed password passes no session check. Names it went by stay reserved
    for ``RELEASED_NAME_DAYS`` days.
    """
    profile = Profile.objects.select_for_update().filter(user=user).first() or Profile(
        user=user, joined=user.date_joined
    )
    given_up = {profile.name_key}
    if user.is_staff or user.is_superuser:
        given_up |= {name_key(user.get_username()), name_key(user.get_full_name())}
    for key in given_up - {None, ""}:
        _release(key, user=user)
    profile.display_name, profile.name_key, profile.deleted = "", None, timezone.now()
    profile.save()
    EmailAddress.objects.filter(user=user).delete()
    user.username = f"deleted-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _release(key: str, *, user) -> None:
    ReleasedName.objects.update_or_create(
        key=key,
        defaults={
            "until": timezone.now() + timedelta(days=RELEASED_NAME_DAYS),
            "released_by": user,
        },
    )


def _save(profile: Profile) -> Profile:
    """Save a named profile; a name taken by a concurrent writer since it was
    checked is the same error as one taken before."""
    # Uniqueness was checked with look-alikes folded, and is the database's to enforce.
    profile.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise ValidationError(
            _("“%(name)s” was taken a moment ago: choose another."),
            code="taken",
            params={"name": profile.display_name},
        ) from None
    return profile
