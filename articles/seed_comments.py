"""The comment section of a seed dump: list items indented two spaces per level,
read into ``ParsedComment`` trees. Pure Python, as ``articles.seed_parser`` is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from articles.dump_meta import comment_meta

# The deepest reply a seed file may nest (a top-level comment is level 1): a
# guard against hostile files. What an import can record is narrower still:
# each position key ("3.1.2") must fit ``Comment.import_key``.
MAX_SEED_DEPTH = 100
LOST_TEXT_REASON = "Text lost to encoding in the dump (only question marks survived)."
NUMBERED = re.compile(r"^(?P<number>\d{1,6})[.)]\s+(?P<text>\S.*)$")
BULLET = re.compile(r"^[•◦○▪■□‣·*-]\s+(?P<text>\S.*)$")
# Browsers' text dumps draw each nesting level of a bulleted list with its own
# glyph (disc, circle, square); ASCII dashes and stars also start lines of text.
_GLYPH_BULLETS = frozenset("•◦○▪■□‣·")
_AUTHOR_LINE = re.compile(r"^(?P<name>\S.{0,79}?)\s+Link$")
_LOST_CHARS = frozenset("?\ufffd")
FORM_TRAILER = re.compile(r"^Leave an? (?:Reply|Comment)(?: Cancel reply)?$", re.IGNORECASE)


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
    # What the page printed above the text (``Jane Roe says:`` and a date), if it did.
    created: datetime | None = None


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
        author, created, lines = comment_meta(self.lines)
        match = _AUTHOR_LINE.match(lines[0]) if author is None else None
        if self.marker != "number" and match and len(lines) > 2 and lines[1] == "":
            author, lines = match["name"].strip(), lines[2:]
        body = join_paragraphs("\n".join(lines))
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
            created=created,
        )


def join_paragraphs(text: str) -> str:
    """Normalise blank-line runs to one, keeping line breaks inside paragraphs."""
    parts = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip("\n"))]
    return "\n\n".join(p for p in parts if p.strip())


class CommentsReader:
    """Reads the comment section of a dump's lines, noting what it leaves out."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.warnings: list[str] = []

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
                if FORM_TRAILER.match(stripped):
                    self._note_furniture(i)
                    break
                unindented.append(i + 1)
                continue
            level = indent // 2
            numbered = NUMBERED.match(stripped)
            bullet = BULLET.match(stripped)
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

