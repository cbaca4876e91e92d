"""The thread's HTML: the ``<li>`` items of a laid-out thread (``threads.lay_out``).

Built in Python rather than a template loop because it runs once per comment
on pages of hundreds: Django's template engine costs about seven times as much
per comment here. For the same reason it escapes with the standard library's
``html.escape`` (Django's ``escape`` is that, behind a lazy-string wrapper),
and everything that does not change from comment to comment (the URLs, from
``reverse()``; the translated words; the date formats' parts) is worked out
once per page. Every value from a reader goes through ``escape`` or
``comment_body``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from django.urls import reverse
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Article
from comments.models import Comment
from comments.templatetags.comment_text import comment_body
from comments.threads import Badge, DisplayedComment

# The day a comment's <time> shows, then its time as "14:05". Django's
# ``dateformat`` costs about 100 µs a call, as much as the rest of a comment's
# markup, so it formats each day once; the hours and minutes are digits in
# every language, and the machine-readable form is ISO 8601 (``isoformat``).
SHOWN_DAY = "j M Y"
# A pk no reader's comment has, standing in for each comment's in reversed URLs.
_PK = 0


def comment_urls(name: str, article: Article) -> Callable[[int], str]:
    """The URL named ``name`` of each comment of ``article``, reversed once: pages
    hold hundreds of comments. A path of a slug and digits, safe in an attribute."""
    url = reverse(name, kwargs={"slug": article.slug, "pk": _PK})
    before, _pk, after = url.rpartition(f"/{_PK}/")
    return lambda pk: f"{before}/{pk}/{after}"


def render_thread(comments: Sequence[DisplayedComment], *, article: Article) -> SafeString:
    """The ``<li>`` items of a laid-out thread, for an ``<ol class="thread">``."""
    detail, reply, report = (
        comment_urls(name, article)
        for name in ("comments:detail", "comments:reply", "comments:report")
    )
    removed = escape(_("This comment was removed."))
    reply_to = escape(_("reply to %(name)s"))
    reply_to_removed = escape(_("reply to a removed comment"))
    awaiting = escape(_("Awaiting moderation"))
    reply_word, report_word = escape(_("Reply")), escape(_("Report"))
    more = escape(_("Continue this thread →"))
    # Where an imported comment was written, beside the date its source gave.
    marks = {
        Comment.Source.TEXT: escape(_("from the original page")),
        Comment.Source.WXR: escape(_("from WordPress")),
        Comment.Source.DISQUS: escape(_("from Disqus")),
    }
    # The guest mark is the plain one: most comments carry it, and every byte
    # of it is repeated down the page (tests/browser/test_look.py's budget).
    badges = {
        Badge.NONE: "",
        Badge.GUEST: f" <small>{escape(_('guest'))}</small>",
        Badge.STAFF: f' <small class="role">{escape(_("Staff"))}</small>',
        Badge.AUTHOR: f' <small class="role">{escape(_("Author"))}</small>',
    }
    # ngettext needs the number, so each count is translated once, when first met.
    replies: dict[int, str] = {}
    days: dict[object, str] = {}
    zone = get_current_timezone()
    out: list[str] = []
    for c in comments:
        pk = c.pk
        if c.tombstone:
            out.append(f'<li id="c{pk}" class="c gone"><p class="tomb">{removed}</p>\n')
        else:
            mark = marks.get(c.source, "")
            if c.date_unknown:
                # Only the import's own time is known: the link says where it came from.
                stamp = f'<a href="#c{pk}">{mark}</a>'
            else:
                t = c.created.astimezone(zone)
                day = t.date()
                if day not in days:
                    days[day] = dateformat.format(day, SHOWN_DAY)
                stamp = (
                    f'<a href="#c{pk}"><time datetime="{t.isoformat(timespec="seconds")}">'
                    f"{days[day]}, {t:%H:%M}</time></a>"
                )
                if mark:
                    stamp += f" <small>{mark}</small>"
            if c.parent_author:
                context = f" <span>{reply_to % {'name': escape(c.parent_author)}}</span>"
            elif c.depth:
                context = f" <span>{reply_to_removed}</span>"
            else:
                context = ""
            if c.awaiting:
                badge, footer = f' <em class="badge">{awaiting}</em>', ""
            else:
                link = (
                    f'<a class="reply" href="{reply(pk)}">{reply_word}</a> '
                    if article.comments_open
                    else ""
                )
                badge = ""
                footer = (
                    f'<footer>{link}<a href="{report(pk)}" rel="nofollow">'
                    f"{report_word}</a></footer>"
                )
            out.append(
                f'<li id="c{pk}" class="c{" held" if c.awaiting else ""}">'
                f'<article aria-labelledby="h{pk}"><header id="h{pk}">'
                f"<b>{escape(c.display_author)}</b>{badges[c.badge]}{context} "
                f"{stamp}{badge}</header>\n"
                f"{comment_body(c.body)}\n{footer}</article>\n"
            )
        if c.continues:
            out.append(f'<a class="more" href="{detail(pk)}">{more}</a>')
        if c.has_replies:
            n = c.reply_count
            if n not in replies:
                label = ngettext("%(count)d reply", "%(count)d replies", n)
                replies[n] = escape(label % {"count": n})
            out.append(f"<details open><summary>{replies[n]}</summary><ol>")
        else:
            out.append("</li>")
        out.append("</ol></details></li>" * c.closes)
        out.append("\n")
    return mark_safe("".join(out))
