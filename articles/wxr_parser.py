"""WordPress export files (WXR 1.0 to 1.2, as ``wp-admin/includes/export.php``
writes them) read as ``SourceArticle``s, one post or page at a time.

Streams: each ``<item>`` is read, handed over and dropped before the next, so
memory holds one post with its comments whatever the file's size. Posts and
pages with comments become articles; attachments, menu items and posts
without comments are passed over, and custom fields and terms are ignored.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
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

_WP = "{http://wordpress.org/export/"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_GMT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.ASCII)
_ARTICLE_TYPES = frozenset({"post", "page"})
_PINGS = frozenset({"pingback", "trackback"})
_STATUSES = {
    "1": ("published", None),
    "approve": ("published", None),
    "0": ("pending", "Awaiting moderation in the WordPress export."),
    "hold": ("pending", "Awaiting moderation in the WordPress export."),
    "spam": ("spam", "Marked as spam in the WordPress export."),
    "trash": ("removed", "In the WordPress trash when exported."),
    "post-trashed": ("removed", "In the WordPress trash when exported."),
}


def parse_wxr(source: BinaryIO, report: SourceReport) -> Iterator[SourceArticle]:
    """Each post or page with comments, in the file's order; warnings and skipped
    pingbacks go to ``report``. Raises ``SourceError`` where the file stops
    being a WordPress export (articles before that point were handed over)."""
    ns = None
    site = ""
    authors: dict[str, str] = {}
    channel = None
    root = None
    opened: list[ET.Element] = []  # the elements open around this one
    for event, element in stream(source):
        if event == "start":
            if root is None:
                if element.tag != "rss":
                    raise SourceError(f"not a WordPress export: it opens with <{element.tag}>")
                root = element
            opened.append(element)
            if element.tag == "channel" and channel is None:
                channel = element
            continue
        opened.pop()
        parent = opened[-1] if opened else None
        tag = element.tag
        if tag == "item":
            if ns is None:
                raise SourceError(
                    f"line {element.line}: not a WordPress export: no <wp:wxr_version> "
                    "before the first <item>"
                )
            if parent is not channel:
                raise SourceError(f"line {element.line}: <item> outside the <channel>")
            article = _article(element, ns, site, authors, report)
            channel.remove(element)
            if article is not None:
                yield article
        elif tag.startswith(_WP) and tag.endswith("}wxr_version"):
            ns = tag[: -len("wxr_version")]
        elif ns and tag == f"{ns}base_site_url":
            site = text_of(element).rstrip("/")
        elif ns and tag == f"{ns}author" and parent is not None:
            login = text_of(element.find(f"{ns}author_login"))
            authors[login] = text_of(element.find(f"{ns}author_display_name")) or login
            parent.remove(element)
    if root is None:
        raise SourceError("not a WordPress export: the file holds no XML element")
    if channel is None:
        raise SourceError("not a WordPress export: no <channel>")
    if ns is None:
        raise SourceError("not a WordPress export: no <wp:wxr_version>")


def _article(
    item: ET.Element, ns: str, site: str, authors: dict[str, str], report: SourceReport
) -> SourceArticle | None:
    if text_of(item.find(f"{ns}post_type")) not in _ARTICLE_TYPES:
        return None
    elements = item.findall(f"{ns}comment")
    if not elements:
        return None
    post_id = _required(item, f"{ns}post_id", "<item>")
    comments = []
    for element in elements:
        comment = _comment(element, ns, report)
        if comment is not None:
            comments.append(comment)
    title = text_of(item.find("title"))
    if not title:
        title = f"Post {post_id}"
        report.warnings.append(f"line {item.line}: post {post_id} has no title: {title!r}")
    creator = text_of(item.find(_CREATOR))
    content = item.find(_CONTENT)
    return SourceArticle(
        key=f"wxr:{site}/?p={post_id}",
        title=title,
        byline=authors.get(creator, creator) or None,
        published=_gmt(text_of(item.find(f"{ns}post_date_gmt")))
        or _rfc822(text_of(item.find("pubDate")))
        or _gmt(text_of(item.find(f"{ns}post_date"))),
        paragraphs=html_paragraphs(content.text or "" if content is not None else ""),
        url=text_of(item.find("link")),
        raw=ET.tostring(item, encoding="utf-8"),
        line=item.line,
        comments=build_threads(comments, report.warnings),
    )


def _comment(element: ET.Element, ns: str, report: SourceReport) -> SourceComment | None:
    key = _required(element, f"{ns}comment_id", "<wp:comment>")
    if text_of(element.find(f"{ns}comment_type")) in _PINGS:
        report.skipped += 1
        return None
    approved = text_of(element.find(f"{ns}comment_approved"))
    status, reason = _STATUSES.get(approved, _STATUSES["0"])
    if approved not in _STATUSES:
        report.warnings.append(
            f"line {element.line}: comment {key} has status {approved!r}: held for moderation"
        )
    parent = text_of(element.find(f"{ns}comment_parent"))
    body = html_text(text_of(element.find(f"{ns}comment_content")))
    if not body:
        report.warnings.append(f"line {element.line}: comment {key} has no text")
    return SourceComment(
        key=key,
        parent_key=parent if parent not in ("", "0") else None,
        body=body,
        author=text_of(element.find(f"{ns}comment_author")) or None,
        email=text_of(element.find(f"{ns}comment_author_email")),
        ip=known_ip(text_of(element.find(f"{ns}comment_author_IP"))),
        created=_gmt(text_of(element.find(f"{ns}comment_date_gmt")))
        or _gmt(text_of(element.find(f"{ns}comment_date"))),
        status=status,
        reason=reason,
        line=element.line,
    )


def _required(element: ET.Element, tag: str, where: str) -> str:
    value = text_of(element.find(tag))
    if not value:
        name = tag.rsplit("}", 1)[-1]
        raise SourceError(f"line {element.line}: {where} without <wp:{name}>")
    return value


def _gmt(value: str) -> datetime | None:
    """WordPress's ``2017-07-10 12:00:00``; ``0000-00-00 00:00:00`` means none.

    A local time (``comment_date``, only where the GMT one is missing) is
    read as UTC: the export does not say the blog's zone.
    """
    try:
        if _GMT.fullmatch(value):
            # What strptime reads in this exact shape, a tenth of the time.
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _rfc822(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
