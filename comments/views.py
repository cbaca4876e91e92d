import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from articles.models import Article
from comments import bans, desk_rules, moderation, notify, posting, rules, selectors, sessions
from comments.context import comment_context
from comments.discussion import reader_own
from comments.forms import CommentForm, ReportForm
from comments.models import Comment
from comments.rendering import press_respects, render_thread, with_own_actions
from comments.selectors import comment_in_context
from newsroom.client import client_ip
from newsroom.csrf import same_origin_form

logger = logging.getLogger("newsroom.comments")
# Forms that carry what a reader typed, or the name and email they last posted
# under: theirs alone, never kept by a browser's history or a shared cache.
reader_form = cache_control(private=True, no_store=True)


def comment_location(comment: Comment) -> str:
    """Where a reader finds ``comment``: its anchor on the article page that shows it,
    or its own page when it sits deeper than the article page goes.

    The article page finds which of its pages holds the comment, so posting
    stays as cheap on a 10,000-comment discussion as on a small one.
    """
    if comment.level >= settings.NEWSROOM_MAX_VISIBLE_DEPTH:
        return f"{comment.get_absolute_url()}#c{comment.pk}"
    return f"{comment.article.get_absolute_url()}?comment={comment.pk}#c{comment.pk}"


@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_form
@reader_form
def comment_post(request, slug, pk=None):
    """Show the comment form (quoting the parent for a reply) and take the post.

    The article page's form and the inline reply form post here too. Every
    failure re-renders the form with the reader's text, status 400 (429 for
    flooding; 403, the text also kept as the session's draft, from a guest
    where only signed-in readers may comment); success redirects (303) to
    the new comment.
    """
    article = get_object_or_404(Article.objects.defer("source_text"), slug=slug)
    parent = None
    if pk is not None:
        parent = selectors.replyable_comment(pk)
        elsewhere = parent is not None and parent.article_id != article.pk
        if (parent is None or elsewhere) and request.method != "POST":
            raise Http404(_("No such comment."))
    form = CommentForm(
        request.POST or None,
        user=request.user,
        initial=sessions.comment_form_initial(request, article=article, parent=parent),
    )
    sign_in = rules.must_sign_in(article=article, user=request.user)
    status = 200
    if request.method == "POST" and sign_in:
        sessions.keep_draft(request, article=article, parent=parent, body=form.data.get("body", ""))
        status = 403
    elif request.method == "POST":
        if form.is_bot:
            logger.warning(
                "honeypot filled on %s from %s; post dropped", request.path, client_ip(request)
            )
            messages.info(request, _("Thank you for your comment."))
            return HttpResponseRedirect(article.get_absolute_url(), status=303)
        status = 400
        if pk is not None and parent is None:
            form.add_error(None, _("The comment you are replying to does not exist (any more)."))
        elif form.is_valid():
            response = _accept(request, article, parent, form)
            if response is not None:
                return response
            status = 429 if form.has_error("body", code="flood") else 400
    if parent is not None and parent.article_id != article.pk:
        parent = None
    return render(
        request,
        "comments/comment_form.html",
        {"article": article, "parent": parent, "form": form, "sign_in": sign_in},
        status=status,
    )


