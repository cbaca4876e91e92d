"""A comment's change page: the comment in its thread, with the moderation buttons
and "Delete thread"."""

from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comments import moderation, revisions
from comments.models import Comment


def next_pending(comment: Comment) -> Comment | None:
    """The pending comment after ``comment`` in the queue's order (newest first),
    else the newest."""
    pending = (
        Comment.objects.filter(status=Comment.Status.PENDING)
        .exclude(pk=comment.pk)
        .order_by("-created", "-pk")
    )
    return pending.filter(created__lte=comment.created).first() or pending.first()


class ThreadPageMixin:
    """For ``CommentAdmin``: the change page's thread, buttons and their views."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/moderate/",
                wrap(require_POST(self.moderate_view)),
                name="comments_comment_moderate",
            ),
            path(
                "<path:object_id>/delete-thread/",
                wrap(self.delete_thread_view),
                name="comments_comment_delete_thread",
            ),
            *super().get_urls(),
        ]

    def preserving_filters(self, request, url):
        return add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}, url
        )

    def change_url(self, request, comment):
        return self.preserving_filters(
            request, reverse("admin:comments_comment_change", args=[comment.pk])
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.thread_context(request, obj))
        if not any(name in context["adminform"].form.fields for name in self.reader_words):
            # Nothing on the page is editable: moderation happens through the buttons.
            context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def thread_context(self, request, comment):
        """Ancestors, the comment and its direct replies, and its edits as diffs:
        three queries, for reading in context."""
        context = {
            "ancestors": list(comment.get_ancestors().select_related("user__profile")),
            "replies": list(comment.get_children().select_related("user__profile")),
            "changes": revisions.changes(comment),
            "moderation_actions": [],
            "delete_thread_count": 0,
        }
        if self.has_moderate_permission(request):
            context["moderation_actions"] = [
                (name, moderation.ACTIONS[name].verb)
                for name in moderation.moderation_actions(comment.status)
            ]
        if not moderation.may_delete(comment) and super().has_delete_permission(request):
            context["delete_thread_count"] = comment.get_descendant_count() + 1
        return context

    def moderate_view(self, request, object_id):
        """One comment's action from its page (``and_next``: then open the next
        pending comment) or from a queue row (back to ``next``, the list's URL; JSON
        for desk.js)."""
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        name = request.POST.get("action") or request.POST.get("and_next", "")
        action = moderation.ACTIONS.get(name)
        if action is None:
            self.message_user(request, _("Choose an action."), messages.ERROR)
            return HttpResponseRedirect(self.change_url(request, comment))
        changed = moderation.comments_moderate(
            Comment.objects.filter(pk=comment.pk),
            action=name,
            moderator=request.user,
            reason=request.POST.get("reason", ""),
        )
        if changed:
            text, level = _("Comment %(done)s.") % {"done": action.done}, messages.SUCCESS
        else:
            text = _("Nothing changed: a comment that is %(status)s cannot be %(done)s.") % {
                "status": comment.get_status_display().lower(), "done": action.done,
            }
            level = messages.WARNING
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"changed": bool(changed), "message": text})
        self.message_user(request, text, level)
        return HttpResponseRedirect(self._after_moderation(request, comment))

    def _after_moderation(self, request, comment) -> str:
        changelist = reverse("admin:comments_comment_changelist")
        if request.POST.get("and_next"):
            following = next_pending(comment)
            if following is None:
                return self.preserving_filters(request, changelist)
            return self.change_url(request, following)
        back = request.POST.get("next", "")
        # Only back to the queue, on this site: never an address a form could forge.
        if back.startswith(changelist) and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return back
        return self.change_url(request, comment)

    def delete_thread_view(self, request, object_id):
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not super().has_delete_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            deleted = moderation.thread_delete(comment=comment, moderator=request.user)
            self.message_user(
                request,
                ngettext("Deleted %(count)d comment.", "Deleted %(count)d comments.", deleted)
                % {"count": deleted},
                messages.SUCCESS,
            )
            changelist = reverse("admin:comments_comment_changelist")
            return HttpResponseRedirect(self.preserving_filters(request, changelist))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delete a thread"),
            "opts": self.opts,
            "object": comment,
            "count": comment.get_descendant_count() + 1,
            "replies": comment.get_descendant_count(),
            "change_url": self.change_url(request, comment),
            "preserved_filters": self.get_preserved_filters(request),
        }
        return TemplateResponse(request, "admin/comments/comment/delete_thread.html", context)
