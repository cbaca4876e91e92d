"""Small builders that make a test read like the thread it sets up."""

from __future__ import annotations

import itertools
import re
import shutil
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.seed_parser import ParsedComment, parse_seed
from comments import moderation, posting
from comments.models import Comment
from comments.recording import Recorder
from readers.services import profile_create

_counter = itertools.count(1)
# What a browser adds to a form it sends from one of the site's own pages.
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# For what one database has and the other has not; the reason shows in the
# summary, so a run on one database says what it left to the other.
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite only; DATABASE_URL names PostgreSQL"
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
)


def make_article(**fields) -> Article:
    n = next(_counter)
    defaults = {"title": f"Article {n}", "slug": f"article-{n}", "body": "First.\n\nSecond."}
    return Article.objects.create(**{**defaults, **fields})


def post(article, parent=None, body=None, *, author="Reader", **fields) -> Comment:
    """Post through the service, as the site does."""
    return posting.comment_create(
        article=article,
        parent=parent,
        body=body or f"Comment {next(_counter)}",
        author_name=author,
        **fields,
    )


def record_replies() -> int:
    """What a delivery pass records of the flagged replies, quiet ones' flags cleared
    as at its end: the notifications recorded."""
    recorder = Recorder()
    recorded = recorder.round()
    recorder.finish()
    return recorded


def version(article) -> int:
    """The article's discussion version as the database holds it now."""
    return Article.objects.get(pk=article.pk).discussion_version


def assert_page(response, *, shows=(), hides=()) -> None:
    """The page answers 200 with every text of ``shows`` and none of ``hides``."""
    for text in shows:
        assertContains(response, text)
    for text in hides:
        assertNotContains(response, text)


def csrf_token(page) -> str:
    """The CSRF token in a page's form (a response or its text), as a browser sends it back."""
    text = page if isinstance(page, str) else page.content.decode()
    return _CSRF_FIELD.search(text)[1]


def send(client, url, data, *, opened=None):
    """POST a form as a current browser does: saying it comes from the site's own page
    (``Sec-Fetch-Site``), with the CSRF token when it has one.

    A client without the CSRF cookie opens ``opened`` (default: ``url``) first,
    as a reader opens a page before sending its form. The cookie's secret is
    itself a token the middleware accepts, so a client that has it sends it;
    the page every reader shares sets none, and its forms need none.
    """
    if "csrftoken" not in client.cookies:
        client.get(opened or url)
    if "csrftoken" in client.cookies:
        data = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, **data}
    return client.post(url, data, headers=SAME_ORIGIN)


def submit(client, article, body="Hello there", *, parent=None, **fields):
    """Send the comment form of ``article``: a new thread, or a reply to ``parent``
    (a comment, or a raw id as a forged URL would carry it); ``fields`` override
    the form's fields, the CSRF token included."""
    if parent is None:
        url = f"/articles/{article.slug}/comment/"
    else:
        url = f"/articles/{article.slug}/comments/{getattr(parent, 'pk', parent)}/reply/"
    data = {"name": "Ada", "email": "", "body": body, "website": "", **fields}
    return send(client, url, data, opened=article.get_absolute_url())


def create_tree(article=None, spec=None) -> SimpleNamespace:
    """Build a named thread and return its nodes by name.

    ``spec`` maps a name to its replies' spec, e.g. the default::

        {"root": {"child1": {"grandchild": {}}, "child2": {}}, "other": {}}
    """
    article = article or make_article()
    spec = (
        spec
        if spec is not None
        else {"root": {"child1": {"grandchild": {}}, "child2": {}}, "other": {}}
    )
    nodes = {"article": article}
    stack = [(name, replies, None) for name, replies in reversed(spec.items())]
    while stack:
        name, replies, parent = stack.pop()
        node = post(article, parent, body=f"{name} says hello", author=name)
        nodes[name] = node
        stack.extend((child, grand, node) for child, grand in reversed(replies.items()))
    return SimpleNamespace(**nodes)


