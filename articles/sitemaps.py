from django.contrib.sitemaps import Sitemap

from articles.models import Article


class ArticleSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Article.objects.order_by("pk")

    def lastmod(self, article):
        return article.updated
