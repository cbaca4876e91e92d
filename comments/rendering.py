"""The thread's HTML: the ``<li>`` items of a laid-out thread (``threads.lay_out``).

Built in Python rather than a template loop because it runs once per comment
on pages of hundreds: Django's template engine costs about seven times as much
per comment here. For the same reason it escapes with the standard library's
``html.escape`` (Django's ``escape`` is that, behind a lazy-string wrapper),
and everything that does not change from comment to comment (the URLs, from
``reverse()``; the translated words; the date formats' parts) is worked out
once per page, and times by one ``newsroom.times.Clock`` a page. Every value
from a reader goes through ``escape`` or ``comment_body``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Article
from comments.models import Comment
from comments.templatetags.comment_text import comment_body
from comments.threads import Badge, DisplayedComment
from newsroom.times import Clock

# A respect button's address as ``render_thread`` writes it, with its comment's pk:
# links in readers' text are ``href``s, and their text cannot hold a quote.
_RESPECT_BUTTON = re.compile(
    r'(formaction="(?:comments|\.\.)/(\d+)/respect/")>([^<]*)(?: <span>\d+</span>)?</button>'
)
# A pk no reader's comment has, standing in for each comment's in reversed URLs.
_PK = 0


def comment_urls(name: str, article: Article) -> Callable[[int], str]:
    """The URL named ``name`` of each comment of ``article``, reversed once: pages
    hold hundreds of comments. A path of a slug and digits, safe in an attribute."""
    url = reverse(name, kwargs={"slug": article.slug, "pk": _PK})
    before, _pk, after = url.rpartition(f"/{_PK}/")
    return lambda pk: f"{before}/{pk}/{after}"


def render_thread(
    comments: Sequence[DisplayedComment], *, article: Article, on_comment_page: bool = False
) -> SafeString:
    """The ``<li>`` items of a laid-out thread, for an ``<ol class="thread">`` on the
    article's page, or on a comment's own page (``on_comment_page``)."""
    # Each comment's addresses are relative to the page: written on every comment
    # of pages of hundreds, full paths (the article's slug in each) would cost as
    # much as the rest of its markup (markup under 500 B a comment: bench/, and
    # tests/browser/test_look.py). Both pages' paths end in "/": the article's
    # (/articles/<slug>/) and a comment's (/articles/<slug>/comments/<pk>/).
    base = "../" if on_comment_page else "comments/"
    removed = escape(_("This comment was removed."))
    deleted = escape(_("Deleted by its author."))
    edited = f' <small class="edited">{escape(_("edited"))}</small>'
    reply_to = escape(_("reply to %(name)s"))
    reply_to_removed = escape(_("reply to a removed comment"))
    awaiting = escape(_("Awaiting moderation"))
    reply_word, report_word = escape(_("Reply")), escape(_("Report"))
    respect_word = escape(_("Respect"))
    featured = f' <em class="featured">{escape(_("Featured"))}</em>'
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
    replies: dict[tuple[int, int], str] = {}
    clock = Clock()
    out: list[str] = []
    for c in comments:
        pk = c.pk
        if c.tombstone:
            tomb = deleted if c.by_author else removed
            out.append(f'<li id="c{pk}" class="c gone"><p class="tomb">{tomb}</p>\n')
        else:
            posted = clock.posted(c.created, date_unknown=c.date_unknown)
            # An import's source, beside the date it gave (a dump without dates
            # already says it comes from the original page).
            mark = "" if c.date_unknown else marks.get(c.source, "")
            after_time = f" <small>{mark}</small>" if mark else ""
            if c.edited:
                after_time += edited
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
                    f'<a class="reply" href="{base}{pk}/reply/">{reply_word}</a> '
                    if article.comments_open
                    else ""
                )
                badge = featured if c.featured else ""
                # Submits the page's one respect form (``includes/respect_form.html``),
                # which holds the CSRF token. A toggle only for a signed-in reader
                # (``press_respects``): the thread is shared, and a guest's leads to sign in.
                count = f" <span>{c.reaction_count}</span>" if c.reaction_count else ""
                footer = (
                    f'<footer><button form="respect" formaction="{base}{pk}/respect/">'
                    f"{respect_word}{count}</button> {link}"
                    f'<a href="{base}{pk}/report/" rel="nofollow">{report_word}</a></footer>'
                )
            out.append(
                f'<li id="c{pk}" class="c{" held" if c.awaiting else ""}">'
                f'<article aria-labelledby="h{pk}"><header id="h{pk}">'
                f"<b>{escape(c.display_author)}</b>{badges[c.badge]}{context} "
                f'<a href="#c{pk}">{posted}</a>{after_time}{badge}</header>\n'
                f"{comment_body(c.body)}\n{footer}</article>\n"
            )
        if c.continues:
            out.append(f'<a class="more" href="{base}{pk}/">{more}</a>')
        if c.has_replies:
            counted = (c.direct_replies, c.reply_count)
            if counted not in replies:
                replies[counted] = _replies_label(*counted)
            out.append(f"<details open><summary>{replies[counted]}</summary><ol>")
        else:
            out.append("</li>")
        out.append("</ol></details></li>" * c.closes)
        out.append("\n")
    return mark_safe("".join(out))


# The start of a comment the reader sees (a tombstone has no <article>). Readers'
# words are escaped, so no text of theirs can look like it.
_SHOWN_COMMENT = re.compile(r'<li id="c(\d+)" class="c[^"]*"><article ')


def with_own_actions(html: str, *, article: Article, own: Mapping[int, bool]) -> SafeString:
    """``html`` (a rendered thread, maybe the one every reader shares, from the
    cache) with Edit and Delete links on the reader's own comments: ``own`` maps
    their ids to whether they may still be edited. One pass over the HTML, so the
    shared bytes never hold one reader's links and cost nothing to the others."""
    if not own:
        return mark_safe(html)
    edit, delete = (
        comment_urls(name, article) for name in ("comments:edit", "comments:delete")
    )
    edit_word, delete_word = escape(_("Edit")), escape(_("Delete"))
    out: list[str] = []
    done = 0
    for match in _SHOWN_COMMENT.finditer(html):
        pk = int(match[1])
        if pk not in own:
            continue
        end = html.index("</article>", match.end())
        links = f'<a class="delete" href="{delete(pk)}">{delete_word}</a>'
        if own[pk]:
            links = f'<a class="edit" href="{edit(pk)}">{edit_word}</a> {links}'
        if html.endswith("</footer>", 0, end):
            end -= len("</footer>")
            links = f" {links}"
        else:
            links = f'<footer class="own">{links}</footer>'
        out += [html[done:end], links]
        done = end
    out.append(html[done:])
    return mark_safe("".join(out))


def press_respects(html: str, respected: Mapping[int, int]) -> str:
    """``html`` from ``render_thread`` with its Respect buttons made toggles for a
    signed-in reader, pressed on the comments they respect: for their page alone.

    ``respected`` maps those comments to their counts now. The shared thread's
    counts may be a respects epoch old (``pagecache.reactions_changed``); a reader
    who has just pressed one sees their own respect counted at once."""

    def toggle(found: re.Match) -> str:
        pk = int(found[2])
        if pk not in respected:
            return f'{found[1]} aria-pressed="false">{found[0][len(found[1]) + 1:]}'
        count = f" <span>{respected[pk]}</span>" if respected[pk] else ""
        return f'{found[1]} aria-pressed="true">{found[3]}{count}</button>'

    return _RESPECT_BUTTON.sub(toggle, html)


def _replies_label(direct: int, in_all: int) -> str:
    """"3 replies", or "3 replies, 12 in all" when replies have replies of their own:
    the count says which it counts."""
    label = ngettext("%(count)d reply", "%(count)d replies", direct) % {"count": direct}
    if in_all > direct:
        label = _("%(replies)s, %(count)d in all") % {"replies": label, "count": in_all}
    return escape(label)
