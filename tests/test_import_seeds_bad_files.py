"""The import_seeds command on files it cannot import: each named with its reason, the rest
still imported, and the exit status `make run` sees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from articles.seed_parser import MAX_SEED_DEPTH
from comments import importing
from comments.models import Comment
from tests.helpers import FIRST, SECOND, SEEDS, import_seeds, seed_copy, write_seed

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent


def import_failing(*paths) -> tuple[str, str, CommandError]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_seeds", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), failure.value


# Bad files.


def test_bad_files_are_named_with_their_reason_and_the_good_ones_still_import(
    tmp_path, assert_tree_sound
):
    folder = seed_copy(tmp_path, FIRST, SECOND)
    (folder / "010_empty.txt").write_bytes(b"")
    (folder / "020_binary.bin").write_bytes(bytes(range(256)) * 4)
    (folder / "030_latin1.txt").write_bytes("Café au lait\n\nBody.\n".encode("latin-1"))
    (folder / "040_no_title.txt").write_bytes(b"6 Comments\n  1. A comment\n")

    out, err, failure = import_failing(folder)

    assert sorted(Article.objects.values_list("source_name", flat=True)) == [FIRST, SECOND]
    assert err.splitlines() == [
        "010_empty.txt: skipped: file is empty",
        "020_binary.bin: skipped: file looks binary (it contains NUL bytes)",
        "030_latin1.txt: skipped: file is not valid UTF-8 (bad byte at offset 3)",
        "040_no_title.txt: skipped: no title: the file opens with '6 Comments'",
    ]
    assert "4 of 6 seed paths failed" in str(failure)
    assert f"{FIRST}: created" in out and f"{SECOND}: created" in out
    assert_tree_sound()


def test_missing_path_is_reported_and_the_rest_still_imports():
    _, err, failure = import_failing(SEEDS / FIRST, "/nonexistent/seeds")
    assert err == "/nonexistent/seeds: no such file or folder\n"
    assert "1 of 2 seed paths failed" in str(failure)
    assert Article.objects.get().source_name == FIRST


def test_hidden_files_in_a_folder_are_not_seeds(tmp_path):
    folder = seed_copy(tmp_path, SECOND)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    _, err = import_seeds(folder)
    assert err == ""
    assert Article.objects.count() == 1


def test_symbolic_link_in_a_seeds_folder_is_refused_naming_the_link(tmp_path):
    folder = seed_copy(tmp_path, SECOND)
    system_file = tmp_path / "system.txt"
    system_file.write_text("root:x:0:0\n\nA file outside the seeds folder.\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(system_file)

    out, err, failure = import_failing(folder)

    assert err == (
        f"passwd.txt: skipped: symbolic link to {system_file}: "
        "seeds are read from regular files only\n"
    )
    assert "1 of 2 seed paths failed" in str(failure)
    assert list(Article.objects.values_list("source_name", flat=True)) == [SECOND]
    assert f"{SECOND}: created" in out


def test_symbolic_link_named_on_the_command_line_is_refused_too(tmp_path):
    link = tmp_path / "seed.txt"
    link.symlink_to(SEEDS / SECOND)

    _, err, _ = import_failing(link)

    assert err.startswith("seed.txt: skipped: symbolic link to ")
    assert Article.objects.count() == 0


def test_file_that_fails_midway_leaves_nothing_behind(monkeypatch):
    def broken(threads):
        Comment.objects.create(article=Article.objects.get(), body="half-written")
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "new_threads", broken)
    with pytest.raises(RuntimeError):
        import_seeds(SEEDS / FIRST)
    assert Article.objects.count() == 0
    assert Comment.objects.count() == 0


def test_thread_too_deep_to_record_its_position_is_a_bad_file(tmp_path):
    folder = tmp_path / "seeds"
    deep = [f"{'  ' * level}1. level {level}" for level in range(1, MAX_SEED_DEPTH + 1)]
    write_seed(folder, "deep.txt", "Deep", "", "Body.", "", f"{MAX_SEED_DEPTH} Comments", "", *deep)
    shutil.copyfile(SEEDS / SECOND, folder / SECOND)

    _, err, _ = import_failing(folder)

    assert err.startswith("deep.txt: skipped: line ")
    assert "nested too deep to import" in err
    assert list(Article.objects.values_list("source_name", flat=True)) == [SECOND]


def test_deep_thread_within_the_limit_imports_as_one_sound_tree(tmp_path, assert_tree_sound):
    depth = 40
    lines = [f"{'  ' * level}1. level {level}" for level in range(1, depth + 1)]
    path = write_seed(tmp_path / "seeds", "deep.txt", "Deep", "", "", "40 Comments", *lines)

    import_seeds(path)

    levels = list(Comment.objects.order_by("lft").values_list("level", "lft", "rght"))
    assert levels == [(n, n + 1, 2 * depth - n) for n in range(depth)]
    assert_tree_sound()


def test_articles_with_the_same_title_get_their_own_slugs(tmp_path):
    folder = tmp_path / "seeds"
    write_seed(folder, "a.txt", "Same Title", "", "A.")
    write_seed(folder, "b.txt", "Same Title", "", "B.")
    import_seeds(folder)
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["same-title", "same-title-2"]


# The command line, as `make run` calls it.


def test_command_line_exits_with_status_1_when_a_file_fails(tmp_path):
    folder = seed_copy(tmp_path, SECOND)
    (folder / "empty.txt").write_bytes(b"")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_SECRET_KEY": "cli-test-key-" + "x" * 40,
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120,
        )

    assert manage("migrate", "--noinput").returncode == 0
    result = manage("import_seeds", str(folder))
    assert result.returncode == 1
    assert "empty.txt: skipped: file is empty" in result.stderr
    assert f"{SECOND}: created" in result.stdout
    again = manage("import_seeds", str(folder / SECOND))
    assert again.returncode == 0
    assert "unchanged" in again.stdout
