"""Metadata some themes print in a page dump: who wrote a comment and when, the
links under it, and when the article was published. Pure Python.

Dates are read in the site's time zone, UTC: a dump says nothing of its own.
``11/07/2017`` is day first (as in the themes seen), unless the day cannot be.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_TIME = r"(?:\s*(?:at|,|@)?\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<half>[ap]\.?m\.?)?)?"
_WORDY = re.compile(
    r"^(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
    + _TIME + r"$",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    r"^(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})" + _TIME + r"$",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"^(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})" + _TIME + r"$", re.IGNORECASE
)
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})" + _TIME + r"$")
SAYS = re.compile(r"^(?P<name>\S.{0,79}?)\s+says:$")
_NOISE = frozenset({"reply", "log in to reply", "report comment"})
_ARTICLE_DATE = re.compile(
    r"^(?:Posted\s+on|Published(?:\s+on)?)\s+(?P<date>.+?)(?:\s+by\s+(?P<by>\S.*))?$",
    re.IGNORECASE,
)


def dump_date(text: str) -> datetime | None:
    """The moment a line such as ``July 11, 2017 at 3:42 pm`` names, or None."""
    text = " ".join(text.split())
    if len(text) > 40:
        return None
    for pattern in (_WORDY, _DAY_FIRST, _ISO, _NUMERIC):
        match = pattern.match(text)
        if match:
            return _moment(match)
    return None


def _moment(match: re.Match) -> datetime | None:
    parts = match.groupdict()
    if "a" in parts:
        day, month = int(parts["a"]), int(parts["b"])
        if month > 12 >= day:
            day, month = month, day
    else:
        raw = parts["month"]
        month = int(raw) if raw.isdigit() else _MONTHS.get(raw.lower())
        day = int(parts["day"])
    hour, minute = int(parts["hour"] or 0), int(parts["minute"] or 0)
    half = (parts["half"] or "").replace(".", "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if month is None:
        return None
    try:
        return datetime(int(parts["year"]), month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None


def comment_meta(lines: list[str]) -> tuple[str | None, datetime | None, list[str]]:
    """A comment's author and date from a ``Jane Roe says:`` opening and the date
    line under it, and its lines without them and without the links a theme
    prints under it (``Reply``, ``Log in to Reply``, ``Report comment``)."""
    match = SAYS.match(lines[0]) if lines else None
    if not match:
        return None, None, lines
    rest = lines[1:]
    created = None
    first = next((i for i, line in enumerate(rest) if line.strip()), None)
    if first is not None:
        created = dump_date(rest[first])
        if created is not None:
            rest = rest[first + 1 :]
    end = len(rest)
    while end and (not rest[end - 1].strip() or rest[end - 1].strip().lower() in _NOISE):
        end -= 1
    # "The minister says:" may open a comment's own text: without a date or
    # the theme's links under it, the line is the reader's.
    if created is None and all(line.strip().lower() not in _NOISE for line in rest[end:]):
        return None, None, lines
    return match["name"].strip(), created, rest[:end]


def article_date(line: str) -> tuple[datetime, str | None] | None:
    """``Posted on July 10, 2017 by Jane Roe`` or ``Published July 10, 2017``:
    the date, and the name after ``by`` if any."""
    match = _ARTICLE_DATE.match(line.strip())
    if not match:
        return None
    when = dump_date(match["date"])
    if when is None:
        return None
    by = (match["by"] or "").strip(" ….") or None
    return when, by
