"""HTML from an export as Newsroom's text model: paragraphs separated by blank
lines, line breaks kept, links as their URLs, every other tag gone.

Pure Python (the standard library's ``HTMLParser``): the export parsers use it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from newsroom.text import clean_text

_BLOCKS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre",
    "figure", "figcaption", "table", "tr", "section", "article", "header", "footer", "aside",
    "hr", "dl", "dt", "dd",
})
# Their text is not prose a reader wrote or read.
_HIDDEN = frozenset(
    {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg"}
)
_WEB = re.compile(r"^https?://\S+$", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_PARAGRAPHS = re.compile(r"\n\s*\n")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The only markup most comments hold; without "&" (no character references)
# and without any other "<", such text reads as ``_Text`` would read it.
_PLAIN_BREAKS = re.compile(r"<(?:(p)|br)\s*/?>|</(p)>", re.IGNORECASE)


class _Text(HTMLParser):
    def __init__(self, links: bool):
        super().__init__(convert_charrefs=True)
        self.links = links
        self.parts: list[str] = []
        self.hidden = 0
        # (href, where its text starts in ``parts``) for each open <a>.
        self.anchors: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            kept = href if self.links and _WEB.match(href) else None
            self.anchors.append((kept, len(self.parts)))

    def handle_startendtag(self, tag, attrs):
        if tag == "br" or tag in _BLOCKS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.anchors:
            href, start = self.anchors.pop()
            if href is None:
                return
            text = " ".join("".join(self.parts[start:]).split())
            if not text or text.rstrip("/") == href.rstrip("/"):
                self.parts[start:] = [href]
            else:
                # A link that shows other words keeps them, then where it went.
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)

    def parse_marked_section(self, i, report=1):
        # Python 3.11's parser raises AssertionError at a "<![" it cannot read as a
        # marked section ("<![0"); a browser reads it as a bogus comment, to the next ">".
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i)


def html_paragraphs(html: str, *, links: bool = False) -> list[str]:
    """The paragraphs of ``html``: block tags and blank lines end one (WordPress
    stores many posts without ``<p>``, leaving paragraphs to blank lines)."""
    text = _plain(html)
    if text is None:
        parser = _Text(links)
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    text = _CONTROLS.sub("", clean_text(text))
    paragraphs = []
    for block in _PARAGRAPHS.split(text):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return paragraphs


def _plain(html: str) -> str | None:
    """``html`` as text without a parser, if it is plain text with paragraph and
    line breaks at most: an export's comments mostly are, and parsing each cost
    more than the rest of reading it."""
    if "&" in html:
        return None
    text = _PLAIN_BREAKS.sub(lambda tag: "\n\n" if tag[1] or tag[2] else "\n", html)
    return None if "<" in text else text


def html_text(html: str, *, links: bool = True) -> str:
    return "\n\n".join(html_paragraphs(html, links=links))
