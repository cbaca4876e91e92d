from django.contrib import admin

from readers.models import Profile, ReleasedName


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Read-only: names change through the reader's settings (readers.services),
    which keep the names given up reserved."""

    list_display = ["display_name", "user", "joined", "deleted"]
    list_filter = [("deleted", admin.EmptyFieldListFilter), "joined"]
    search_fields = ["display_name", "user__email", "user__username"]
    readonly_fields = ["user", "display_name", "name_key", "joined", "deleted"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReleasedName)
class ReleasedNameAdmin(admin.ModelAdmin):
    """Deleting a row frees its name before its time."""

    list_display = ["key", "until", "released_by"]
    search_fields = ["key"]
    readonly_fields = ["key", "until", "released_by"]

    def has_add_permission(self, request):
        return False
