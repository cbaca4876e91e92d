"""Whether a post comes from a banned reader: one indexed query, read from the
database on every post, so a ban applies on every worker the moment it is saved."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comments.models import Ban

# The longest ban a moderator without ``comments.add_permanent_ban`` may make.
MODERATOR_LIMIT = timedelta(days=30)


def ban_for(*, user=None, email: str = "", ip_address: str | None = None) -> Ban | None:
    """The ban that lasts longest among those on this account, email or address."""
    bans = Ban.objects.active().matching(user=user, email=email, ip_address=ip_address)
    # A permanent ban (no end) first, then the latest end.
    return bans.order_by(F("until").desc(nulls_first=True)).first()


def check_not_banned(*, user=None, email: str = "", ip_address: str | None = None) -> None:
    """Raise the ValidationError (code ``banned``) a banned reader's post is refused with."""
    ban = ban_for(user=user, email=email, ip_address=ip_address)
    if ban is None:
        return
    params = {"ban": ban.pk, "reason": ban.reason}
    if ban.permanent:
        message = _("You cannot post comments here. Your text is kept below.")
    else:
        until = formats.date_format(timezone.localtime(ban.until), "DATETIME_FORMAT")
        params["until"] = until
        message = _(
            "You cannot post comments until %(until)s (UTC). Your text is kept below."
        ) % {"until": until}
    raise ValidationError(message, code="banned", params=params)


def rejection_reason(params: dict) -> str:
    """What Rejected posts records for a post refused by ban ``params["ban"]``."""
    return _("Banned (ban %(ban)s): %(reason)s") % params


def within_moderator_limit(until) -> bool:
    return until is not None and until <= timezone.now() + MODERATOR_LIMIT
