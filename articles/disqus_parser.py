"""Disqus export files (``<disqus>`` with ``<thread>`` and ``<post>`` elements, as
Disqus's export schema describes them) read as ``SourceArticle``s.

Disqus lists every thread, then every post, each post naming its thread and
parent by Disqus id, so the posts are gathered before any thread is handed
over: memory grows with the posts (their text), not with the whole markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from articles.html_text import html_paragraphs, html_text
from articles.xml_source import (
    SourceArticle,
    SourceComment,
    SourceError,
    SourceReport,
    build_threads,
    known_ip,
    stream,
    text_of,
)

_D = "{http://disqus.com}"
_DSQ_ID = "{http://disqus.com/disqus-internals}id"


def parse_disqus(source: BinaryIO, report: SourceReport) -> Iterator[SourceArticle]:
    """Each thread that has posts; a post whose thread is missing is skipped and
    reported, one whose parent is missing starts a thread of its own."""
    root = None
    depth = 0
    threads: dict[str, SourceArticle] = {}
    posts: dict[str, list[SourceComment]] = defaultdict(list)
    for event, element in stream(source):
        if event == "start":
            depth += 1
            if root is None:
                if element.tag != f"{_D}disqus":
                    raise SourceError(f"not a Disqus export: it opens with <{element.tag}>")
                root = element
            continue
        depth -= 1
        if depth != 1:
            continue
        if element.tag == f"{_D}thread":
            thread_id, thread = _thread(element)
            threads.setdefault(thread_id, thread)
        elif element.tag == f"{_D}post":
            thread_id, post = _post(element, report)
            posts[thread_id].append(post)
        root.remove(element)
    if root is None:
        raise SourceError("not a Disqus export: the file holds no XML element")
    for thread_id, comments in posts.items():
        if thread_id not in threads:
            report.skipped += len(comments)
            report.warnings += [
                f"line {c.line}: post {c.key} belongs to thread {thread_id}, which the "
                "export does not hold: skipped"
                for c in comments
            ]
    for thread_id, thread in threads.items():
        comments = posts.pop(thread_id, None)
        if comments:
            thread.comments = build_threads(comments, report.warnings, "post")
            yield thread


def _thread(element: ET.Element) -> tuple[str, SourceArticle]:
    key = _dsq_id(element, "<thread>")
    title = text_of(element.find(f"{_D}title"))
    link = text_of(element.find(f"{_D}link"))
    author = element.find(f"{_D}author")
    raw = ET.tostring(element, encoding="utf-8")
    return key, SourceArticle(
        key=f"disqus:{text_of(element.find(f'{_D}forum'))}:{key}",
        title=title or link or f"Thread {key}",
        byline=text_of(author.find(f"{_D}name")) or None if author is not None else None,
        published=_moment(text_of(element.find(f"{_D}createdAt"))),
        paragraphs=html_paragraphs(text_of(element.find(f"{_D}message"))),
        url=link,
        raw=raw,
        line=element.line,
        comments=[],
    )


def _post(element: ET.Element, report: SourceReport) -> tuple[str, SourceComment]:
    key = _dsq_id(element, "<post>")
    thread = element.find(f"{_D}thread")
    if thread is None or not thread.get(_DSQ_ID):
        raise SourceError(f"line {element.line}: <post> {key} names no thread")
    parent = element.find(f"{_D}parent")
    author = element.find(f"{_D}author")
    if text_of(element.find(f"{_D}isSpam")) == "true":
        status, reason = "spam", "Marked as spam in the Disqus export."
    elif text_of(element.find(f"{_D}isDeleted")) == "true":
        status, reason = "removed", "Deleted in the Disqus export."
    else:
        status, reason = "published", None
    body = html_text(text_of(element.find(f"{_D}message")))
    if not body and status == "published":
        report.warnings.append(f"line {element.line}: post {key} has no text")
    created = text_of(element.find(f"{_D}createdAt"))
    comment = SourceComment(
        key=key,
        parent_key=parent.get(_DSQ_ID) if parent is not None else None,
        body=body,
        author=_author(author, "name"),
        email=_author(author, "email") or "",
        ip=known_ip(text_of(element.find(f"{_D}ipAddress"))),
        created=_moment(created),
        status=status,
        reason=reason,
        line=element.line,
    )
    if created and comment.created is None:
        report.warnings.append(f"line {element.line}: post {key} has an unreadable date")
    return thread.get(_DSQ_ID), comment


def _author(author: ET.Element | None, field: str) -> str | None:
    return text_of(author.find(f"{_D}{field}")) or None if author is not None else None


def _dsq_id(element: ET.Element, where: str) -> str:
    key = (element.get(_DSQ_ID) or "").strip()
    if not key:
        raise SourceError(f"line {element.line}: {where} without dsq:id")
    return key


def _moment(value: str) -> datetime | None:
    """Disqus's ``2017-07-11T15:42:00Z``."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
