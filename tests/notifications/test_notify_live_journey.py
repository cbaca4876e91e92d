"""Done when, with a real SMTP server, gunicorn and db_worker: a reader signs up and
comments, another replies, exactly one message arrives, with the reply's text, a
working link and both unsubscribe headers; unsubscribing turns further mail off. A
held reply sends nothing until approved."""

import re
import time

import httpx
import pytest

from tests.load.conftest import gunicorn
from tests.notifications.mailbox import text_of

pytestmark = pytest.mark.load
MAIL_SECONDS = 30
ADA = "ada@example.com"


def _form(client: httpx.Client, url: str, data: dict) -> httpx.Response:
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    return client.post(url, data={"csrfmiddlewaretoken": token, **data})


def _sign_up_and_verify(server_url: str, mailbox) -> httpx.Client:
    ada = httpx.Client(base_url=server_url, timeout=30)
    signup = {"email": ADA, "display_name": "Ada", "password1": "correct horse battery"}
    assert _form(ada, "/accounts/signup/", signup).status_code == 302
    mailbox.wait_for(1, address=ADA, seconds=MAIL_SECONDS)
    confirm = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", text_of(mailbox.to(ADA)[0]))
    assert _form(ada, confirm[1], {}).status_code == 302
    return ada


def test_a_reply_mails_its_parents_author_once_and_one_click_unsubscribes(live):
    with gunicorn(live.db, workers=2, **live.env) as server:
        live.env["NEWSROOM_SITE_URL"] = server.url
        live.start_worker()
        ada = _sign_up_and_verify(server.url, live.mailbox)
        posted = _form(ada, "/articles/breaking/comment/", {"body": "Bridges are good."})
        assert posted.status_code == 303
        parent = int(re.search(r"comment=(\d+)", posted.headers["location"])[1])
        guest = httpx.Client(base_url=server.url, timeout=30)
        reply_form = f"/articles/breaking/comments/{parent}/reply/"
        reply = {"name": "Bob", "body": "Good point, but no."}
        assert _form(guest, reply_form, reply).status_code == 303

        live.mailbox.wait_for(2, address=ADA, seconds=MAIL_SECONDS)
        message = live.mailbox.to(ADA)[1]
        assert "Good point, but no." in text_of(message)
        link = re.search(rf"{re.escape(server.url)}(/articles/\S+)", text_of(message))[1]
        assert "Good point, but no." in httpx.get(server.url + link, timeout=30).text
        unsubscribe = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"].strip())[1]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # As a mail client does it (RFC 8058): no cookie, no CSRF token.
        one_click = httpx.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}, timeout=30)
        assert one_click.status_code == 200

        assert _form(guest, reply_form, {"name": "Bob", "body": "Still no."}).status_code == 303
        live.wait_settled(count=1, seconds=MAIL_SECONDS)
        time.sleep(2)
        assert len(live.mailbox.to(ADA)) == 2  # the verification, and the one reply


def test_a_held_reply_sends_nothing_until_a_moderator_approves_it(live):
    live.start_worker()
    (address, (reader, parent)), = live.probe("readers", 1).items()
    held = live.probe("replies", parent, 1, "pending")

    time.sleep(2)
    assert live.notifications() == []
    assert live.mailbox.to(address) == []

    live.probe("approve", *held)
    live.mailbox.wait_for(1, address=address, seconds=MAIL_SECONDS)
    assert f"Reply number 0 to {parent}." in text_of(live.mailbox.to(address)[0])
    assert live.wait_settled(count=1, seconds=MAIL_SECONDS) == [[f"user:{reader}", "sent", 1]]
