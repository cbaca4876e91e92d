"""import_seeds against broken and hostile files: a clear error or a correct import,
never a crash, never half an article."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from articles.seed_parser import MAX_SEED_BYTES, MAX_SEED_DEPTH, parse_seed
from comments.integrity import check_tree
from comments.models import Comment

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
TRUNCATIONS_PER_SEED = 40


def run_import(*paths: Path) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_seeds", *map(str, paths), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def assert_refused_whole(path: Path, err: str, error: CommandError | None, reason: str) -> None:
    """One stderr line names the file and the reason; nothing of it reached the database."""
    assert error is not None and error.returncode == 1
    assert f"{path.name}: skipped: " in err and reason in err, err
    assert not Article.objects.filter(source_name=path.name).exists()


def assert_imported_whole(path: Path) -> None:
    """The article holds exactly the comments the parser found, in sound trees."""
    article = Article.objects.get(source_name=path.name)
    parsed = parse_seed(path.read_bytes())
    assert article.title == parsed.title
    assert article.comments.count() == parsed.found_count
    assert check_tree(Comment.objects.filter(article=article)) == []


def deep_thread(levels: int) -> str:
    # Tabs count as four columns, two levels each: the shortest way to nest deep.
    lines = [
        "\t" * (level // 2) + " " * (2 * (level % 2)) + f"1. level {level}"
        for level in range(1, levels + 1)
    ]
    return "\n".join(["Deep", "", "Body.", "", f"{levels} Comments", "", *lines, ""])


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name)
def test_seed_truncated_anywhere_imports_whole_or_is_refused_whole(seed, tmp_path):
    raw = seed.read_bytes()
    step = max(1, len(raw) // TRUNCATIONS_PER_SEED)
    outcomes = set()
    for cut in range(1, len(raw), step):
        path = tmp_path / f"cut-{cut:06d}.txt"
        path.write_bytes(raw[:cut])
        comments_before = Comment.objects.count()
        __, err, error = run_import(path)
        if error is None:
            assert_imported_whole(path)
            outcomes.add("imported")
        else:
            assert_refused_whole(path, err, error, "")
            assert Comment.objects.count() == comments_before
            outcomes.add("refused")
    assert "imported" in outcomes


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name)
def test_truncated_version_of_an_imported_seed_keeps_every_comment(seed, tmp_path):
    path = tmp_path / seed.name
    path.write_bytes(seed.read_bytes())
    run_import(path)
    before = set(Comment.objects.values_list("pk", flat=True))
    raw = seed.read_bytes()
    path.write_bytes(raw[: raw.rindex(b"\n", 0, len(raw) * 2 // 3)])
    __, err, error = run_import(path)
    assert error is None, err
    # The cut comment's text follows the file; no comment is dropped.
    assert before <= set(Comment.objects.values_list("pk", flat=True))
    assert check_tree() == []


def test_fifty_megabyte_file_is_refused_unread_and_the_others_still_import(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as out:
        out.write(b"A title\n\n")
        out.truncate(50 * 1024 * 1024)
    good = tmp_path / SEED_FILES[0].name
    good.write_bytes(SEED_FILES[0].read_bytes())
    __, err, error = run_import(huge, good)
    assert_refused_whole(huge, err, error, f"the limit is {MAX_SEED_BYTES:,}")
    assert_imported_whole(good)


def test_file_of_one_title_line_imports_as_an_article_without_body_or_comments(tmp_path):
    path = tmp_path / "title.txt"
    path.write_text("Only a title\n", encoding="utf-8")
    __, err, error = run_import(path)
    assert error is None, err
    article = Article.objects.get(source_name="title.txt")
    assert (article.title, article.body, article.comments.count()) == ("Only a title", "", 0)


def test_file_of_one_title_line_without_a_newline_imports_the_same(tmp_path):
    path = tmp_path / "title.txt"
    path.write_bytes(b"Only a title")
    __, err, error = run_import(path)
    assert error is None, err
    assert Article.objects.get(source_name="title.txt").title == "Only a title"


def test_one_endless_line_is_refused_as_having_no_title(tmp_path):
    path = tmp_path / "endless.txt"
    path.write_text("x" * 100_000, encoding="utf-8")
    __, err, error = run_import(path)
    assert_refused_whole(path, err, error, "no title")


def test_ten_thousand_nested_levels_are_refused_whole(tmp_path):
    path = tmp_path / "deep.txt"
    path.write_text(deep_thread(10_000), encoding="utf-8")
    __, err, error = run_import(path)
    # Ten thousand levels of indentation cannot fit under the size limit.
    assert path.stat().st_size > MAX_SEED_BYTES
    assert_refused_whole(path, err, error, "the limit is")
    assert Comment.objects.count() == 0


@pytest.mark.timeout(30)
def test_thousands_of_nested_levels_within_the_size_limit_are_refused_quickly(tmp_path):
    path = tmp_path / "deep.txt"
    path.write_text(deep_thread(5_000), encoding="utf-8")
    assert path.stat().st_size < MAX_SEED_BYTES
    __, err, error = run_import(path)
    assert_refused_whole(path, err, error, f"line {MAX_SEED_DEPTH + 7}:")
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "bad", [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"],
    ids=["ff", "lone lead byte", "surrogate", "beyond U+10FFFF", "overlong slash"],
)
def test_invalid_utf8_in_the_middle_is_refused_whole_with_its_offset(tmp_path, bad):
    raw = SEED_FILES[0].read_bytes()
    middle = raw.index(b"\n", len(raw) // 2) + 1
    path = tmp_path / "broken.txt"
    path.write_bytes(raw[:middle] + bad + raw[middle:])
    __, err, error = run_import(path)
    assert_refused_whole(path, err, error, f"not valid UTF-8 (bad byte at offset {middle}")
    assert Comment.objects.count() == 0
