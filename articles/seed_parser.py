"""Parse plain-text dumps of article pages into articles and comment trees.

Pure Python on purpose: no Django imports, so the parser can be tested and
fuzzed on its own. ``parse_seed`` either returns a ``ParsedArticle`` or raises
``SeedError``; it never raises anything else.

The dump family (see README, "Seed format"): a title line, an optional byline,
body paragraphs, an optional comment section opened by a header such as
``8 responses to “Title”``, comments as list items indented two spaces per
level, and page furniture such as ``Leave a Reply`` at the end.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import datetime

from articles.dump_meta import article_date
from articles.seed_comments import (
    BULLET,
    FORM_TRAILER,
    LOST_TEXT_REASON,
    MAX_SEED_DEPTH,
    NUMBERED,
    CommentsReader,
    ParsedComment,
    SeedError,
    join_paragraphs,
)
from newsroom.text import clean_text

__all__ = [
    "LOST_TEXT_REASON",
    "MAX_SEED_BYTES",
    "MAX_SEED_DEPTH",
    "ParsedArticle",
    "ParsedComment",
    "SeedError",
    "decode_seed",
    "parse_seed",
]

MAX_SEED_BYTES = 16 * 1024 * 1024

_WORD_NUMBERS = {
    "no": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
# At most nine digits: a count the page could have shown, and one an integer column holds.
_HEADER = re.compile(
    r"^(?P<count>\d{1,3}(?:,\d{3}){1,2}|\d{1,9}|" + "|".join(_WORD_NUMBERS) + r")\s+"
    r"(?:responses?|thoughts?|comments?|replies|reply)"
    r"(?:\s+(?:to|on)\s+\S.*|\s*(?:…|\.\.\.)\s*add\s+one|\s*:?)$",
    re.IGNORECASE,
)
# "By" opens the line or is glued to text in front (image alt text, as in
# "MosulBy Ishaan Tharoor"); after a single space it is a sentence's "By".
_BYLINE = re.compile(
    r"(?:^|(?<=\S)|(?<=\s\s))By\s+"
    r"(?P<name>[A-Z][\w.'\u2019-]*(?:(?:\s+|,\s*)(?:and\s+)?[\w.'\u2019-]+){0,6})\s*$"
)
# Only real line ends: str.splitlines() also breaks at form feeds and U+2028,
# which would move the rest of a line out of the comment it belongs to.
_LINE_END = re.compile(r"\r\n|\r|\n")
# Unicode's control characters (category Cc) but tab, line feed, form feed and
# carriage return; one regex pass, where a Python loop took 1.6 s on 16 MB.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass
class ParsedArticle:
    title: str
    byline: str | None
    paragraphs: list[str]
    declared_count: int | None
    comments: list[ParsedComment]
    warnings: list[str]
    # From a line such as "Posted on July 10, 2017 by …", if the page had one.
    published: datetime | None = None

    def walk(self):
        """Yield every comment, parents before their replies, in thread order."""
        stack = list(reversed(self.comments))
        while stack:
            comment = stack.pop()
            yield comment
            stack.extend(reversed(comment.replies))

    @property
    def found_count(self) -> int:
        return sum(1 for _ in self.walk())


def decode_seed(data: bytes) -> str:
    """Decode raw bytes of a dump, refusing what is not a text dump."""
    if len(data) > MAX_SEED_BYTES:
        raise SeedError(f"file is {len(data):,} bytes; the limit is {MAX_SEED_BYTES:,}")
    if not data.strip():
        raise SeedError("file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SeedError("file is UTF-16 text; seeds must be UTF-8")
    if b"\x00" in data:
        raise SeedError("file looks binary (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SeedError(f"file is not valid UTF-8 (bad byte at offset {exc.start})") from None
    controls = _CONTROLS.subn("", text)[1]
    if controls > max(8, len(text) // 100):
        raise SeedError("file looks binary (too many control characters)")
    return text


def parse_seed(data: bytes | str) -> ParsedArticle:
    text = decode_seed(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    lines = [line.expandtabs(4).rstrip() for line in _LINE_END.split(clean_text(text))]
    return _Parser(lines).parse()


class _Parser(CommentsReader):
    def parse(self) -> ParsedArticle:
        lines = self.lines
        starts = [i for i, line in enumerate(lines) if line.strip()]
        if not starts:
            raise SeedError("file has no text")
        title_at = starts[0]
        title = lines[title_at].strip()
        if len(title) > 300:
            raise SeedError(f"no title: the first line is {len(title):,} characters long")
        if FORM_TRAILER.match(title) or (
            _HEADER.match(lines[title_at]) and self._opens_comments(title_at)
        ):
            raise SeedError(f"no title: the file opens with {title!r}")
        if lines[title_at][0].isspace() and (NUMBERED.match(title) or BULLET.match(title)):
            raise SeedError(f"no title: the file opens with a list item, {title!r}")

        header_at = self._find_header(title_at + 1)
        body_end = header_at if header_at is not None else self._form_trailer_at(title_at + 1)
        body_lines = lines[title_at + 1 : body_end]
        published, body_lines = _take_date(body_lines)
        byline, body_lines = self._take_byline(body_lines, title_at + 1)
        if published is None:
            published, body_lines = _take_date(body_lines)
        body = join_paragraphs("\n".join(x.strip() for x in body_lines))
        paragraphs = [p for p in body.split("\n\n") if p]

        declared = None
        comments: list[ParsedComment] = []
        if header_at is not None:
            declared = _count(_HEADER.match(lines[header_at].strip())["count"])
            comments = self._comments(header_at + 1)
        elif body_end < len(lines):
            self._note_furniture(body_end)
        article = ParsedArticle(
            title=title,
            byline=byline,
            paragraphs=paragraphs,
            declared_count=declared,
            comments=comments,
            warnings=self.warnings,
            published=published[0] if published else None,
        )
        if byline is None and published and published[1]:
            article.byline = published[1]
        if declared is not None and declared != article.found_count:
            noun = "comment" if declared == 1 else "comments"
            self.warnings.append(
                f"the page declared {declared} {noun}; the dump holds {article.found_count}"
            )
        return article

    def _find_header(self, start: int) -> int | None:
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            if line and not line[0].isspace() and _HEADER.match(line) and self._opens_comments(i):
                return i
        return None

    def _opens_comments(self, header_at: int) -> bool:
        """A header is followed by indented list items, the form, or nothing.

        Indexed, never sliced: a copy of the rest of the file for every
        header-like line made parsing quadratic (1.2 MB took 47 s). The scan
        stops at the next line of text, so each blank line is read once.
        """
        lines = self.lines
        for i in range(header_at + 1, len(lines)):
            line = lines[i]
            stripped = line.strip()
            if not stripped:
                continue
            if line[0].isspace():
                return bool(NUMBERED.match(stripped) or BULLET.match(stripped))
            return bool(FORM_TRAILER.match(stripped))
        return True

    def _form_trailer_at(self, start: int) -> int:
        for i in range(start, len(self.lines)):
            if FORM_TRAILER.match(self.lines[i]):
                return i
        return len(self.lines)

    def _take_byline(self, body: list[str], offset: int) -> tuple[str | None, list[str]]:
        for i, line in enumerate(body):
            if not line.strip():
                continue
            match = _BYLINE.search(line.strip()) if len(line) <= 200 else None
            if not match:
                return None, body
            lead = line.strip()[: match.start()].strip()
            if lead:
                self.warnings.append(
                    f"line {offset + i + 1}: text before the byline dropped "
                    f"(kept in the source): {lead!r}"
                )
            return match["name"].strip(), body[i + 1 :]
        return None, body

def _take_date(body: list[str]) -> tuple[tuple | None, list[str]]:
    """The article's date line, if the first line of text is one, and the lines after it."""
    for i, line in enumerate(body):
        if line.strip():
            found = article_date(line) if len(line) <= 200 else None
            return (found, body[i + 1 :]) if found else (None, body)
    return None, body


def _count(raw: str) -> int:
    word = raw.lower()
    return _WORD_NUMBERS[word] if word in _WORD_NUMBERS else int(raw.replace(",", ""))