def import_seeds(*paths, **options) -> tuple[str, str]:
    """Run the import_seeds command; return what it wrote to stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def write_seed(folder: Path, name: str, *lines: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(seed_text(*lines), encoding="utf-8")
    return path


# The seeds folder and its two files, and seed text built line by line.
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIRST = "000_e59a3ae772f0d3c8.txt"
SECOND = "003_dad6d2c0e65eec47.txt"
FIRST_SEED = SEEDS / FIRST


def seed_copy(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copyfile(SEEDS / name, folder / name)
    return folder


def seed_text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def shape(comments: list[ParsedComment]) -> list:
    """A thread as nested (body, author, replies) tuples, easy to compare whole."""
    return [(c.body, c.author, shape(c.replies)) for c in comments]


def article_with_comments(*comment_lines: str, header: str = "2 Comments") -> str:
    return seed_text("Title", "", "Body.", "", header, "", *comment_lines, "", "Leave a Reply")


def thread(*comment_lines: str) -> list:
    """The thread an article with these comment lines parses into, as ``shape`` gives it."""
    return shape(parse_seed(article_with_comments(*comment_lines)).comments)


# The bridge vote: a seed file a re-import test writes, changes and imports again.
TITLE = "The bridge vote"
A = "Call me on 555 0100 if you know who pays for the bridge."
B = "The bridge was promised ten years ago, before the last election."
C = "Who pays for the repairs once it opens?"
D = "Buy cheap watches at example.com today."


def seed(folder, *comments: str, body: str = "The council voted on teh bridge.", name="vote.txt"):
    """A numbered dump of ``comments``; a comment's replies are lines indented deeper."""
    items, number = [], 0
    for comment in comments:
        if comment.startswith("  "):
            items.append(f"  {comment}")
        else:
            number += 1
            items += ["", f"  {number}. {comment}"]
    tops = sum(1 for comment in comments if not comment.startswith("  "))
    return write_seed(folder, name, TITLE, "", body, "", f"{tops} Comments", *items)


def imported(folder, *comments: str, **options) -> Path:
    """``seed`` written and imported: the file a test then changes and imports again."""
    path = seed(folder, *comments, **options)
    import_seeds(path)
    return path


def by_body(body: str) -> Comment:
    return Comment.objects.get(body=body)


def make_reader(name: str, *, email: str = "", password: str | None = None, verified=True):
    """An account called ``name``, as sign-up leaves one (and its address verified)."""
    n = next(_counter)
    user = get_user_model().objects.create_user(f"reader{n}", email=email, password=password)
    profile_create(user=user, display_name=name)
    if email:
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


# Shared by the modules split from test_admin.py, test_article_pages.py and
# test_accounts.py (issue 13).

S = Comment.Status
QUEUE = "/admin/comments/comment/"
# The queue of every status, one click from its default ("Needs a decision").
QUEUE_ALL = f"{QUEUE}?queue=all"


def change_url(comment) -> str:
    return f"{QUEUE}{comment.pk}/change/"


def queue(client, **params):
    """The comments on the queue page, in the order shown: of every status (its
    "All" choice) unless ``params`` choose the default ``queue``."""
    response = client.get(QUEUE, {"queue": "all", **params})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def bulk(client, action, comments, **extra):
    """A bulk action on ``comments`` chosen on the queue's "All" view."""
    return client.post(
        QUEUE_ALL,
        {"action": action, "index": "0", "_selected_action": [c.pk for c in comments], **extra},
        follow=True,
    )


def reload(comment) -> Comment:
    return Comment.objects.get(pk=comment.pk)


def moderate(queryset_or_comment, action):
    queryset = (
        Comment.objects.filter(pk=queryset_or_comment.pk)
        if isinstance(queryset_or_comment, Comment)
        else queryset_or_comment
    )
    return moderation.comments_moderate(queryset, action=action, moderator=None)


PASSWORD = "correct horse battery"


def link_in(message) -> str:
    """The path of the one link to this site in a message."""
    return re.search(r"http://testserver(/\S+)", message.body)[1]


def signed_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def sign_in(client, email="ada@example.com", password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})
