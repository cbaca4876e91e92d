"""Files to import: finding them, reading them safely, telling their format
apart, and handing each parser's plain data to ``comments.importing``.

``manage.py import_seeds`` (text dumps) and ``manage.py import_comments``
(text dumps, WordPress and Disqus exports) are thin shells around this.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from articles.disqus_parser import parse_disqus
from articles.models import Article
from articles.seed_parser import MAX_SEED_BYTES, ParsedArticle, ParsedComment, SeedError, parse_seed
from articles.wxr_parser import parse_wxr
from articles.xml_source import SourceArticle, SourceComment, SourceReport
from comments.importing import (
    ArticleSource,
    ImportOutcome,
    ImportRefused,
    article_import,
    articles_import,
)
from comments.models import Comment
from comments.seed_match import ImportNode

FORMATS = ("text", "wxr", "disqus")
_PARSERS = {Comment.Source.WXR: parse_wxr, Comment.Source.DISQUS: parse_disqus}
_ROOT = re.compile(rb"<(?![?!])([\w.:-]+)")
_SNIFFED = 64 * 1024
# An export's articles per transaction, and the comments and bytes of export
# they may hold together.
_BATCH_ARTICLES, _BATCH_COMMENTS, _BATCH_BYTES = 100, 5_000, 4 * 2**20

_Batch = list[tuple[SourceArticle, ArticleSource, list[str]]]


def seed_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Files named, and the files of folders named; links are kept so they are refused by name."""
    files, missing = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if (p.is_symlink() or p.is_file()) and not p.name.startswith(".")
                )
            )
        elif path.is_symlink() or path.is_file():
            files.append(path)
        else:
            missing.append(raw)
    return files, missing


def open_regular(path: Path) -> BinaryIO:
    """The file for reading, never through a symbolic link.

    A link in the seeds folder could publish any file the importer can read
    (/etc/passwd became an article). O_NOFOLLOW refuses a file swapped for a
    link after the check.
    """
    if path.is_symlink():
        raise SeedError(
            f"symbolic link to {os.readlink(path)}: seeds are read from regular files only"
        )
    return open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb")


def read_seed(path: Path) -> bytes:
    """A text dump's bytes; the size comes from the file actually opened."""
    with open_regular(path) as file:
        size = os.fstat(file.fileno()).st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(f"file is {size:,} bytes; the limit is {MAX_SEED_BYTES:,}")
        return file.read()


def sniff(path: Path) -> str:
    """The file's format by its content: an XML export by its root element, else text."""
    with open_regular(path) as file:
        head = file.read(_SNIFFED)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return Comment.Source.TEXT
    root = _ROOT.search(head)
    name = root[1].decode("ascii", "replace").rsplit(":", 1)[-1] if root else ""
    if name == "rss":
        return Comment.Source.WXR
    if name == "disqus":
        return Comment.Source.DISQUS
    raise SeedError(
        f"not a format this imports: XML whose root is <{name or '?'}> (a WordPress export "
        "is <rss>, a Disqus export <disqus>)"
    )


def text_import(path: Path, *, dry_run: bool) -> tuple[ParsedArticle, ImportOutcome]:
    raw = read_seed(path)
    parsed = parse_seed(raw)
    source = ArticleSource(
        source_name=path.name,
        raw=raw,
        title=parsed.title,
        byline=parsed.byline,
        paragraphs=parsed.paragraphs,
        declared_count=parsed.declared_count,
        threads=import_nodes(parsed.comments),
        published=parsed.published,
    )
    return parsed, article_import(source, dry_run=dry_run)


def export_import(
    path: Path, source_format: str, report: SourceReport, *, dry_run: bool
) -> Iterator[tuple[SourceArticle, ImportOutcome, list[str]]]:
    """Each article of an export as it is imported, with the parser's warnings
    up to it (taken from ``report``).

    Articles go in batches, one transaction each (a commit per article cost
    more than the rest of the import): a file found bad part way keeps the
    articles before the fault, whose batch is imported before the error is
    raised again.
    """
    batch: _Batch = []
    with open_regular(path) as file:
        try:
            for article in _PARSERS[source_format](file, report):
                source = ArticleSource(
                    source_name=_article_name(article.key),
                    raw=article.raw,
                    title=article.title,
                    byline=article.byline,
                    paragraphs=article.paragraphs,
                    threads=source_nodes(article.comments),
                    source_url=article.url,
                    published=article.published,
                    content_hash=article.fingerprint(),
                )
                if not _joins(batch, source):
                    yield from _batch_import(batch, path, source_format, dry_run=dry_run)
                    batch = []
                notes, report.warnings = report.warnings, []
                batch.append((article, source, notes))
        except (SeedError, ImportRefused, OSError):
            yield from _batch_import(batch, path, source_format, dry_run=dry_run)
            raise
    yield from _batch_import(batch, path, source_format, dry_run=dry_run)


def _joins(batch: _Batch, source: ArticleSource) -> bool:
    """Whether ``source`` may go in ``batch``: a batch is bounded (so is the
    memory it holds) and never names an article twice, so that a later
    source naming it sees what the earlier one wrote."""
    if batch and (
        len(batch) >= _BATCH_ARTICLES
        or sum(s.count for _, s, _ in batch) + source.count > _BATCH_COMMENTS
        or sum(len(s.raw) for _, s, _ in batch) + len(source.raw) > _BATCH_BYTES
    ):
        return False
    url = source.source_url
    return not any(
        s.source_name == source.source_name or (url and s.source_url == url) for _, s, _ in batch
    )


def _batch_import(
    batch: _Batch,
    path: Path,
    source_format: str,
    *,
    dry_run: bool,
) -> Iterator[tuple[SourceArticle, ImportOutcome, list[str]]]:
    if not batch:
        return
    outcomes = articles_import(
        [source for _, source, _ in batch],
        dry_run=dry_run,
        source_format=source_format,
        file_name=path.name,
    )
    for (article, _, notes), outcome in zip(batch, outcomes, strict=True):
        yield article, outcome, notes


def _article_name(key: str) -> str:
    limit = Article._meta.get_field("source_name").max_length
    if len(key) <= limit:
        return key
    # Cut short, two long permalinks could name one article.
    return f"{key.split(':', 1)[0]}:{hashlib.sha256(key.encode()).hexdigest()}"


def import_nodes(comments: list[ParsedComment]) -> list[ImportNode]:
    """The parser's comments as the importer's plain nodes (the parser caps their depth)."""
    return [
        ImportNode(
            key=c.key,
            body=c.body,
            author=c.author,
            line=c.line,
            hold_reason=c.hold_reason,
            replies=import_nodes(c.replies),
            created=c.created,
        )
        for c in comments
    ]


def source_nodes(comments: list[SourceComment]) -> list[ImportNode]:
    """An export's comments, keyed by their ids (the parser caps their depth)."""
    return [
        ImportNode(
            key=c.key,
            body=c.body,
            author=c.author,
            line=c.line,
            hold_reason=c.reason,
            replies=source_nodes(c.replies),
            keyed=True,
            status=c.status,
            created=c.created,
            email=c.email,
            ip=c.ip,
        )
        for c in comments
    ]
