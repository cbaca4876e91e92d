"""Recording what the flagged replies owe, round after round of one delivery pass.

A published reply carries ``Comment.notice_pending`` from its INSERT. A round
reads the flagged replies and who is owed what before any transaction; the write
transaction then only stores the rows and clears the flags, since on SQLite it
holds the one write lock every reader's post waits for. Replies that owe no one
anything (most of them) have their flags cleared with the next write, or at the
pass's end, so a round of only those writes nothing: a flag left set a little
longer costs a read, a write costs every post waiting behind it.

On PostgreSQL a reply row a post still holds (its thread shifting) is skipped
for a later round, so a round never waits for a post, nor deadlocks with one;
the lock is FOR NO KEY UPDATE, which lets rows referring to the reply be written.
"""

from __future__ import annotations

from django.db import transaction

from comments import notify
from comments.models import Comment, Notification

# Replies one transaction records; also the quiet ones a pass leaves flagged at most.
RECORD_BATCH = 1000


class Recorder:
    """One pass's recording: ``round()`` as often as it likes, ``finish()`` at its end."""

    def __init__(self) -> None:
        # Replies found to owe nothing, their flags not yet cleared.
        self.quiet: set[int] = set()

    def round(self) -> int:
        """Record the notifications the replies flagged since the last round owe."""
        recorded, after = 0, 0
        while replies := list(
            Comment.objects.filter(notice_pending=True, pk__gt=after)
            .exclude(pk__in=self.quiet)
            .select_related("parent")
            .order_by("pk")[:RECORD_BATCH]
        ):
            after = replies[-1].pk
            published = [reply for reply in replies if reply.status == Comment.Status.PUBLISHED]
            rows = notify.owed(published)
            pks = [reply.pk for reply in replies]
            if rows or len(self.quiet) + len(pks) > RECORD_BATCH:
                recorded += self._write(rows, [*pks, *self.quiet])
            else:
                self.quiet.update(pks)
        return recorded

    def finish(self) -> None:
        """Clear the flags of the quiet replies still flagged."""
        if self.quiet:
            self._write([], list(self.quiet))

    def _write(self, rows: list[Notification], pks: list[int]) -> int:
        # Converted before the transaction: on SQLite it holds the lock posts wait for.
        insert = notify.storing()
        values = insert.values(rows)
        with transaction.atomic():
            taken = dict(
                Comment.objects.filter(pk__in=pks, notice_pending=True)
                .select_for_update(skip_locked=True, no_key=True)
                .values_list("pk", "status")
            )
            # Held or removed since it was read: approving or restoring it tells them.
            kept = [
                row_values
                for row, row_values in zip(rows, values, strict=True)
                if taken.get(row.comment_id) == Comment.Status.PUBLISHED
            ]
            insert.run(kept)
            Comment.objects.filter(pk__in=taken).update(notice_pending=False)
        # A quiet reply a post still held is read again, as new, by the next round.
        self.quiet.clear()
        return len(kept)
