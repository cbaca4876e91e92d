"""Text dumps from themes that print who wrote a comment and when."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from articles.dump_meta import dump_date
from articles.models import Article
from articles.seed_parser import parse_seed
from comments.models import Comment

DUMP = """Harbour reopens

Posted on July 10, 2017 by Jane Roe

The harbour reopened on Monday.

2 responses to “Harbour reopens”

  1. Ann Lee says:
     July 11, 2017 at 3:42 pm

     Good news.

     Reply
    1. Bob says:
       11/07/2017 15:50

       Agreed.

       Log in to Reply
  2. The minister says:

     nothing at all.

     Report comment

Leave a Reply
"""


def test_author_and_date_lines_fill_in_the_comment_and_the_theme_links_stay_out_of_the_body():
    article = parse_seed(DUMP.encode())
    ann, bob, minister = article.walk()
    assert (ann.author, ann.created, ann.body) == (
        "Ann Lee", datetime(2017, 7, 11, 15, 42, tzinfo=UTC), "Good news."
    )
    assert (bob.author, bob.created, bob.body) == (
        "Bob", datetime(2017, 7, 11, 15, 50, tzinfo=UTC), "Agreed."
    )
    assert (minister.author, minister.created, minister.body) == (
        "The minister", None, "nothing at all."
    )


def test_the_article_date_line_gives_its_date_and_byline_and_leaves_the_body():
    article = parse_seed(DUMP.encode())
    assert article.published == datetime(2017, 7, 10, tzinfo=UTC)
    assert article.byline == "Jane Roe"
    assert article.paragraphs == ["The harbour reopened on Monday."]


def test_published_line_after_a_byline_gives_the_date_too():
    article = parse_seed(b"Title\n\nBy Jane Roe\n\nPublished July 10, 2017\n\nBody.\n")
    assert (article.byline, article.published) == ("Jane Roe", datetime(2017, 7, 10, tzinfo=UTC))
    assert article.paragraphs == ["Body."]


def test_says_without_a_date_or_theme_links_is_the_readers_own_text():
    dump = "T\n\nBody.\n\n1 comment\n\n  1. The minister says:\n\n     nothing.\n"
    (comment,) = parse_seed(dump.encode()).comments
    assert (comment.author, comment.created) == (None, None)
    assert comment.body == "The minister says:\n\nnothing."


@pytest.mark.parametrize(
    ("line", "moment"),
    [
        ("July 11, 2017 at 3:42 pm", datetime(2017, 7, 11, 15, 42, tzinfo=UTC)),
        ("Jul 11, 2017 at 12:05 am", datetime(2017, 7, 11, 0, 5, tzinfo=UTC)),
        ("11/07/2017 15:42", datetime(2017, 7, 11, 15, 42, tzinfo=UTC)),
        ("07/25/2017 15:42", datetime(2017, 7, 25, 15, 42, tzinfo=UTC)),
        ("11 July 2017", datetime(2017, 7, 11, tzinfo=UTC)),
        ("2017-07-11 15:42", datetime(2017, 7, 11, 15, 42, tzinfo=UTC)),
        ("July 32, 2017", None),
        ("13:00 pm July 1, 2017", None),
        ("Smarch 1, 2017", None),
        ("Great piece, 2017", None),
    ],
)
def test_dates_read_as_the_themes_print_them_and_nothing_else(line, moment):
    assert dump_date(line) == moment


@pytest.mark.django_db
def test_a_dated_dump_imports_its_dates_and_one_without_keeps_none(tmp_path):
    (tmp_path / "dated.txt").write_text(DUMP)
    (tmp_path / "plain.txt").write_text("Plain\n\nBody.\n\n1 comment\n\n  1. Just text.\n")
    call_command("import_comments", str(tmp_path), stdout=StringIO())
    dated = Article.objects.get(source_name="dated.txt")
    assert dated.created == datetime(2017, 7, 10, tzinfo=UTC)
    ann = Comment.objects.get(author_name="Ann Lee")
    assert ann.created == datetime(2017, 7, 11, 15, 42, tzinfo=UTC) and not ann.date_unknown
    assert Comment.objects.get(author_name="The minister").date_unknown
    plain = Comment.objects.get(article__source_name="plain.txt")
    assert plain.date_unknown and plain.import_format == "text"


@pytest.mark.django_db
def test_the_seeds_read_as_before(client):
    call_command("import_seeds", stdout=StringIO())
    assert not Comment.objects.filter(date_unknown=False).exists()
    assert Comment.objects.filter(author_name__endswith="says:").count() == 0
    page = client.get(Article.objects.first().get_absolute_url()).content.decode()
    assert "From the original page</span>" in page
