"""Synthetic discussions for the benchmarks, reproducible from a seed.

Pure Python like the seed parser, whose ``ParsedComment`` trees these are: the
same trees feed ``threads_import`` (through ``import_nodes``) and, written out as seed files,
the ``import_seeds`` command.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from articles.seed_parser import ParsedComment

TOP_LEVEL_SHARE = 0.3

# Plain words only: no quotes, ampersands or angle brackets, so escaping does
# not inflate the HTML, and nothing a seed line could mistake for a list marker.
_TEXT = (
    "the city council voted again on the plan to rebuild the old bridge while residents "
    "asked who would pay for it and why the report took three years reporters found "
    "that the budget had doubled since spring yet nobody could say where the money went "
    "some readers think this is normal others remember how the last project ended late "
    "and over budget with the same contractor in charge of the work"
)
_WORDS = _TEXT.split()
_NAMES = (
    "Ana Lima",
    "Ben Okafor",
    "Chloe Martin",
    "Dev Patel",
    "Eva Novak",
    "Farid Haddad",
    "Grace Kim",
    "Hugo Silva",
    "Ines Moreau",
    "Jon Berg",
    "Kara Walsh",
    "Liam Chen",
    "Mia Rossi",
    "Nils Eriksen",
    "Omar Aziz",
    "Priya Nair",
    "Quinn Doyle",
    "Rosa Vega",
)


def body(rng: random.Random, lengths: tuple[int, int] = (201, 598)) -> str:
    """A comment body of 200 to 600 characters (or ``lengths``), in one to three paragraphs."""
    target = rng.randint(*lengths)
    words: list[str] = []
    while sum(map(len, words)) + len(words) < target:
        words.append(rng.choice(_WORDS))
    # Each paragraph break turns one space into two newlines: at most 600.
    for at in rng.sample(range(1, len(words)), rng.randint(0, 2)):
        words[at - 1] += "."
        words[at] = "\n\n" + words[at].capitalize()
    text = " ".join(words).replace(" \n\n", "\n\n")[: target - 1].rstrip()
    return text[0].upper() + text[1:] + "."


def discussion(
    n: int, *, seed: int, lengths: tuple[int, int] = (201, 598)
) -> list[ParsedComment]:
    """``n`` comments: about 30% top-level, the rest replies to random earlier ones.

    Keys are the seed parser's positional keys (``3.1`` is the first reply to
    the third thread), so a written-out seed parses back to the same keys.
    """
    rng = random.Random(seed)
    roots: list[ParsedComment] = []
    made: list[ParsedComment] = []
    for line in range(1, n + 1):
        if not made or rng.random() < TOP_LEVEL_SHARE:
            siblings, prefix = roots, ""
        else:
            parent = rng.choice(made)
            siblings, prefix = parent.replies, parent.key + "."
        author = rng.choice(_NAMES) if rng.random() < 0.9 else None
        comment = ParsedComment(
            body=body(rng, lengths), author=author, line=line, key=f"{prefix}{len(siblings) + 1}"
        )
        siblings.append(comment)
        made.append(comment)
    return roots


def seed_text(title: str, comments: list[ParsedComment], *, seed: int, bullets: bool) -> str:
    """An article page dump in the seed format (README, "Seed format")."""
    rng = random.Random(seed)
    paragraphs = "\n\n".join(body(rng).replace("\n\n", " ") for _ in range(rng.randint(4, 8)))
    count = sum(1 for _ in _walk(comments))
    header = f"{count} comments… add one" if bullets else f"{count} responses to “{title}”"
    lines = [title, "", f"By {rng.choice(_NAMES)}", "", paragraphs, "", "", header, ""]
    lines.extend(_items(comments, level=1, bullets=bullets))
    lines += ["Leave a Reply" if not bullets else "Leave a Comment", ""]
    return "\n".join(lines)


def _items(comments: list[ParsedComment], *, level: int, bullets: bool) -> Iterator[str]:
    marker_indent = "  " * level
    text_indent = marker_indent + "  "
    for number, comment in enumerate(comments, 1):
        paragraphs = comment.body.split("\n\n")
        if bullets:
            first = f"{comment.author} Link" if comment.author else paragraphs.pop(0)
            yield f"{marker_indent}• {first}"
        else:
            yield f"{marker_indent}{number}. {paragraphs.pop(0)}"
        for paragraph in paragraphs:
            yield ""
            yield text_indent + paragraph
        yield ""
        yield from _items(comment.replies, level=level + 1, bullets=bullets)


def _walk(comments: list[ParsedComment]) -> Iterator[ParsedComment]:
    for comment in comments:
        yield comment
        yield from _walk(comment.replies)
