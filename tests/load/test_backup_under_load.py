"""Issue 5, operations: a backup taken while readers post restores to a sound database."""

import threading

import pytest

from tests.load.traffic import Traffic

pytestmark = pytest.mark.load

POSTS_BEFORE_BACKUP = 100


def test_backup_taken_during_posting_restores_into_a_fresh_database_with_sound_trees(
    site, databases
):
    database, server, slug = site
    backup = database.folder / f"{database.url.rsplit('/', 1)[1]}.backup"
    traffic = Traffic(server.url, slug, posters=10, posts_each=60, readers=2)
    runs = []

    def take_backup(stop: threading.Event) -> None:
        while traffic.acknowledged_so_far < POSTS_BEFORE_BACKUP:
            if stop.wait(0.05):
                return
        runs.append(database.run("manage.py", "backup_db", str(backup)))

    outcome = traffic.run(during=take_backup)
    assert runs, "posting ended before the backup started"
    assert runs[0].returncode == 0, runs[0].stderr
    assert outcome.server_errors() == {}

    restored = databases.create()
    restored.restore(backup)
    state = restored.tool("state")
    assert state["problems"] == []
    if restored.engine == "sqlite":
        assert state["integrity"] == ["ok"]
    in_backup = set(state["comments"])
    assert POSTS_BEFORE_BACKUP <= len(in_backup) < len(outcome.acknowledged), (
        "the backup was not taken mid-load"
    )
    assert in_backup <= set(database.tool("state")["comments"])
