"""Importing an article and its threads from plain data (``ImportNode`` trees),
idempotently: the use case behind ``manage.py import_seeds``, which parses the
files and hands over plain data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction

from articles.models import Article
from articles.pagecache import discussions_changed
from articles.services import article_refresh, articles_create, source_fields
from comments.import_layout import maker, new_threads
from comments.import_trees import comments_reimport
from comments.locks import Namespace, name_lock
from comments.models import Comment
from comments.seed_match import ImportNode
from newsroom.text import fit


class ImportRefused(ValueError):
    """The data cannot be imported as it is; the message says why."""


@dataclass
class ImportOutcome:
    action: str  # "created", "updated", "unchanged" or "would create"/"would update"
    article: Article | None
    imported: int = 0
    updated: int = 0
    missing: int = 0
    left_alone: int = 0
    notes: list[str] = field(default_factory=list)


def _count_fitting(threads: Sequence[ImportNode], limit: int) -> int:
    """How many comments ``threads`` hold, refusing a position key ("3.1.2") that
    outgrows its column.

    A key cut short would name another place in the file; without this check
    PostgreSQL fails the write and SQLite stores it. Every level lengthens the
    key, so the check also bounds how deep this recursion goes.
    """
    count = 0
    for node in threads:
        if len(node.key) > limit:
            raise ImportRefused(
                f"line {node.line}: reply nested too deep to import (its position in the "
                f"thread takes more than {limit} characters to write down)"
            )
        count += 1 + _count_fitting(node.replies, limit)
    return count


@dataclass
class ArticleSource:
    """An article as a source describes it, with its threads: what an import takes.

    ``source_name`` identifies the article: a seed file's name, or an
    export's id for it. ``content_hash`` defaults to the SHA-256 of ``raw``.
    Made only for threads whose positions can be recorded: raises
    ImportRefused otherwise, before anything is written.
    """

    source_name: str
    raw: bytes
    title: str
    byline: str | None
    paragraphs: list[str]
    threads: Sequence[ImportNode]
    declared_count: int | None = None
    source_url: str = ""
    published: datetime | None = None
    content_hash: str | None = None
    count: int = field(init=False)

    def __post_init__(self):
        self.count = _count_fitting(self.threads, Comment._meta.get_field("import_key").max_length)

    def fields(self) -> dict[str, object]:
        """The article's columns."""
        fields = source_fields(
            raw=self.raw,
            title=self.title,
            byline=self.byline,
            paragraphs=self.paragraphs,
            declared_count=self.declared_count,
        )
        fields["source_url"] = fit(Article, "source_url", self.source_url)
        if self.content_hash:
            fields["content_hash"] = self.content_hash
        if self.published:
            fields["created"] = self.published
        return fields


def article_import(
    source: ArticleSource, *, dry_run: bool = False, source_format: str = Comment.Source.TEXT
) -> ImportOutcome:
    """One article and its threads, as ``articles_import`` imports them."""
    return articles_import([source], dry_run=dry_run, source_format=source_format)[0]


def articles_import(
    sources: Sequence[ArticleSource],
    *,
    dry_run: bool = False,
    source_format: str = Comment.Source.TEXT,
    file_name: str | None = None,
) -> list[ImportOutcome]:
    """Create or refresh the articles the sources describe, with their threads,
    in one transaction: an outcome for each.

    The sources name different articles (``source_name``, and ``source_url``
    where they have one). ``file_name`` names the export they come from, for
    the comments' provenance (by default each source's own name). An unchanged
    source (same ``content_hash``) changes nothing; a changed one updates the
    article and merges its comments (``comments.import_trees.comments_reimport``).
    An export's article not seen before may be one another source made,
    found by ``source_url``: its comments are merged in, its text left as it is.
    Comments posted on the site are never touched. New articles and their
    threads are inserted in bulk, whatever their number.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # An import can always be run again, so its commit need not wait
                # for the disk: a crash loses the last imports, never consistency.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # Not the articles' row locks: a reply holds its thread's lock and then
        # bumps the article's discussion version, so article rows are
        # written last, after the threads' locks.
        name_lock(Namespace.SEED_FILE, *(s.source_name for s in sources))
        articles = Article.objects.defer("source_text")
        known = articles.in_bulk([s.source_name for s in sources], field_name="source_name")
        urls = {s.source_url for s in sources if s.source_url and s.source_name not in known}
        foreign: dict[str, Article] = {}
        if urls and source_format != Comment.Source.TEXT:
            # The oldest article of a URL is the one its comments join.
            for article in articles.filter(source_url__in=urls).order_by("-pk"):
                foreign[article.source_url] = article
        outcomes: list[ImportOutcome | None] = []
        new: list[tuple[int, ArticleSource, dict]] = []
        for source in sources:
            article = known.get(source.source_name)
            other = foreign.get(source.source_url) if article is None else None
            fields = source.fields()
            if article is not None and article.content_hash == fields["content_hash"]:
                outcomes.append(ImportOutcome("unchanged", article))
            elif dry_run:
                action = "would update" if article or other else "would create"
                outcomes.append(ImportOutcome(action, article or other, imported=source.count))
            elif article is None and other is None:
                new.append((len(outcomes), source, fields))
                outcomes.append(None)
            else:
                name = file_name or source.source_name
                outcomes.append(_merged(article, other, source, fields, name, source_format))
        for index, outcome in _created(new, source_format, file_name):
            outcomes[index] = outcome
    return outcomes


def _created(
    new: list[tuple[int, ArticleSource, dict]], source_format: str, file_name: str | None
) -> list[tuple[int, ImportOutcome]]:
    if not new:
        return []
    made = articles_create([(source.source_name, fields) for _, source, fields in new])
    threads = [
        (maker(article, file_name or source.source_name, source_format), source.threads)
        for article, (_, source, _) in zip(made, new, strict=True)
    ]
    per_article = Counter(c.article_id for c in new_threads(threads))
    if per_article:
        discussions_changed(list(per_article))
    return [
        (index, ImportOutcome("created", article, imported=per_article[article.pk]))
        for article, (index, _, _) in zip(made, new, strict=True)
    ]


def _merged(
    article: Article | None,
    foreign: Article | None,
    source: ArticleSource,
    fields: dict,
    source_name: str,
    source_format: str,
) -> ImportOutcome:
    report = comments_reimport(
        article=article or foreign,
        threads=source.threads,
        source_name=source_name,
        source_format=source_format,
    )
    if article is not None:
        article_refresh(article, fields)
    return ImportOutcome(
        "updated" if report.added or report.updated or article else "unchanged",
        article or foreign,
        imported=report.added,
        updated=report.updated,
        missing=report.missing,
        left_alone=report.left_alone,
        notes=report.notes,
    )


def statistics_refresh() -> None:
    """Bring PostgreSQL's planner statistics and visibility map up to date after imports.

    Its documentation advises it after a bulk load: until autovacuum comes by,
    the planner plans for the tables as they were, and counts read every row
    instead of an index alone (the first page of a 10,000-comment article
    counted its comments in 6 ms instead of 2). VACUUM cannot run inside a
    transaction, so inside one (a caller's atomic block) it is ANALYZE alone.
    SQLite plans well without statistics.
    """
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Article, Comment))
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")
