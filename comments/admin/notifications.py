"""Notification mail as the operators see it: what went, what waits, what failed
after every attempt (with the last error), and the guests' addresses. Read-only:
the worker writes these rows (``comments.tasks``); the task runs themselves are
under *Database task results* (django-tasks-db)."""

from django.contrib import admin

from comments.models import GuestAddress, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "recipient", "comment_id", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "created"]
    search_fields = ["recipient", "last_error"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GuestAddress)
class GuestAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed_at", "replies", "created"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "replies"]
    search_fields = ["email"]
    readonly_fields = ["email", "confirmed_at", "confirmation_sent_at", "created"]

    def has_add_permission(self, request):
        return False
