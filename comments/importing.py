"""Importing an article and its threads from plain data (``ImportNode`` trees),
idempotently: the use case behind ``manage.py import_seeds``, which parses the
files and hands over plain data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction

from articles.models import Article
from articles.services import article_upsert, source_fields
from comments.import_trees import comments_reimport, threads_import
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


def article_import(
    *,
    source_name: str,
    raw: bytes,
    title: str,
    byline: str | None,
    paragraphs: list[str],
    declared_count: int | None,
    threads: Sequence[ImportNode],
    dry_run: bool = False,
    source_format: str = Comment.Source.TEXT,
    file_name: str | None = None,
    source_url: str = "",
    published: datetime | None = None,
    content_hash: str | None = None,
) -> ImportOutcome:
    """Create or refresh the article a source describes, with its threads.

    ``source_name`` identifies the article: a seed file's name, or an
    export's id for it (``file_name`` then names the export, for the
    comments' provenance). An unchanged source (same ``content_hash``, by
    default the file's SHA-256) changes nothing; a changed one updates the
    article and merges its comments (``comments.import_trees.comments_reimport``).
    An export's article not seen before may be one another source made,
    found by ``source_url``: its comments are merged in, its text left as it is.
    Comments posted on the site are never touched. Raises ImportRefused for
    threads whose positions cannot be recorded.
    """
    found = _count_fitting(threads, Comment._meta.get_field("import_key").max_length)
    fields = source_fields(
        raw=raw, title=title, byline=byline, paragraphs=paragraphs, declared_count=declared_count
    )
    fields["source_url"] = fit(Article, "source_url", source_url)
    if content_hash:
        fields["content_hash"] = content_hash
    if published:
        fields["created"] = published
    file_name = file_name or source_name
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # An import can always be run again, so its commit need not wait
                # for the disk: a crash loses the last imports, never consistency.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # Not the article's row lock: a reply holds its thread's lock and then
        # bumps the article's discussion version, so the article row is
        # written last, after the threads' locks.
        name_lock(Namespace.SEED_FILE, source_name)
        articles = Article.objects.defer("source_text")
        article = articles.filter(source_name=source_name).first()
        foreign = None
        if article is None and source_url and source_format != Comment.Source.TEXT:
            foreign = articles.filter(source_url=source_url).order_by("pk").first()
        if article is not None and article.content_hash == fields["content_hash"]:
            return ImportOutcome("unchanged", article)
        if dry_run:
            action = "would update" if article or foreign else "would create"
            return ImportOutcome(action, article or foreign, imported=found)
        merge = {"source_name": file_name, "source_format": source_format}
        if article is None and foreign is None:
            article = article_upsert(article=None, source_name=source_name, fields=fields)
            created = threads_import(article=article, threads=threads, **merge)
            return ImportOutcome("created", article, imported=len(created))
        report = comments_reimport(article=article or foreign, threads=threads, **merge)
        if article is not None:
            article_upsert(article=article, source_name=source_name, fields=fields)
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
