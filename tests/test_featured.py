"""Featured comments: moderators feature and unfeature from the queue and a comment's
page; the discussion opens with them, quoted; the thread marks them."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from tests.helpers import (
    S,
    bulk,
    change_url,
    make_article,
    make_reader,
    moderate,
    post,
    reload,
    version,
)

pytestmark = pytest.mark.django_db


def feature_url(comment) -> str:
    return f"/admin/comments/comment/{comment.pk}/feature/"


def test_the_queue_action_features_published_comments_and_records_who(desk, moderator):
    article = make_article()
    good, held = post(article, body="Good one."), post(article, status=S.PENDING)
    before = version(article)

    response = bulk(desk, "feature", [good, held])

    assert reload(good).featured_at is not None
    assert reload(held).featured_at is None
    assert version(article) == before + 1
    assertContains(response, "1 comment featured.")
    assertContains(response, "1 selected comment was left as it was")
    entry = LogEntry.objects.get(object_id=str(good.pk))
    assert (entry.user, entry.change_message) == (moderator, "Featured")


def test_the_queue_action_unfeatures(desk):
    comment = post(make_article())
    bulk(desk, "feature", [comment])

    response = bulk(desk, "unfeature", [comment])

    assert reload(comment).featured_at is None
    assertContains(response, "1 comment no longer featured.")
    assert LogEntry.objects.filter(change_message="No longer featured").count() == 1


def test_the_change_page_has_a_feature_button_then_an_unfeature_one(desk):
    comment = post(make_article())
    assertContains(desk.get(change_url(comment)), 'name="featured" value="1"')

    response = desk.post(feature_url(comment), {"featured": "1"}, follow=True)

    assert reload(comment).featured_at is not None
    assertContains(response, "Comment featured: it now opens its discussion.")
    assertContains(response, 'name="featured" value="0"')
    desk.post(feature_url(comment), {"featured": "0"})
    assert reload(comment).featured_at is None


def test_the_change_page_offers_no_feature_button_on_a_removed_comment(desk):
    comment = post(make_article())
    moderate(comment, "remove")

    assertNotContains(desk.get(change_url(comment)), 'name="featured"')
    desk.post(feature_url(comment), {"featured": "1"})
    assert reload(comment).featured_at is None


def test_a_reader_cannot_feature(client):
    comment = post(make_article())
    client.force_login(make_reader("Rita"))

    response = client.post(feature_url(comment), {"featured": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert reload(comment).featured_at is None


def test_staff_without_the_moderate_permission_cannot_feature(client, django_user_model):
    comment = post(make_article())
    client.force_login(django_user_model.objects.create_user("clerk", is_staff=True))

    assert client.post(feature_url(comment), {"featured": "1"}).status_code in {403, 404}
    assert reload(comment).featured_at is None


def test_the_discussion_opens_with_the_featured_comments_quoted_and_linked(client, desk):
    article = make_article(slug="story")
    comment = post(article, body="<b>Bold</b> claim,\n\nwell argued.", author="Ada")
    post(article, body="Not featured.")
    bulk(desk, "feature", [comment])

    page = client.get("/articles/story/")

    html = page.content.decode()
    section = html[html.index('class="featured-comments"') : html.index('class="thread"')]
    assert "&lt;b&gt;Bold&lt;/b&gt; claim, well argued." in section
    assert "Ada" in section
    assert f'href="/articles/story/?comment={comment.pk}#c{comment.pk}"' in section
    assert "Not featured." not in section


def test_a_long_featured_comment_is_trimmed_in_the_quote(client, desk):
    article = make_article()
    comment = post(article, body=" ".join(f"w{i}" for i in range(80)))
    bulk(desk, "feature", [comment])

    html = client.get(article.get_absolute_url()).content.decode()

    section = html[html.index('class="featured-comments"') : html.index('class="thread"')]
    assert "w48 w49…" in section
    assert "w50" not in section


def test_the_featured_comment_is_marked_in_the_thread(client, desk):
    article = make_article()
    comment, other = post(article), post(article)
    bulk(desk, "feature", [comment])

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.count('<em class="featured">Featured</em>') == 1
    assert html.index(f'id="c{comment.pk}"') < html.index('class="featured">Featured<')
    assert html.index('class="featured">Featured<') < html.index(f'id="c{other.pk}"')


def test_a_hidden_featured_comment_leaves_the_section(client, desk):
    article = make_article()
    comment = post(article, body="Featured, then removed.")
    bulk(desk, "feature", [comment])
    moderate(comment, "remove")

    response = client.get(article.get_absolute_url())

    assertNotContains(response, 'class="featured-comments"')
    assertNotContains(response, "Featured, then removed.")


@pytest.mark.parametrize("featured", [1, 12])
def test_the_section_costs_one_query_however_many_are_featured(
    client, django_assert_num_queries, featured
):
    article = make_article()
    comments = [post(article) for _ in range(12)]
    Comment.objects.filter(pk__in=[c.pk for c in comments[:featured]]).update(
        featured_at=comments[0].created
    )
    cache.clear()

    # Cold: article, pages of threads, page of threads, published count, featured.
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())
    assertContains(response, "Read it in the discussion", count=min(featured, 10))
