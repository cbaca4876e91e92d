"""Hostile input through the posting flow: never a 500, never executable markup, no stray rows.

Strings come from the Big List of Naughty Strings (tests/data/blns.json, MIT,
credited in tests/data/BLNS-LICENSE.txt) and an XSS list below.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.helpers import make_article, post, submit

pytestmark = pytest.mark.django_db

BLNS = json.loads((Path(__file__).parent / "data" / "blns.json").read_text(encoding="utf-8"))
XSS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    'http://example.com/"onmouseover="alert(1)',
    "http://example.com/'onmouseover='alert(1)",
    'https://example.com/?q=" autofocus onfocus="alert(1)',
    "https://example.com/#\"><svg/onload=alert(1)>",
    "https://example.com/<script>alert(1)</script>",
    "http://javascript:alert(1)@example.com/",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="//evil.example/">',
    "<style>@import 'javascript:alert(1)';</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)//-->",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "{{ request.META }}{% debug %}",
    "\u202egnp.exe",
    "<img src=x onerror=alert(1)//\u200b>",
]
_DANGEROUS_SCHEME = re.compile(r"^(?:javascript|vbscript|data):")
# Elements that load or run something; the site's own pages use few of them.
_ACTIVE_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "img",
    "style", "link", "meta", "base", "video", "audio", "source", "template", "portal",
}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc"}


class _Markup(HTMLParser):
    """Collects what a browser could execute: scripts, handlers, script URLs, and every tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.scripts: list[tuple] = []
        self.inline_script = ""
        self.dangers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "script":
            self.scripts.append(tuple(sorted(attrs)))
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}={value!r}>")
            # Browsers ignore control characters and whitespace inside a scheme.
            url = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in _URL_ATTRIBUTES and _DANGEROUS_SCHEME.match(url):
                self.dangers.append(f"<{tag} {name}={value!r}>")
        if tag == "meta" and any(n == "http-equiv" for n, __ in attrs):
            self.dangers.append(f"<meta {attrs!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline_script += data


def markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def site(settings):
    """An article with one ordinary comment, and the markup its page is made of."""
    settings.NEWSROOM_POSTS_PER_MINUTE = 0
    settings.NEWSROOM_THREADS_PER_PAGE = 2000
    article = make_article()
    first = post(article, body="See https://example.com/page for more.")
    post(article, first, body="Agreed.")
    baseline = markup(Client().get(article.get_absolute_url()).content.decode())
    assert not baseline.dangers and not baseline.inline_script.strip()
    return article, baseline


def executable_markup(html: str, baseline: _Markup) -> list[str]:
    """What ``html`` could run that the site's own page of comments cannot."""
    found = markup(html)
    problems = list(found.dangers)
    # Other pages load fewer of the site's scripts (order.js is the article page's).
    if not set(found.scripts) <= set(baseline.scripts) or found.inline_script.strip():
        problems.append(f"scripts {found.scripts} {found.inline_script[:200]!r}")
    injected = found.tags & _ACTIVE_TAGS - baseline.tags
    problems += [f"<{tag}> from user text" for tag in sorted(injected)]
    return problems


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        "<img src=x onerror=alert(1)>",
        "<p onclick='alert(1)'>hi</p>",
        '<a href=" java\tscript:alert(1)">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    ],
)
def test_markup_check_catches_markup_that_escaping_would_have_stopped(site, raw):
    article, baseline = site
    page = Client().get(article.get_absolute_url()).content.decode()
    assert executable_markup(page, baseline) == []
    assert executable_markup(page.replace("Agreed.", raw), baseline) != []



def test_naughty_and_xss_strings_as_name_body_and_email_never_500_nor_inject_markup(site):
    article, baseline = site
    client = Client()
    failures = []
    for n, text in enumerate(BLNS + XSS):
        responses = [
            submit(client, article, name=text, body=f"{n}: {text}"),
            submit(client, article, email=text, body=f"Email case {n}."),
        ]
        for response in responses:
            if response.status_code not in {303, 400}:
                failures.append(f"{text!r}: status {response.status_code}")
            elif response.status_code == 400:
                failures += [f"{text!r}: {p}" for p in executable_markup(
                    response.content.decode(), baseline
                )]
    assert failures == []
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert Comment.objects.count() > len(BLNS)
    assert executable_markup(page.content.decode(), baseline) == []


