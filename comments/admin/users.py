"""Accounts as moderators see them: Django's user admin with each user's comment
counts by status. Here rather than in ``readers``, which knows no comment."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from comments.models import Comment

User = get_user_model()
_Status = Comment.Status

admin.site.unregister(User)


@admin.register(User)
class ReaderUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "published", "pending", "removed", "spam"]

    def get_queryset(self, request):
        # One join, four counts: the list costs the same whatever its users wrote.
        return (
            super()
            .get_queryset(request)
            .annotate(
                **{
                    f"{status.value}_count": Count("comments", filter=Q(comments__status=status))
                    for status in _Status
                }
            )
        )

    @admin.display(description=_("published"), ordering="published_count")
    def published(self, user):
        return user.published_count

    @admin.display(description=_("pending"), ordering="pending_count")
    def pending(self, user):
        return user.pending_count

    @admin.display(description=_("removed"), ordering="removed_count")
    def removed(self, user):
        return user.removed_count

    @admin.display(description=_("spam"), ordering="spam_count")
    def spam(self, user):
        return user.spam_count
