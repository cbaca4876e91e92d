"""Comment counts by status as admin list columns, for articles and for accounts."""

from collections.abc import Callable

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html

from comments.models import Comment


def counts_by_status() -> dict:
    """Annotations ``<status>_count`` of each row's comments: one join, four counts."""
    return {
        f"{status.value}_count": Count("comments", filter=Q(comments__status=status))
        for status in Comment.Status
    }


def count_column(status: str, link: Callable[[object, str], str] | None = None):
    """A list column showing a row's ``<status>_count``, linked to ``link(row, status)``."""

    @admin.display(description=Comment.Status(status).label, ordering=f"{status}_count")
    def column(self, row):
        count = getattr(row, f"{status}_count")
        if link is None:
            return count
        return format_html('<a href="{}">{}</a>', link(row, status), count)

    return column
