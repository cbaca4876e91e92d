from comments.models.bans import Ban
from comments.models.comment import MAX_REPLY_DEPTH, Comment, CommentQuerySet
from comments.models.desk import DeskRules
from comments.models.notifications import DeliveryPass, GuestAddress, Notification
from comments.models.participation import Reaction, Revision
from comments.models.records import RejectedPost, Report

__all__ = [
    "MAX_REPLY_DEPTH",
    "Ban",
    "Comment",
    "CommentQuerySet",
    "DeliveryPass",
    "DeskRules",
    "GuestAddress",
    "Notification",
    "Reaction",
    "RejectedPost",
    "Report",
    "Revision",
]
