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
from dataclasses import dataclass, field

from newsroom.text import clean_text

MAX_SEED_BYTES = 16 * 1024 * 1024
# The deepest reply a seed file may nest (a top-level comment is level 1): a
# guard against hostile files. What an import can record is narrower still:
# each position key ("3.1.2") must fit ``Comment.import_key``.
MAX_SEED_DEPTH = 100
LOST_TEXT_REASON = "Text lost to encoding in the dump (only question marks survived)."

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
_FORM_TRAILER = re.compile(r"^Leave an? (?:Reply|Comment)(?: Cancel reply)?$", re.IGNORECASE)
# "By" opens the line or is glued to text in front (image alt text, as in
# "MosulBy Ishaan Tharoor"); after a single space it is a sentence's "By".
_BYLINE = re.compile(
    r"(?:^|(?<=\S)|(?<=\s\s))By\s+"
    r"(?P<name>[A-Z][\w.'\u2019-]*(?:(?:\s+|,\s*)(?:and\s+)?[\w.'\u2019-]+){0,6})\s*$"
)
_NUMBERED = re.compile(r"^(?P<number>\d{1,6})[.)]\s+(?P<text>\S.*)$")
_BULLET = re.compile(r"^[•◦○▪■□‣·*-]\s+(?P<text>\S.*)$")
# Browsers' text dumps draw each nesting level of a bulleted list with its own
# glyph (disc, circle, square); ASCII dashes and stars also start lines of text.
_GLYPH_BULLETS = frozenset("•◦○▪■□‣·")
# Only real line ends: str.splitlines() also breaks at form feeds and U+2028,
# which would move the rest of a line out of the comment it belongs to.
_LINE_END = re.compile(r"\r\n|\r|\n")
_AUTHOR_LINE = re.compile(r"^(?P<name>\S.{0,79}?)\s+Link$")
_LOST_CHARS = frozenset("?\ufffd")
# Unicode's control characters (category Cc) but tab, line feed, form feed and
# carriage return; one regex pass, where a Python loop took 1.6 s on 16 MB.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class SeedError(ValueError):
    """The file cannot be read as a seed dump; the message says why."""


# Slots: a 16 MB file holds over 100,000 comments.
@dataclass(slots=True)
class ParsedComment:
    body: str
    author: str | None
    line: int
    key: str
    hold_reason: str | None = None
    replies: list[ParsedComment] = field(default_factory=list)


@dataclass
class ParsedArticle:
    title: str
    byline: str | None
    paragraphs: list[str]
    declared_count: int | None
    comments: list[ParsedComment]
    warnings: list[str]

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


def _is_lost_text(body: str) -> bool:
    visible = [ch for ch in body if not ch.isspace()]
    return bool(visible) and all(ch in _LOST_CHARS for ch in visible)


class _Item:
    """A comment while it is being read: its raw body lines and open reply list."""

    __slots__ = (
        "key", "last_reply_number", "level", "line", "lines", "marker", "number", "replies",
    )

    def __init__(self, level: int, line: int, key: str, marker: str, first: str):
        self.level = level
        self.line = line
        self.key = key
        self.marker = marker
        self.lines = [first]
        self.replies: list[_Item] = []
        self.number = 0
        self.last_reply_number = 0

    @property
    def body_indent(self) -> int:
        return 2 * self.level + 2

    def build(self, warnings: list[str]) -> ParsedComment:
        author = None
        lines = self.lines
        match = _AUTHOR_LINE.match(lines[0])
        if self.marker != "number" and match and len(lines) > 2 and lines[1] == "":
            author, lines = match["name"].strip(), lines[2:]
        body = _paragraphs("\n".join(lines))
        if not body:
            warnings.append(f"line {self.line}: comment {self.key} has no text")
        hold = LOST_TEXT_REASON if _is_lost_text(body) else None
        return ParsedComment(
            body=body,
            author=author,
            line=self.line,
            key=self.key,
            hold_reason=hold,
            replies=[reply.build(warnings) for reply in self.replies],
        )


def _paragraphs(text: str) -> str:
    """Normalise blank-line runs to one, keeping line breaks inside paragraphs."""
    parts = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip("\n"))]
    return "\n\n".join(p for p in parts if p.strip())


