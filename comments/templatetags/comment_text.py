import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _linkify(line: str) -> str:
    """Escape a line of plain text and turn http(s) URLs into links nobody vouches for."""
    out, last = [], 0
    for match in _URL.finditer(line):
        url = escape(match.group())
        out += [
            escape(line[last : match.start()]),
            f'<a href="{url}" rel="nofollow ugc noopener">{url}</a>',
        ]
        last = match.end()
    out.append(escape(line[last:]))
    return "".join(out)


@register.filter(is_safe=True)
def comment_body(text: str) -> str:
    """Plain text to HTML: paragraphs on blank lines, <br> on single breaks, safe links."""
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()]
    return mark_safe(
        "".join(
            "<p>" + "<br>".join(_linkify(line) for line in p.split("\n")) + "</p>"
            for p in paragraphs
        )
    )
