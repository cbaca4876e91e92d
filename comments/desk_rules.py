"""The posting rules in force: the administrators' row (``DeskRules``), else the environment.

Every gunicorn worker reads the row again once it is ``MAX_AGE`` seconds
old, so a change in the admin applies everywhere within that time without a
shared cache; the worker that saved it applies it at once (``forget``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from comments.models import DeskRules

MAX_AGE = 2.0

_lock = threading.Lock()
# (read at, the row or None when administrators never saved one)
_cached: tuple[float, DeskRules | None] | None = None


@dataclass(frozen=True)
class Rules:
    blocked_words: tuple[str, ...]
    watched_words: tuple[str, ...]
    max_links: int
    premoderation: bool
    report_threshold: int
    posts_per_minute: int


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.splitlines() if word.strip())


def current() -> Rules:
    global _cached
    with _lock:
        cached = _cached
    if cached is None or time.monotonic() - cached[0] > MAX_AGE:
        cached = (time.monotonic(), DeskRules.objects.filter(pk=DeskRules.SINGLETON).first())
        with _lock:
            _cached = cached
    # Without a saved row the settings are read each time, so they can change under tests.
    row = cached[1] or DeskRules.from_settings()
    return Rules(
        blocked_words=_words(row.blocked_words),
        watched_words=_words(row.watched_words),
        max_links=row.max_links,
        premoderation=row.premoderation,
        report_threshold=row.report_threshold,
        posts_per_minute=row.posts_per_minute,
    )


def forget() -> None:
    """Read the rules again next time (after a save, and between tests)."""
    global _cached
    with _lock:
        _cached = None
