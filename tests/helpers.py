"""Small builders that make a test read like the thread it sets up."""

from __future__ import annotations

import itertools
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from comments import posting
from comments.models import Comment

_counter = itertools.count(1)

# For what one database has and the other has not; the reason shows in the
# summary, so a run on one database says what it left to the other.
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite only; DATABASE_URL names PostgreSQL"
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
)


def make_article(**fields) -> Article:
    n = next(_counter)
    defaults = {"title": f"Article {n}", "slug": f"article-{n}", "body": "First.\n\nSecond."}
    return Article.objects.create(**{**defaults, **fields})


def post(article, parent=None, body=None, *, author="Reader", **fields) -> Comment:
    """Post through the service, as the site does."""
    return posting.comment_create(
        article=article,
        parent=parent,
        body=body or f"Comment {next(_counter)}",
        author_name=author,
        **fields,
    )


def create_tree(article=None, spec=None) -> SimpleNamespace:
    """Build a named thread and return its nodes by name.

    ``spec`` maps a name to its replies' spec, e.g. the default::

        {"root": {"child1": {"grandchild": {}}, "child2": {}}, "other": {}}
    """
    article = article or make_article()
    spec = (
        spec
        if spec is not None
        else {"root": {"child1": {"grandchild": {}}, "child2": {}}, "other": {}}
    )
    nodes = {"article": article}
    stack = [(name, replies, None) for name, replies in reversed(spec.items())]
    while stack:
        name, replies, parent = stack.pop()
        node = post(article, parent, body=f"{name} says hello", author=name)
        nodes[name] = node
        stack.extend((child, grand, node) for child, grand in reversed(replies.items()))
    return SimpleNamespace(**nodes)


def import_seeds(*paths, **options) -> tuple[str, str]:
    """Run the import_seeds command; return what it wrote to stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def write_seed(folder: Path, name: str, *lines: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
