"""What ``import_comments`` says about each file: one summary line, and the
counts and warnings its ``--report`` JSON holds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from comments.importing import ImportOutcome

_LINE = re.compile(r"^line (\d+): ")


@dataclass
class FileResult:
    name: str
    format: str = ""
    articles: Counter[str] = field(default_factory=Counter)  # by action: created, updated…
    comments: Counter[str] = field(default_factory=Counter)  # the file's, by status
    imported: int = 0
    updated: int = 0
    left_alone: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    def add(self, outcome: ImportOutcome, statuses: Iterable[str], notes: Iterable[str]) -> None:
        self.articles[outcome.action] += 1
        self.comments.update(statuses)
        self.imported += outcome.imported
        self.updated += outcome.updated
        self.left_alone += outcome.left_alone
        self.warnings += [*notes, *outcome.notes]

    @property
    def wrote(self) -> bool:
        return any(self.articles[a] for a in ("created", "updated"))

    def summary(self) -> str:
        articles = sum(self.articles.values())
        line = f"{self.name}: {self.format or 'unknown format'}: {_count(articles, 'article')}"
        if articles:
            line += f" ({_parts(self.articles)})"
        total = sum(self.comments.values())
        line += f", {_count(total, 'comment')}"
        if total:
            line += f" ({_parts(self.comments)})"
        line += f"; {self.imported} imported"
        if self.updated:
            line += f", {self.updated} updated"
        if self.left_alone:
            line += f", {self.left_alone} changes left alone"
        if self.skipped:
            line += f", {self.skipped} skipped"
        if self.warnings:
            line += f", {_count(len(self.warnings), 'warning')}"
        if self.error:
            line += f"; stopped: {self.error}"
        return line

    def as_json(self) -> dict:
        return {
            "file": self.name,
            "format": self.format or None,
            "articles": dict(self.articles),
            "comments": dict(self.comments),
            "imported": self.imported,
            "updated": self.updated,
            "left_alone": self.left_alone,
            "skipped": self.skipped,
            "warnings": [_warning(text) for text in self.warnings],
            "error": self.error,
        }


def _warning(text: str) -> dict:
    match = _LINE.match(text)
    return {
        "line": int(match[1]) if match else None,
        "message": text[match.end() :] if match else text,
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _parts(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items()) if n)
