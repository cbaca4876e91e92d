from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.seed_parser import SeedError
from comments.import_files import seed_files, text_import
from comments.importing import ImportRefused, statistics_refresh


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
        files, missing = seed_files(paths or [str(settings.BASE_DIR / "seeds")])
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
        parsed, outcome = text_import(path, dry_run=dry_run)
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
