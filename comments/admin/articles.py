"""Articles at the moderators' desk: their discussions, not their text.

Moderators (non-superusers) may open or close comments and switch
pre-moderation; every other field is read-only for them.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from comments.admin.counts import count_column, counts_by_status
from comments.models import Comment

# What a moderator may change on an article.
DISCUSSION_SETTINGS = ["comments_open", "premoderation", "commenters"]


def queue_url(article, **filters) -> str:
    """The comment queue for ``article``, optionally filtered further (status="pending")."""
    query = {"article__id__exact": article.pk}
    query.update({f"{name}__exact": value for name, value in filters.items()})
    return f"{reverse('admin:comments_comment_changelist')}?{urlencode(query)}"


def _count(status):
    return count_column(status, lambda article, status: queue_url(article, status=status))


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "byline",
        "published",
        "pending",
        "removed",
        "spam",
        *DISCUSSION_SETTINGS,
        "queue",
    ]
    list_editable = DISCUSSION_SETTINGS
    list_filter = DISCUSSION_SETTINGS
    search_fields = ["title", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    # A search box, not a list of every reader's account.
    raw_id_fields = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "byline", "author", "body", "created"]}),
        (_("Discussion"), {"fields": [*DISCUSSION_SETTINGS, "comment_counts", "queue"]}),
        (
            _("Seed"),
            {
                "classes": ["collapse"],
                "fields": [
                    "source_name", "content_hash", "declared_comment_count", "source_text",
                    "updated",
                ],
            },
        ),
    ]
    readonly_fields = ["comment_counts", "queue", "source_name", "content_hash", "source_text",
                       "updated"]

    published = _count(Comment.Status.PUBLISHED)
    pending = _count(Comment.Status.PENDING)
    removed = _count(Comment.Status.REMOVED)
    spam = _count(Comment.Status.SPAM)

    def get_queryset(self, request):
        # The seed text is as long as the article; only the change page shows it.
        return super().get_queryset(request).annotate(**counts_by_status()).defer("source_text")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # A new article has no comments to count and no seed.
            fields = ["title", "slug", "byline", "author", "body", *DISCUSSION_SETTINGS]
            return [(None, {"fields": fields})]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return [
            *self.readonly_fields,
            *(
                field.name
                for field in Article._meta.fields
                if field.editable and field.name not in DISCUSSION_SETTINGS
            ),
        ]

    def get_prepopulated_fields(self, request, obj=None):
        # The slug is read-only for moderators, and prepopulating needs the field.
        return self.prepopulated_fields if request.user.is_superuser else {}

    @admin.display(description=_("comments"))
    def comment_counts(self, article):
        return ", ".join(
            f"{getattr(article, f'{status}_count')} {label.lower()}"
            for status, label in Comment.Status.choices
        )

    @admin.display(description=_("queue"))
    def queue(self, article):
        # Of every status: past the queue's default of what needs a decision.
        every = f"{queue_url(article)}&queue=all"
        return format_html('<a href="{}">{}</a>', every, _("All comments"))
