"""An export's articles are imported many to a transaction: what one article at a
time guaranteed still holds within a batch."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from comments.models import Comment
from tests.helpers import make_article

pytestmark = pytest.mark.django_db

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Batch</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://batch.example</wp:base_site_url>
"""


def item(post: int, *, title: str | None = None, link: str | None = None, cid: str = "") -> str:
    comment_id = cid or str(post * 10)
    return (
        f"<item><title>{title or f'Post {post}'}</title>"
        f"<link>{link or f'https://batch.example/{post}/'}</link>"
        f"<wp:post_id>{post}</wp:post_id><wp:post_type>post</wp:post_type>"
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author>Reader {post}</wp:comment_author>"
        f"<wp:comment_date_gmt>2017-07-11 15:42:00</wp:comment_date_gmt>"
        f"<wp:comment_content>Comment on {post}.</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>"
        "</wp:comment></item>\n"
    )


def run(tmp_path, *items: str, tail: str = "</channel></rss>\n") -> tuple[str, str]:
    path = tmp_path / "export.xml"
    path.write_text(HEAD + "".join(items) + tail, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_comments", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_articles_before_a_fault_are_kept_though_they_share_its_transaction(tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path, item(1), item(2), "<item><title>Cut", tail="")
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Post 1", "Post 2"]
    assert Comment.objects.count() == 2


def test_articles_before_a_post_that_cannot_be_recorded_are_kept(tmp_path):
    too_long = "9" * (Comment._meta.get_field("import_key").max_length + 1)
    with pytest.raises(CommandError):
        run(tmp_path, item(1), item(2), item(3, cid=too_long), item(4))
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Post 1", "Post 2"]


def test_a_post_exported_twice_is_one_article_and_a_permalink_seen_again_joins_it(tmp_path):
    out, err = run(
        tmp_path, item(1), item(1), item(2, link="https://batch.example/1/", cid="20")
    )
    assert err == ""
    assert Article.objects.count() == 1
    assert sorted(Comment.objects.values_list("import_key", flat=True)) == ["10", "20"]
    # Each is read as if imported alone, after the ones before it were written.
    assert "3 articles (1 created, 1 unchanged, 1 updated)" in out


def test_posts_with_one_title_get_slugs_of_their_own_beside_an_existing_article(tmp_path):
    make_article(title="Same title", slug="same-title")
    run(tmp_path, *(item(n, title="Same title") for n in range(1, 4)))
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == ["same-title", "same-title-2", "same-title-3", "same-title-4"]
