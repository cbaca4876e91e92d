"""HTML from an export as text (articles/html_text.py): what a browser would show."""

import pytest

from articles.html_text import html_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<![0", "<![0"),
        ("a <![ b", "a <![ b"),
        ("Before <![0 junk> after", "Before after"),
        ("<![if !supportLists]>1.<![endif]>Item", "1.Item"),
    ],
)
def test_a_broken_marked_section_is_read_as_a_browser_reads_it_not_raised(html, text):
    assert html_text(html) == text
