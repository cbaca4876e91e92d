"""Every version of a comment is kept, and moderators read the edits as diffs."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from comments import authoring, revisions
from comments.models import Revision
from tests.helpers import change_url, make_article, post, reload

pytestmark = pytest.mark.django_db


def revise(comment, body, editor=None):
    return authoring.comment_revise(
        comment=reload(comment), body=body, editor=editor, ip_address=None
    )


def test_each_edit_reads_as_a_diff_from_the_words_it_replaced():
    comment = post(make_article(), body="one\ntwo\nthree")
    revise(comment, "one\n2\nthree")
    revise(comment, "one\n2\nthree\nfour")

    first, second = revisions.changes(reload(comment))

    assert ("-", "two") in first.lines and ("+", "2") in first.lines
    assert second.lines[-1] == ("+", "four")
    assert (first.revision.body, second.revision.body) == ("one\ntwo\nthree", "one\n2\nthree")


def test_moderators_see_the_edits_escaped_on_the_comments_page(desk):
    comment = post(make_article(), body="Before <b>bold</b>")
    revise(comment, "After <script>alert(1)</script>")

    page = desk.get(change_url(comment))

    assertContains(page, "1 edit</h2>")
    assertContains(page, "by a guest")
    assertContains(page, '<span class="removed">- Before &lt;b&gt;bold&lt;/b&gt;</span>')
    assertContains(page, '<span class="added">+ After &lt;script&gt;alert(1)&lt;/script&gt;</span>')
    assertNotContains(page, "<script>alert(1)")


def test_an_unedited_comment_shows_no_edits(desk):
    assertNotContains(desk.get(change_url(post(make_article()))), 'class="revisions"')


def test_a_superusers_redaction_keeps_the_words_it_replaced(admin_client, admin_user):
    comment = post(make_article(), body="Call me on 555 0100")

    admin_client.post(
        change_url(comment),
        {"body": "Call me on [redacted]", "author_name": "Reader", "email": "",
         "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"},
    )

    revision = Revision.objects.get(comment=comment)
    assert (revision.body, revision.replaced_by) == ("Call me on 555 0100", admin_user)
    assert revision.replaced_at == reload(comment).edited_at


def test_a_redaction_of_the_name_alone_keeps_no_revision(admin_client):
    comment = post(make_article(), body="Same words")

    admin_client.post(
        change_url(comment),
        {"body": "Same words", "author_name": "Someone else", "email": "",
         "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"},
    )

    assert not Revision.objects.exists()
