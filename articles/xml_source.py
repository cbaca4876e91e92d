"""What the XML export parsers share: defused streaming with line numbers, the
plain articles and comments they hand over, and building a thread from parent ids.

Pure Python, as ``articles.seed_parser`` is: no Django, so the parsers can be
fuzzed on their own. A parser raises ``SourceError`` (a ``SeedError``) for a
file it cannot read, and nothing else.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError, iterparse

from articles.seed_comments import MAX_SEED_DEPTH, SeedError
from newsroom.text import clean_text

# The statuses an export can give a comment besides published, each with the
# reason the queue shows. A re-import tells these from a moderator's decision.
SOURCE_REASONS = {
    "Awaiting moderation in the WordPress export.": "pending",
    "Marked as spam in the WordPress export.": "spam",
    "In the WordPress trash when exported.": "removed",
    "Deleted in the Disqus export.": "removed",
    "Marked as spam in the Disqus export.": "spam",
}
# C1 controls are allowed in XML 1.0 and are invisible on a page.
_CONTROLS = re.compile("[\x7f-\x9f]")


class SourceError(SeedError):
    """The export cannot be read; the message says why."""


@dataclass(slots=True)
class SourceComment:
    key: str  # the export's own id
    parent_key: str | None
    body: str
    author: str | None
    email: str
    ip: str | None
    created: datetime | None
    status: str  # a Comment.Status value
    reason: str | None
    line: int
    replies: list[SourceComment] = field(default_factory=list)


@dataclass
class SourceArticle:
    key: str  # identifies the article across runs, e.g. "wxr:https://site/?p=12"
    title: str
    byline: str | None
    published: datetime | None
    paragraphs: list[str]
    url: str
    raw: bytes  # the export's own markup for the article, kept verbatim
    line: int
    comments: list[SourceComment]

    def walk(self) -> Iterator[SourceComment]:
        stack = list(reversed(self.comments))
        while stack:
            comment = stack.pop()
            yield comment
            stack.extend(reversed(comment.replies))

    def fingerprint(self) -> str:
        """A digest of everything imported from it: equal exports give equal ones."""
        digest = hashlib.sha256()
        head = (self.title, self.byline, self.published, self.paragraphs, self.url)
        digest.update(repr(head).encode())
        for c in self.walk():
            row = (c.key, c.parent_key, c.body, c.author, c.email, c.ip, c.created, c.status)
            digest.update(repr(row).encode())
        return digest.hexdigest()


@dataclass
class SourceReport:
    """What a parser noticed about the whole file as it streamed."""

    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


class _Lined(ET.Element):
    """An element that knows the line it starts on, for warnings."""


class _Builder(ET.TreeBuilder):
    def __init__(self):
        super().__init__(element_factory=_Lined)
        self.expat = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        # Read while expat is at this tag: iterparse's events come a chunk later.
        element.line = self.expat.CurrentLineNumber
        return element


def stream(source: BinaryIO) -> Iterator[tuple[str, ET.Element]]:
    """``("start" | "end", element)`` events of a file, refusing what defusedxml refuses."""
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        yield from iterparse(source, events=("start", "end"), parser=parser)
    except EntitiesForbidden as exc:
        raise SourceError(
            f"the file declares the XML entity {exc.name!r}: refused, as entities can read "
            "files from the server or expand without bound"
        ) from None
    except ExternalReferenceForbidden:
        raise SourceError("the file refers to an external XML entity: refused") from None
    except DTDForbidden:
        raise SourceError("the file has a DTD: refused") from None
    except ParseError as exc:
        raise SourceError(f"malformed XML: {exc}") from None
    except (LookupError, ValueError) as exc:
        # expat's answers to an encoding it cannot read (unknown, or multi-byte).
        raise SourceError(f"the XML declares an encoding this cannot read: {exc}") from None


def text_of(element: ET.Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return _CONTROLS.sub("", clean_text(element.text)).strip()


def known_ip(raw: str) -> str | None:
    """The address if it is one (the database checks nothing on a bulk insert)."""
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def build_threads(
    comments: list[SourceComment], warnings: list[str], what: str = "comment"
) -> list[SourceComment]:
    """Nest comments by their parent ids, in the export's order.

    A later comment with an id already seen is left out. A comment whose
    parent the export does not hold, or that would answer itself through a
    loop of parents, starts a thread of its own and is reported. A thread
    nested deeper than a seed file may nest is refused.
    """
    by_key: dict[str, SourceComment] = {}
    for c in comments:
        if c.key in by_key:
            warnings.append(f"line {c.line}: a second {what} {c.key}: skipped")
        else:
            by_key[c.key] = c
    roots: list[SourceComment] = []
    for c in by_key.values():
        parent = by_key.get(c.parent_key) if c.parent_key else None
        if c.parent_key and parent is None:
            warnings.append(
                f"line {c.line}: {what} {c.key} answers {c.parent_key}, which the export "
                "does not hold: imported as a thread of its own"
            )
        (parent.replies if parent is not None else roots).append(c)
    reached = _depth_checked(roots)
    for c in by_key.values():
        if c.key not in reached:
            warnings.append(
                f"line {c.line}: {what} {c.key} answers itself through its parents: "
                "imported as a thread of its own"
            )
            parent = by_key[c.parent_key]
            parent.replies.remove(c)
            roots.append(c)
            reached |= _depth_checked([c])
    return roots


def _depth_checked(roots: list[SourceComment]) -> set[str]:
    reached: set[str] = set()
    stack = [(c, 1) for c in roots]
    while stack:
        comment, depth = stack.pop()
        if depth > MAX_SEED_DEPTH:
            raise SourceError(
                f"line {comment.line}: replies nested deeper than {MAX_SEED_DEPTH} levels"
            )
        reached.add(comment.key)
        stack.extend((reply, depth + 1) for reply in comment.replies if reply.key not in reached)
    return reached