def _accept(request, article, parent, form):
    """Post a valid form; return the redirect, or None after adding the errors to ``form``."""
    data = form.cleaned_data
    duplicate = sessions.recent_duplicate(request, article, data["body"])
    if duplicate is not None:
        existing = Comment.objects.filter(pk=duplicate).select_related("article").first()
        if existing is not None:
            return HttpResponseRedirect(comment_location(existing), status=303)
    ip = client_ip(request)
    post = {
        "article": article,
        "parent": parent,
        "body": data["body"],
        "author_name": data.get("name", ""),
        "email": data.get("email", ""),
        "user": request.user if request.user.is_authenticated else None,
        "ip_address": ip,
        "posts_per_minute": desk_rules.current().posts_per_minute,
    }
    try:
        comment = _screen_and_save(post)
    except ValidationError as error:
        logger.info(
            "post rejected on %s from %s (%s): %s",
            request.path, ip, error.code, " ".join(error.messages),
        )
        form.add_error("body" if error.code in {"banned", "blocked", "flood"} else None, error)
        return None
    sessions.remember_poster(request, comment)
    if data.get("notify") and notify.guest_opt_in(email=data["email"]):
        messages.info(
            request,
            _("To be mailed replies, follow the link we sent to %(email)s.")
            % {"email": data["email"]},
        )
    if comment.moderation_reason == str(rules.UNVERIFIED):
        messages.info(
            request,
            _("Your comment will appear once you verify your email address: follow the "
              "link in the message we sent you."),
        )
    elif comment.status == Comment.Status.PENDING:
        messages.info(request, _("Your comment is awaiting moderation."))
    else:
        messages.success(request, _("Your comment has been posted."))
    return HttpResponseRedirect(comment_location(comment), status=303)


def _screen_and_save(post: dict) -> Comment:
    """Hold or publish a valid post by the rules; one they refuse is kept for moderators."""
    try:
        verdict = rules.screen(
            article=post["article"],
            body=post["body"],
            author_name=post["author_name"],
            user=post["user"],
            email=post["email"],
            ip_address=post["ip_address"],
        )
    except ValidationError as refusal:
        if refusal.code == "blocked":
            reason = _("Contains the blocked word “%(word)s”.") % refusal.params
            posting.post_reject(**post, reason=reason)
        elif refusal.code == "banned":
            posting.post_reject(**post, reason=bans.rejection_reason(refusal.params))
        raise
    return posting.comment_create(**post, status=verdict.status, moderation_reason=verdict.reason)


@require_safe
def comment_detail(request, slug, pk):
    found = comment_in_context(slug=slug, pk=pk, own_ids=sessions.own_pending_ids(request))
    if found is None:
        raise Http404(_("This comment is not available."))
    article, ancestors, subtree = found
    _held, own = reader_own(request, article)
    html = render_thread(subtree, article=article, on_comment_page=True)
    if request.user.is_authenticated:
        html = press_respects(html, selectors.respected_ids(request.user, article))
    response = render(
        request,
        "comments/comment_detail.html",
        {
            "article": article,
            # As the reader sees it: a tombstone names no author.
            "comment": subtree[0],
            "ancestors": ancestors,
            "context": comment_context(article, ancestors, subtree),
            "thread_html": with_own_actions(html, article=article, own=own),
        },
    )
    if own or any(shown.awaiting for shown in (*ancestors, *subtree)):
        # The reader's own comments (held, or with their Edit links) are on it.
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@reader_form
def comment_report(request, slug, pk):
    # Only what the article page offers a Report link on: a published comment.
    comment = get_object_or_404(
        selectors.visible_comments().select_related("article", "user__profile"),
        pk=pk,
        article__slug=slug,
    )
    form = ReportForm(request.POST or None)
    if sessions.has_reported(request, comment):
        messages.info(request, _("You have already reported this comment. Thank you."))
        return HttpResponseRedirect(comment_location(comment), status=303)
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        try:
            moderation.report_create(
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                ip_address=ip,
                reports_per_minute=settings.NEWSROOM_REPORTS_PER_MINUTE,
            )
        except ValidationError as error:
            logger.info("report refused on %s from %s (%s)", request.path, ip, error.code)
            form.add_error(None, error)
            status = 429
        else:
            sessions.remember_report(request, comment)
            messages.success(request, _("Thank you. Moderators will look at this comment."))
            return HttpResponseRedirect(comment_location(comment), status=303)
    return render(
        request,
        "comments/comment_report.html",
        {"article": comment.article, "comment": comment, "form": form},
        status=status,
    )
