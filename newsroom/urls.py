from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter

from articles.sitemaps import ArticleSitemap
from newsroom.converters import PkConverter
from readers.forms import AdminLoginForm

register_converter(PkConverter, "pk")

admin.site.site_header = "Newsroom moderation"
admin.site.site_title = "Newsroom moderation"
admin.site.index_title = "Moderators' desk"
# The queue needs the screen's width more than a second copy of the menu.
admin.site.enable_nav_sidebar = False
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": {"articles": ArticleSitemap}}, name="sitemap"),
    path("", include("comments.urls")),
    path("notifications/", include("comments.notify_urls")),
    path("", include("articles.urls")),
    # Last: the pages read most (articles, comments) resolve without trying these.
    path("", include("comments.readers_urls")),
    path("accounts/", include("readers.urls")),
    path("accounts/", include("allauth.urls")),
]

# A database that cannot be reached answers 503 "try again" (newsroom/errors.py).
handler400 = "newsroom.errors.bad_request"
handler500 = "newsroom.errors.server_error"
