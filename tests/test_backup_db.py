"""backup_db: a consistent copy of the database, or a clear error."""

import os
import sqlite3
import stat
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from comments import sent_log
from comments.management.commands import backup_db
from comments.models import Notification
from tests.helpers import create_tree, make_article, on_postgresql, on_sqlite, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_umask():
    """The permissive umask most shells have: files world-readable unless made otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def backup(path) -> str:
    out = StringIO()
    call_command("backup_db", str(path), stdout=out)
    return out.getvalue()


def backup_of_a_thread(target):
    """A five-comment thread backed up to ``target``; the command names the database it copied."""
    create_tree()
    assert f"Backed up {connection.vendor} database" in backup(target)
    return target


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_is_a_sound_database_with_every_comment(tmp_path):
    target = backup_of_a_thread(tmp_path / "backup.sqlite3")
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("SELECT count(*) FROM comments_comment").fetchone() == (5,)
    copy.close()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_holds_as_sent_a_message_only_the_sent_log_had(tmp_path):
    article = make_article()
    row = Notification.objects.create(
        comment=post(article, post(article)),
        recipient="email:ada@example.com",
        thread=1,
        claim="pass",
        claimed_at=timezone.now(),
    )
    sent_log.taken("pass", [row.pk], timezone.now())

    target = backup_of_a_thread(tmp_path / "backup.sqlite3")

    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT status FROM comments_notification").fetchall() == [("sent",)]
    copy.close()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_replaces_an_older_backup_and_leaves_no_partial_file(tmp_path):
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"yesterday")
    backup_of_a_thread(target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM comments_comment").fetchone() == (5,)
    copy.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.sqlite3"]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_is_a_pg_dump_archive_holding_the_comments(tmp_path):
    target = backup_of_a_thread(tmp_path / "backup.dump")
    listing = subprocess.run(
        ["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA public comments_comment" in listing


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_is_readable_by_its_owner_only_even_over_a_world_readable_one(
    tmp_path, open_umask
):
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"yesterday")
    target.chmod(0o644)

    backup(target)

    assert mode(target) == 0o600


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_is_readable_by_its_owner_only(tmp_path, open_umask):
    target = tmp_path / "backup.dump"

    backup(target)

    assert mode(target) == 0o600


@on_postgresql
def test_postgresql_backup_without_pg_dump_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(backup_db.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump is not installed") as error:
        backup(tmp_path / "backup.dump")
    assert "postgresql-client" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_backup_into_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        backup(tmp_path / "nowhere" / "backup")
