"""Accounts as moderators see them: Django's user admin with each user's comment
counts by status. Here rather than in ``readers``, which knows no comment."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from comments.admin.counts import count_column, counts_by_status
from comments.models import Comment

User = get_user_model()
_Status = Comment.Status

admin.site.unregister(User)


@admin.register(User)
class ReaderUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "published", "pending", "removed", "spam"]

    def get_queryset(self, request):
        # One join, four counts: the list costs the same whatever its users wrote.
        return super().get_queryset(request).annotate(**counts_by_status())

    published = count_column(_Status.PUBLISHED)
    pending = count_column(_Status.PENDING)
    removed = count_column(_Status.REMOVED)
    spam = count_column(_Status.SPAM)
