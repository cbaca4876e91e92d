"""Featuring in the admin: the queue's Feature and Unfeature actions, and the button
on a comment's change page. Both go through ``comments.featuring``."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comments.featuring import comments_feature
from comments.models import Comment


class FeaturingMixin:
    """For ``CommentAdmin``, after ``ThreadPageMixin`` (whose ``change_url`` it uses)."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/feature/",
                self.admin_site.admin_view(require_POST(self.feature_view)),
                name="comments_comment_feature",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Feature selected comments"), permissions=["moderate"])
    def feature(self, request, queryset):
        self._feature_selection(request, queryset, featured=True)

    @admin.action(description=_("Unfeature selected comments"), permissions=["moderate"])
    def unfeature(self, request, queryset):
        self._feature_selection(request, queryset, featured=False)

    def _feature_selection(self, request, queryset, *, featured):
        selected = queryset.count()
        changed = comments_feature(queryset, featured=featured, moderator=request.user)
        if featured:
            done = ngettext(
                "%(count)d comment featured.", "%(count)d comments featured.", changed
            )
        else:
            done = ngettext(
                "%(count)d comment no longer featured.",
                "%(count)d comments no longer featured.",
                changed,
            )
        self.message_user(request, done % {"count": changed}, messages.SUCCESS)
        left = selected - changed
        if left:
            template = ngettext(
                "%(count)d selected comment was left as it was (already so, or not "
                "published: only a published comment can be featured).",
                "%(count)d selected comments were left as they were (already so, or not "
                "published: only a published comment can be featured).",
                left,
            )
            self.message_user(request, template % {"count": left}, messages.WARNING)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_moderate_permission(request):
            if obj.featured_at is not None:
                context["feature_button"] = ("0", _("Unfeature"))
            elif obj.status == Comment.Status.PUBLISHED:
                context["feature_button"] = ("1", _("Feature"))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def feature_view(self, request, object_id):
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        featured = request.POST.get("featured") == "1"
        changed = comments_feature(
            Comment.objects.filter(pk=comment.pk), featured=featured, moderator=request.user
        )
        if changed and featured:
            self.message_user(
                request, _("Comment featured: it now opens its discussion."), messages.SUCCESS
            )
        elif changed:
            self.message_user(request, _("Comment no longer featured."), messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("Nothing changed: only a published comment can be featured, and only a "
                  "featured one unfeatured."),
                messages.WARNING,
            )
        return HttpResponseRedirect(self.change_url(request, comment))
