import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.seed_parser import SeedError
from articles.xml_source import SourceReport
from comments.import_files import FORMATS, export_import, seed_files, sniff, text_import
from comments.import_summary import FileResult
from comments.importing import ImportRefused, statistics_refresh
from comments.models import Comment


class Command(BaseCommand):
    help = (
        "Import comments from text dumps of article pages, WordPress exports (WXR) and "
        "Disqus exports. Idempotent: a second run changes nothing. One summary line per "
        "file; exits with status 1 if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files, or folders of them.")
        parser.add_argument(
            "--format",
            choices=["auto", *FORMATS],
            default="auto",
            help="The files' format (default: told from each file's content).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report without writing."
        )
        parser.add_argument(
            "--report", type=Path, metavar="FILE", help="Also write counts and warnings as JSON."
        )

    def handle(self, *args, paths, format="auto", dry_run=False, report=None, **options):
        files, missing = seed_files(paths)
        for path in missing:
            self.stderr.write(f"{path}: no such file or folder")
        results = []
        for path in files:
            result = FileResult(path.name)
            results.append(result)
            try:
                result.format = sniff(path) if format == "auto" else format
                self._import(path, result, dry_run=dry_run)
            except (SeedError, ImportRefused, OSError) as exc:
                result.error = str(exc)
                self.stderr.write(f"{path.name}: skipped: {exc}")
            self.stdout.write(result.summary())
            for warning in result.warnings:
                self.stdout.write(f"  {path.name}: note: {warning}")
        if report is not None:
            data = {"dry_run": dry_run, "files": [r.as_json() for r in results]}
            text = json.dumps(data, ensure_ascii=False, indent=2)
            Path(report).write_text(text, encoding="utf-8")
        if any(r.wrote for r in results) and not dry_run:
            statistics_refresh()
        failed = len(missing) + sum(1 for r in results if r.error)
        if failed:
            raise CommandError(f"{failed} of {len(files) + len(missing)} paths failed")

    def _import(self, path: Path, result: FileResult, *, dry_run: bool) -> None:
        if result.format == Comment.Source.TEXT:
            parsed, outcome = text_import(path, dry_run=dry_run)
            statuses = ("pending" if c.hold_reason else "published" for c in parsed.walk())
            result.add(outcome, statuses, parsed.warnings)
            return
        source = SourceReport()
        try:
            imported = export_import(path, result.format, source, dry_run=dry_run)
            for article, outcome, notes in imported:
                result.add(outcome, (c.status for c in article.walk()), notes)
        finally:
            result.skipped += source.skipped
            result.warnings += source.warnings
