import json

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from comments.export import export_articles


class Command(BaseCommand):
    help = "Print articles and their comment threads as JSON (the archive format)."

    def add_arguments(self, parser):
        parser.add_argument("--article", metavar="SLUG", help="Export only this article.")

    def handle(self, *args, article=None, **options):
        articles = Article.objects.order_by("pk")
        if article is not None:
            articles = articles.filter(slug=article)
            if not articles:
                raise CommandError(f"no article with slug {article!r}")
        data = export_articles(list(articles))
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
