"""Export fixtures for the import tests: the files in tests/data/imports, written
from WordPress's exporter and Disqus's export schema, and hostile variants."""

from __future__ import annotations

import io
from pathlib import Path

from articles.disqus_parser import parse_disqus
from articles.wxr_parser import parse_wxr
from articles.xml_source import SourceReport

DATA = Path(__file__).parent / "data" / "imports"
WXR = (DATA / "wordpress.xml").read_bytes()
DISQUS = (DATA / "disqus.xml").read_bytes()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><title>&lol3;</title></channel></rss>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>
"""


def wxr(data: bytes = WXR) -> tuple[list, SourceReport]:
    report = SourceReport()
    return list(parse_wxr(io.BytesIO(data), report)), report


def disqus(data: bytes = DISQUS) -> tuple[list, SourceReport]:
    report = SourceReport()
    return list(parse_disqus(io.BytesIO(data), report)), report


def hostile(data: bytes, root: bytes) -> bytes:
    """The entity attacks with ``root`` as their document element."""
    return data.replace(b"rss", root)


def element_line(data: bytes, tag: bytes, inside: bytes) -> int:
    """The line of the last ``tag`` opened before ``inside``, counted from 1."""
    return data[: data.rindex(tag, 0, data.index(inside))].count(b"\n") + 1
