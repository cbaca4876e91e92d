"""Writes to articles: creating and re-importing them from seed dumps."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.text import slugify

from articles.models import Article
from articles.seed_parser import ParsedArticle, SeedError
from comments.models import Comment
from comments.seed_import import comments_reimport, threads_import

# Serialises imports of one seed file on PostgreSQL (SQLite's IMMEDIATE
# transactions serialise every writer).
_IMPORT_LOCK_NAMESPACE = 0x4E59


@dataclass
class ImportOutcome:
    action: str  # "created", "updated", "unchanged" or "would create"/"would update"
    article: Article | None
    imported: int = 0
    updated: int = 0
    missing: int = 0
    left_alone: int = 0
    held: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100].strip("-") or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _fields(parsed: ParsedArticle, raw: bytes) -> dict:
    return {
        "title": parsed.title[:300],
        "byline": (parsed.byline or "")[:200],
        "body": "\n\n".join(parsed.paragraphs),
        "source_text": raw.decode("utf-8-sig"),
        "content_hash": hashlib.sha256(raw).hexdigest(),
        "declared_comment_count": parsed.declared_count,
    }


def _check_keys_fit(parsed: ParsedArticle) -> None:
    """Refuse a thread whose position keys ("3.1.2") outgrow their column.

    A key cut short would name another place in the file; without this check
    PostgreSQL fails the write and SQLite stores it.
    """
    limit = Comment._meta.get_field("import_key").max_length
    for comment in parsed.walk():
        if len(comment.key) > limit:
            raise SeedError(
                f"line {comment.line}: reply nested too deep to import (its position in the "
                f"thread takes more than {limit} characters to write down)"
            )


def article_import(
    *, source_name: str, raw: bytes, parsed: ParsedArticle, dry_run: bool = False
) -> ImportOutcome:
    """Create or refresh the article a seed file describes, idempotently.

    The seed file name identifies the article. An unchanged file (same hash)
    changes nothing; a changed one updates the article and merges its
    comments by content (``comments.seed_import.comments_reimport``).
    Comments posted on the site are never touched.
    """
    _check_keys_fit(parsed)
    held = [f"{c.key}: {c.hold_reason}" for c in parsed.walk() if c.hold_reason]
    fields = _fields(parsed, raw)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # An import can always be run again, so its commit need not wait
                # for the disk: a crash loses the last imports, never consistency.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
                # Not the article's row lock: a reply holds its thread's lock
                # and then bumps the article's discussion version, so the
                # article row is written last, after the threads' locks.
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                    [_IMPORT_LOCK_NAMESPACE, source_name],
                )
        article = Article.objects.defer("source_text").filter(source_name=source_name).first()
        if article is not None and article.content_hash == fields["content_hash"]:
            return ImportOutcome("unchanged", article)
        if dry_run:
            action = "would update" if article else "would create"
            return ImportOutcome(action, article, imported=parsed.found_count, held=held)
        if article is None:
            article = Article.objects.create(
                source_name=source_name, slug=unique_slug(parsed.title), **fields
            )
            created = threads_import(
                article=article, threads=parsed.comments, source_name=source_name
            )
            return ImportOutcome("created", article, imported=len(created), held=held)
        report = comments_reimport(
            article=article, threads=parsed.comments, source_name=source_name
        )
        for name, value in fields.items():
            setattr(article, name, value)
        # Only what the file gives: a moderator may have closed comments meanwhile.
        article.save(update_fields=[*fields, "updated"])
        return ImportOutcome(
            "updated",
            article,
            imported=report.added,
            updated=report.updated,
            missing=report.missing,
            left_alone=report.left_alone,
            held=held,
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