def test_xss_strings_in_a_parent_are_inert_on_the_reply_form_and_the_comment_page(site):
    article, baseline = site
    for text in XSS:
        parent = post(article, body=text, author=text[:80])
        for url in [
            reverse("comments:reply", args=[article.slug, parent.pk]),
            parent.get_absolute_url(),
        ]:
            response = Client().get(url)
            assert response.status_code == 200
            assert executable_markup(response.content.decode(), baseline) == [], url


@pytest.mark.parametrize("body", ["x" * 1_000_000, "x" * 3_000_000], ids=["1 MB", "3 MB"])
def test_overlong_body_is_refused_with_a_4xx_and_writes_nothing(site, body):
    article, __ = site
    before = Comment.objects.count()
    response = submit(Client(), article, body=body)
    assert response.status_code in {400, 413}
    assert Comment.objects.count() == before


@pytest.mark.parametrize("field", ["name", "body", "email"])
def test_nul_byte_is_a_form_error_and_writes_nothing(site, field):
    article, __ = site
    before = Comment.objects.count()
    response = submit(Client(), article, **{field: "bad\x00value"})
    assert response.status_code == 400
    assert Comment.objects.count() == before


def test_rtl_override_and_zero_width_characters_are_stripped_before_saving(site):
    article, __ = site
    response = submit(
        Client(), article, name="\u200bAd\u200dmin\u202e", body="txt.\u202eexe\u200b ok"
    )
    assert response.status_code == 303
    comment = Comment.objects.latest("pk")
    assert (comment.author_name, comment.body) == ("Admin", "txt.exe ok")


def test_body_of_nothing_but_invisible_characters_is_a_form_error(site):
    article, __ = site
    before = Comment.objects.count()
    response = submit(Client(), article, body="\u200b\u200c\u200d\u2060\ufeff\u202e")
    assert response.status_code == 400
    assert Comment.objects.count() == before


def test_name_with_cr_lf_is_saved_on_one_line_and_never_reaches_a_header(site):
    article, __ = site
    response = submit(Client(), article, name="Eve\r\nSet-Cookie: admin=1\rX: y\n")
    assert response.status_code == 303
    assert "admin=1" not in response.cookies
    assert all("\n" not in value and "\r" not in value for value in response.headers.values())
    assert Comment.objects.latest("pk").author_name == "Eve Set-Cookie: admin=1 X: y"












NEXT_TARGETS = [
    "//evil.example", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
    "https://evil.example/", "http:evil.example", "/%2F%2Fevil.example", "//%65vil.example",
]


def assert_local(response) -> None:
    assert response.status_code < 500
    location = response.headers.get("Location")
    if location is None:
        return
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc) == ("", ""), location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize("target", NEXT_TARGETS)
def test_next_parameter_never_redirects_off_site_after_posting_or_reporting(site, target):
    article, __ = site
    comment = Comment.objects.filter(article=article).first()
    client = Client()
    query = f"?next={target}"
    assert_local(client.post(
        reverse("comments:post", args=[article.slug]) + query,
        {"name": "R", "body": f"Next {target}", "next": target},
    ))
    assert_local(client.post(
        reverse("comments:reply", args=[article.slug, comment.pk]) + query,
        {"name": "R", "body": f"Reply next {target}", "next": target},
    ))
    assert_local(client.post(
        reverse("comments:report", args=[article.slug, comment.pk]) + query,
        {"reason": "spam", "next": target},
    ))
    assert_local(client.post(
        reverse("comments:post", args=[article.slug]) + query,
        {"name": "Bot", "body": "Buy now", "website": "http://spam.example", "next": target},
    ))


@pytest.mark.parametrize("target", NEXT_TARGETS)
def test_next_parameter_never_redirects_off_site_after_admin_login(site, target, django_user_model):
    django_user_model.objects.create_user("desk", password="a long password 1", is_staff=True)
    response = Client().post(
        reverse("admin:login") + f"?next={target}",
        {"username": "desk", "password": "a long password 1", "next": target},
    )
    assert response.status_code == 302
    assert_local(response)