class _Parser:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.warnings: list[str] = []

    def parse(self) -> ParsedArticle:
        lines = self.lines
        starts = [i for i, line in enumerate(lines) if line.strip()]
        if not starts:
            raise SeedError("file has no text")
        title_at = starts[0]
        title = lines[title_at].strip()
        if len(title) > 300:
            raise SeedError(f"no title: the first line is {len(title):,} characters long")
        if _FORM_TRAILER.match(title) or (
            _HEADER.match(lines[title_at]) and self._opens_comments(title_at)
        ):
            raise SeedError(f"no title: the file opens with {title!r}")
        if lines[title_at][0].isspace() and (_NUMBERED.match(title) or _BULLET.match(title)):
            raise SeedError(f"no title: the file opens with a list item, {title!r}")

        header_at = self._find_header(title_at + 1)
        body_end = header_at if header_at is not None else self._form_trailer_at(title_at + 1)
        body_lines = lines[title_at + 1 : body_end]
        byline, body_lines = self._take_byline(body_lines, title_at + 1)
        body = _paragraphs("\n".join(x.strip() for x in body_lines))
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
        )
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
                return bool(_NUMBERED.match(stripped) or _BULLET.match(stripped))
            return bool(_FORM_TRAILER.match(stripped))
        return True

    def _form_trailer_at(self, start: int) -> int:
        for i in range(start, len(self.lines)):
            if _FORM_TRAILER.match(self.lines[i]):
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

    def _note_furniture(self, at: int) -> None:
        rest = [line for line in self.lines[at + 1 :] if line.strip()]
        if rest:
            self.warnings.append(
                f"line {at + 1}: {len(rest)} line(s) after the reply form ignored "
                "(kept in the source)"
            )

    def _comments(self, start: int) -> list[ParsedComment]:
        roots: list[_Item] = []
        stack: list[_Item] = []
        orphan_lines = 0
        unindented: list[int] = []
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            if not line.strip():
                if stack:
                    stack[-1].lines.append("")
                continue
            indent = len(line) - len(line.lstrip())
            stripped = line.strip()
            if indent == 0:
                # Comment text is always indented: an unindented line is the page's.
                if _FORM_TRAILER.match(stripped):
                    self._note_furniture(i)
                    break
                unindented.append(i + 1)
                continue
            level = indent // 2
            numbered = _NUMBERED.match(stripped)
            bullet = _BULLET.match(stripped)
            marker = "number" if numbered else stripped[0] if bullet else None
            item_text = (numbered or bullet)["text"] if marker else None

            if marker and level == 1:
                number = int(numbered["number"]) if numbered else None
                expected = roots[-1].number + 1 if roots else 1
                if number is not None and number != expected:
                    self.warnings.append(
                        f"line {i + 1}: top-level comment numbered {number}, expected {expected}"
                    )
                key = str(len(roots) + 1)
                item = _Item(1, i + 1, key, marker, item_text)
                item.number = number or 0
                roots.append(item)
                stack = [item]
                continue

            if marker and level >= 2 and stack:
                parent = self._open_parent(stack, level)
                if parent is not None and self._continues_list(parent, marker, numbered):
                    if level > MAX_SEED_DEPTH:
                        raise SeedError(
                            f"line {i + 1}: replies nested deeper than {MAX_SEED_DEPTH} levels"
                        )
                    while stack[-1] is not parent:
                        stack.pop()
                    if numbered:
                        parent.last_reply_number = int(numbered["number"])
                    item = _Item(
                        level, i + 1, f"{parent.key}.{len(parent.replies) + 1}", marker, item_text
                    )
                    parent.replies.append(item)
                    stack.append(item)
                    continue

            if not stack:
                orphan_lines += 1
                continue
            owner = self._body_owner(stack, indent)
            owner.lines.append(stripped)

        if unindented:
            self.warnings.append(
                f"line {unindented[0]}: {len(unindented)} unindented line(s) in the comment "
                "section are not comment text, ignored (kept in the source)"
            )
        if orphan_lines:
            self.warnings.append(
                f"line {start}: {orphan_lines} line(s) between the comment header and the "
                "first comment belong to no comment (kept in the source)"
            )
        return [root.build(self.warnings) for root in roots]

    @staticmethod
    def _open_parent(stack: list[_Item], level: int) -> _Item | None:
        for item in reversed(stack):
            if item.level == level - 1:
                return item
        return None

    @staticmethod
    def _continues_list(parent: _Item, marker: str, numbered: re.Match | None) -> bool:
        """Replies keep their parent's list style, and numbered ones count up from 1."""
        glyphs = marker in _GLYPH_BULLETS and parent.marker in _GLYPH_BULLETS
        if marker != parent.marker and not glyphs:
            return False
        return not numbered or int(numbered["number"]) == parent.last_reply_number + 1

    @staticmethod
    def _body_owner(stack: list[_Item], indent: int) -> _Item:
        """The deepest open comment whose text column this line reaches.

        A line that reaches no open reply's column belongs to the parent it
        lines up with, which closes the replies below it.
        """
        while len(stack) > 1 and indent < stack[-1].body_indent:
            closed = stack.pop()
            if closed.lines[-1] == "":
                stack[-1].lines.append("")
        return stack[-1]


def _count(raw: str) -> int:
    word = raw.lower()
    return _WORD_NUMBERS[word] if word in _WORD_NUMBERS else int(raw.replace(",", ""))
