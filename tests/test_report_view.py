"""The public Report link: a short form, once per session per comment, a threshold that holds."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertRedirects

from comments.models import Comment, Report
from tests.helpers import create_tree, make_article, post, send

pytestmark = pytest.mark.django_db


def report_url(comment) -> str:
    return f"/articles/{comment.article.slug}/comments/{comment.pk}/report/"


def report(client, comment, reason="abuse", note=""):
    return send(client, report_url(comment), {"reason": reason, "note": note})


def test_the_report_page_quotes_the_comment_and_offers_the_reasons(reader):
    comment = post(make_article(), body="Quote me.")

    response = reader.get(report_url(comment))

    assertContains(response, "Quote me.")
    for label in Report.Reason.labels:
        assertContains(response, label)


def test_a_report_is_saved_with_its_reason_and_note_and_counted(reader):
    comment = post(make_article())

    response = report(reader, comment, reason="misinformation", note="Wrong date")

    assert response.status_code == 303
    saved = Report.objects.get()
    assert (saved.comment, saved.reason, saved.note, saved.ip_address) == (
        comment,
        "misinformation",
        "Wrong date",
        "127.0.0.1",
    )
    comment.refresh_from_db()
    assert comment.report_count == 1
    page = reader.get(response["Location"])
    assertContains(page, "Thank you. Moderators will look at this comment.")


def test_a_reader_reports_a_comment_only_once_per_session(reader):
    comment = post(make_article())
    report(reader, comment)

    again = reader.get(report_url(comment))
    response = reader.post(
        report_url(comment),
        {"reason": "spam", "csrfmiddlewaretoken": reader.cookies["csrftoken"].value},
    )

    assert again.status_code == response.status_code == 303
    assert Report.objects.count() == 1
    comment.refresh_from_db()
    assert comment.report_count == 1
    assertContains(reader.get(response["Location"]), "You have already reported this comment.")


def test_one_session_may_report_different_comments(reader):
    tree = create_tree()

    report(reader, tree.root)
    report(reader, tree.child1)

    assert Report.objects.count() == 2


def test_a_report_without_a_reason_is_refused_and_shows_the_form_again(reader):
    comment = post(make_article())

    response = report(reader, comment, reason="")

    assertContains(response, "Choose what is wrong with the comment.", status_code=400)
    assert not Report.objects.exists()


def test_three_reports_from_three_readers_hold_a_published_comment(settings):
    settings.NEWSROOM_REPORT_THRESHOLD = 3
    comment = post(make_article(), body="Reported thrice")

    for n in range(3):
        reader = Client(enforce_csrf_checks=True, REMOTE_ADDR=f"10.0.0.{n}")
        assert report(reader, comment).status_code == 303
        comment.refresh_from_db()
        assert comment.status == (Comment.Status.PENDING if n == 2 else Comment.Status.PUBLISHED)

    assert comment.moderation_reason == "Held automatically after 3 reports."
    page = Client().get(comment.article.get_absolute_url())
    assert "Reported thrice" not in page.content.decode()


def test_a_comment_that_is_not_published_cannot_be_reported(reader):
    comment = post(make_article(), status=Comment.Status.PENDING)

    assert reader.get(report_url(comment)).status_code == 404


def test_reporting_redirects_to_the_comment_on_its_article_page(reader):
    comment = post(make_article())

    response = report(reader, comment)

    assertRedirects(
        response,
        f"{comment.article.get_absolute_url()}?comment={comment.pk}#c{comment.pk}",
        status_code=303,
        fetch_redirect_response=False,
    )


# Stuffing: one address, a fresh session for every report.


def report_fresh(comment, note="", address="203.0.113.5"):
    """A report from a client that dropped its cookies, as a script would."""
    return report(Client(enforce_csrf_checks=True, REMOTE_ADDR=address), comment, note=note)


def test_reports_over_the_per_minute_limit_get_a_429_that_keeps_the_note(settings):
    settings.NEWSROOM_REPORTS_PER_MINUTE = 3
    comment = post(make_article())

    statuses = [report_fresh(comment).status_code for __ in range(3)]
    refused = report_fresh(comment, note="Please keep my note")

    assert statuses == [303, 303, 303]
    assertContains(refused, "You are sending reports too fast.", status_code=429)
    assertContains(refused, "Please keep my note</textarea>", status_code=429)
    assert Report.objects.count() == 3
    comment.refresh_from_db()
    assert comment.report_count == 3


def test_the_report_limit_counts_each_address_on_its_own(settings):
    settings.NEWSROOM_REPORTS_PER_MINUTE = 1
    comment = post(make_article())

    first = report_fresh(comment, address="203.0.113.5").status_code
    other = report_fresh(comment, address="203.0.113.6").status_code

    assert (first, other) == (303, 303)


def test_the_report_limit_is_off_with_zero(settings):
    settings.NEWSROOM_REPORTS_PER_MINUTE = 0
    comment = post(make_article())

    assert {report_fresh(comment).status_code for __ in range(12)} == {303}


def test_one_address_stuffing_reports_from_fresh_sessions_never_holds_a_comment(settings):
    settings.NEWSROOM_REPORT_THRESHOLD = 3
    comment = post(make_article())

    statuses = [report_fresh(comment).status_code for __ in range(15)]

    assert statuses == [303] * 10 + [429] * 5
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (Comment.Status.PUBLISHED, 10)
