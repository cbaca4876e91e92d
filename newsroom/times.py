"""Times as pages show them: in the site's zone (``NEWSROOM_TIME_ZONE``), saying which.

A time is "29 Nov 2026, 14:05 UTC" in a ``<time>`` whose ``datetime`` is ISO
8601. ``static/newsroom/times.js`` reads it relatively ("3 hours ago") in the
browser and keeps this text for the hover, so a cached page is the same for
every reader and never grows stale as the clock moves; without JavaScript the
reader sees this text. Something imported from a dump that gave no date shows
"From the original page" instead, with the import's date on hover only.

Also the ``times`` template library (``{% load times %}``, registered in
settings): ``shown_time`` for any time, ``posted`` for a comment's, known or not.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from django import template
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext as _

register = template.Library()

# The day as "29 Nov 2026". Django's ``dateformat`` costs about 100 µs a call,
# as much as the rest of a comment's markup on a thread page, so a ``Clock``
# formats each day once; the hours and minutes are digits in every language,
# and the zone's abbreviation comes from the zone itself (``tzname``).
SHOWN_DAY = "j M Y"


class Clock:
    """Formats the times of one page, each day once."""

    def __init__(self):
        self.zone = get_current_timezone()
        self.days: dict[date, str] = {}
        # An import gives its comments one time: its mark is built once a day.
        self.unknown: dict[str, str] = {}
        self.imported_on = _("Imported %(date)s")
        self.from_original = escape(_("From the original page"))

    def day(self, local: datetime) -> str:
        """The day of ``local`` as pages show it, formatted once a page."""
        day = local.date()
        shown_day = self.days.get(day)
        if shown_day is None:
            shown_day = self.days[day] = dateformat.format(day, SHOWN_DAY)
        return shown_day

    def text(self, moment: datetime) -> tuple[str, str]:
        """``moment``'s ISO 8601 form and its shown text."""
        local = moment.astimezone(self.zone)
        shown_day = self.day(local)
        # Digits by hand: ``strftime`` ("%H:%M") costs several times as much.
        shown = f"{shown_day}, {local.hour:02}:{local.minute:02} {local.tzname()}"
        # To the minute, as shown: every byte is repeated down a page of hundreds.
        return local.isoformat(timespec="minutes"), shown

    def time(self, moment: datetime) -> str:
        iso, shown = self.text(moment)
        return f'<time datetime="{iso}">{shown}</time>'

    def posted(self, moment: datetime, *, date_unknown: bool) -> str:
        """When something was written, or, for an import without a date, where it
        comes from: ``moment`` is then only when it was imported. Its day is
        enough there, and keeps the mark short: seed articles are all such marks."""
        if not date_unknown:
            return self.time(moment)
        shown_day = self.day(moment.astimezone(self.zone))
        mark = self.unknown.get(shown_day)
        if mark is None:
            title = escape(self.imported_on % {"date": shown_day})
            mark = self.unknown[shown_day] = f'<span title="{title}">{self.from_original}</span>'
        return mark


@register.filter
def shown_time(moment: datetime | None) -> SafeString | str:
    """``<time>`` with the time in the site's zone; nothing for no time."""
    return mark_safe(Clock().time(moment)) if moment else ""


@register.filter
def posted(thing) -> SafeString:
    """When a comment (anything with ``created`` and ``date_unknown``) was
    written, or that it comes from an original page that gave no date."""
    return mark_safe(Clock().posted(thing.created, date_unknown=thing.date_unknown))
