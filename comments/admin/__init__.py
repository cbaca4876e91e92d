"""The moderators' desk: the comment queue, each comment in its thread, readers'
reports, refused posts, articles' discussions, users with their comment counts, and
notification mail.

Every status change, edit and delete goes through ``comments.moderation``, so
the admin records moderation exactly as the public views and the import do.
"""

from comments.admin import articles, bans, desk_rules, notifications, records, users
from comments.admin.comments import CommentAdmin

__all__ = ["CommentAdmin", "articles", "bans", "desk_rules", "notifications", "records", "users"]
