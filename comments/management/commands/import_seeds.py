import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.seed_parser import MAX_SEED_BYTES, ParsedComment, SeedError, parse_seed
from comments.importing import ImportRefused, article_import, statistics_refresh
from comments.seed_match import ImportNode


class Command(BaseCommand):
    help = (
        "Import seed dumps of article pages and their comment threads. Idempotent: an "
        "unchanged file changes nothing. Exits with status 1 if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="Seed files or folders of *.txt files (default: seeds/)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report without writing."
        )

    def handle(self, *args, paths=(), dry_run=False, **options):
        files, missing = _seed_files(paths or [str(settings.BASE_DIR / "seeds")])
        failed = len(missing)
        for path in missing:
            self.stderr.write(f"{path}: no such file or folder")
        changed = False
        for path in files:
            try:
                changed |= self._import(path, dry_run=dry_run)
            except (SeedError, ImportRefused, OSError) as exc:
                failed += 1
                self.stderr.write(f"{path.name}: skipped: {exc}")
        if changed:
            statistics_refresh()
        if failed:
            raise CommandError(f"{failed} of {len(files) + len(missing)} seed paths failed")

    def _import(self, path: Path, *, dry_run: bool) -> bool:
        """Import one file and report it; True when the database changed."""
        raw = _read_seed(path)
        parsed = parse_seed(raw)
        outcome = article_import(
            source_name=path.name,
            raw=raw,
            title=parsed.title,
            byline=parsed.byline,
            paragraphs=parsed.paragraphs,
            declared_count=parsed.declared_count,
            threads=import_nodes(parsed.comments),
            dry_run=dry_run,
        )
        if outcome.action == "unchanged":
            self.stdout.write(f"{path.name}: unchanged “{parsed.title}”, nothing to do")
            return False
        declared = "none" if parsed.declared_count is None else parsed.declared_count
        line = (
            f"{path.name}: {outcome.action} “{parsed.title}”: {outcome.imported} comments "
            f"imported (declared {declared}, found {parsed.found_count})"
        )
        if outcome.updated:
            line += f", {outcome.updated} updated"
        if outcome.missing:
            line += f", {outcome.missing} missing from the file (kept)"
        if outcome.left_alone:
            line += f", {outcome.left_alone} changes left alone"
        held = [f"{c.key}: {c.hold_reason}" for c in parsed.walk() if c.hold_reason]
        if held:
            line += f"; held for moderation: {'; '.join(held)}"
        self.stdout.write(line)
        for note in [*parsed.warnings, *outcome.notes]:
            self.stdout.write(f"  {path.name}: note: {note}")
        return not dry_run


def import_nodes(comments: list[ParsedComment]) -> list[ImportNode]:
    """The parser's comments as the importer's plain nodes (the parser caps their depth)."""
    return [
        ImportNode(
            key=c.key,
            body=c.body,
            author=c.author,
            line=c.line,
            hold_reason=c.hold_reason,
            replies=import_nodes(c.replies),
        )
        for c in comments
    ]


def _read_seed(path: Path) -> bytes:
    """The file's bytes, never read through a symbolic link.

    A link in the seeds folder could publish any file the importer can read
    (/etc/passwd became an article). O_NOFOLLOW refuses a file swapped for a
    link after the check, and the size comes from the file actually opened.
    """
    if path.is_symlink():
        raise SeedError(
            f"symbolic link to {os.readlink(path)}: seeds are read from regular files only"
        )
    with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(f"file is {size:,} bytes; the limit is {MAX_SEED_BYTES:,}")
        return file.read()


def _seed_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Files named, and the files of folders named; links are kept so they are refused by name."""
    files, missing = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if (p.is_symlink() or p.is_file()) and not p.name.startswith(".")
                )
            )
        elif path.is_symlink() or path.is_file():
            files.append(path)
        else:
            missing.append(raw)
    return files, missing
