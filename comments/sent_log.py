"""Marking a pass's messages sent one by one, without a write on SQLite's one writer each.

Exactly once needs each message's rows marked sent as soon as the server took it,
before the next message goes, so that a pass killed later never sends it again.
On PostgreSQL that is an UPDATE of the message's rows. On SQLite every write takes
the database's one write lock, which every reader's post waits for, and a pass
mailing a few messages a second took it about as often as the readers did
(bench/README.md, issue 17). So on SQLite each message goes into a log of its own,
a small SQLite file beside the database (``db.sqlite3-sent``), and a batch's rows
are marked sent in the database with one write. Every pass applies what it finds
in the log before it claims anything, so a worker killed between the two sends
nothing twice: its rows are still claimed by its token, which the log names.

Written over the standard library's sqlite3 by hand: no maintained library keeps
such a log, and it is one table.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime

from django.db import connection

from comments.models import Notification
from comments.prepared_writes import RowUpdate

_local = threading.local()
_Status = Notification.Status


def taken(token: str, pks: list[int], at: datetime) -> None:
    """The server took the message of these rows, claimed by ``token``, at ``at``."""
    if (log := _log()) is None:
        Notification.objects.filter(pk__in=pks, claim=token).update(status=_Status.SENT, sent_at=at)
        return
    log.executemany(
        "INSERT INTO sent (token, pk, at) VALUES (?, ?, ?)",
        [(token, pk, at.isoformat()) for pk in pks],
    )


def apply() -> int:
    """Mark sent, in one write transaction, the rows the log holds; the rows marked."""
    if (log := _log()) is None:
        return 0
    entries = log.execute("SELECT rowid, token, pk, at FROM sent").fetchall()
    if not entries:
        return 0
    # Only a row still claimed by the token that sent it: a pass that took it over
    # after the lease applied the log first, and a pk from a database rolled back
    # since (the tests') is claimed by another token.
    mark = RowUpdate(Notification, fields=("status", "sent_at"), where=("id", "claim", "status"))
    values = mark.values(
        (_Status.SENT, datetime.fromisoformat(at), pk, token, _Status.PENDING)
        for _rowid, token, pk, at in entries
    )
    marked = mark.run(values)
    log.executemany("DELETE FROM sent WHERE rowid = ?", [(entry[0],) for entry in entries])
    return marked


def _log() -> sqlite3.Connection | None:
    """This thread's connection to the log of the SQLite database in use; None on others."""
    if connection.vendor != "sqlite":
        return None
    if connection.is_in_memory_db():
        # The test suite's database: a log in memory too, shared by this process's threads.
        path, uri = "file:newsroom-sent-log?mode=memory&cache=shared", True
    else:
        path, uri = f"{connection.settings_dict['NAME']}-sent", False
    logs = _local.__dict__.setdefault("logs", {})
    log = logs.get(path)
    if log is None:
        # Autocommit: each message's entry is kept once written, as the server took it.
        log = sqlite3.connect(path, uri=uri, timeout=30, isolation_level=None)
        log.execute("PRAGMA journal_mode=WAL")
        # As the database's own (settings.py): an entry outlives a killed worker, and
        # only a power cut may lose the last ones, as it may the database's last commits.
        log.execute("PRAGMA synchronous=NORMAL")
        log.execute("CREATE TABLE IF NOT EXISTS sent (token TEXT, pk INTEGER, at TEXT)")
        logs[path] = log
    return log
