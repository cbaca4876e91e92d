"""How comments are read: the queryset behind ``Comment.objects`` and the rows pages render."""

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db.models import Case, When
from django.utils.translation import gettext as _
from mptt.querysets import TreeQuerySet


class CommentQuerySet(TreeQuerySet):
    def for_article(self, article):
        return self.filter(article=article)

    def in_moderation(self):
        return self.filter(status=self.model.Status.PENDING)

    def in_thread_order(self, threads: Sequence[int] = ()):
        """Threads by id, each in tree order; or the threads ``threads`` in the order
        given (a page of a sort order), when that is not by id."""
        if list(threads) == sorted(threads):
            return self.order_by("tree_id", "lft")
        position = Case(*(When(tree_id=tree_id, then=i) for i, tree_id in enumerate(threads)))
        return self.order_by(position, "lft")

    def for_display(self, threads: Sequence[int] = ()):
        """Rows a thread page renders from, in tree order (``in_thread_order``):
        ``DISPLAY_COLUMNS``, then the poster's username and display name
        (``author_label``'s arguments).

        Every status stays in the list so the tree keeps its shape (leaving a
        hidden parent out would lift its replies to the top); the thread
        builder shows hidden comments as tombstones or leaves them out. Plain
        rows, because building a model instance costs three times the fetch.
        """
        username = f"user__{get_user_model().USERNAME_FIELD}"
        return self.in_thread_order(threads).values_list(
            *DISPLAY_COLUMNS, username, "user__profile__display_name"
        )


# for_display() adds the user's username and display name last. The user's id,
# staff flag and whether the comment was imported give the badges: they come
# from the rows, not from the reader, so the page every reader shares carries them.
DISPLAY_COLUMNS = (
    "pk", "parent_id", "lft", "level", "status", "body", "created", "edited_at",
    "reaction_count", "featured_at", "date_unknown", "import_format", "user_id", "user__is_staff",
    "is_imported", "author_name", "user__first_name", "user__last_name",
)


def author_label(
    author_name: str, first_name: str, last_name: str, username, display_name: str | None
) -> str | None:
    """The name a comment shows: the one it was posted under, else its poster's
    account's (``readers.names.user_display``'s rule, from a row's columns).

    ``display_name`` is None for an account without a profile (staff), and
    empty once the account is deleted. ``None`` when no name is known (an
    imported comment without an author).
    """
    if author_name or username is None:
        return author_name or None
    if display_name is not None:
        return display_name or str(_("deleted account"))
    return f"{first_name} {last_name}".strip() or str(username)
