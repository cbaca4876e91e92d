"""Readers' reports and refused posts: read-only evidence at the moderators' desk."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from comments.admin.filters import snippet
from comments.models import RejectedPost, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Readers' reports, newest first; written only by the public Report form."""

    list_display = ["created", "reason", "comment", "note", "ip_address"]
    list_filter = ["reason", "created"]
    list_select_related = ["comment", "comment__user__profile"]
    search_fields = ["note", "comment__body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a report would leave the comment's report count wrong.
        return False


@admin.register(RejectedPost)
class RejectedPostAdmin(admin.ModelAdmin):
    """Posts the rules refused, newest first, with the reason: read-only evidence.

    The reader was told why and kept their text; this is the moderators' record.
    """

    list_display = ["created", "excerpt", "author_name", "article_title", "reason", "ip_address"]
    list_filter = ["created", "article"]
    list_select_related = ["article"]
    search_fields = ["body", "author_name", "email", "ip_address", "reason"]
    date_hierarchy = "created"

    @admin.display(description=_("post"))
    def excerpt(self, post):
        return snippet(post.body)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, post):
        return snippet(post.article.title, 40)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
