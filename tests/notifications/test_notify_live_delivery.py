"""Done when, with a real SMTP server and db_worker: batching per reader and thread,
an SMTP outage, and a worker killed mid-send. Every message arrives, none twice."""

import re
import time

import pytest

from tests.notifications.mailbox import text_of

pytestmark = pytest.mark.load
SECONDS = 90


def _readers_with_comments(live, count: int) -> dict[str, int]:
    """``count`` readers with a comment each: address -> comment id."""
    return {address: comment for address, (_user, comment) in live.probe("readers", count).items()}


def _replies_in(messages) -> list[str]:
    return [line for m in messages for line in re.findall(r"Reply number \d+ to \d+\.", text_of(m))]


def test_fifty_replies_within_the_window_come_in_at_most_two_messages_holding_all(live):
    live.start_worker()
    (address, comment), = _readers_with_comments(live, 1).items()

    started = time.monotonic()
    live.probe("replies", comment, 50)
    assert time.monotonic() - started < 15, "posting outlasted the 15 s window"

    live.wait_settled(count=50, seconds=SECONDS)
    messages = live.mailbox.to(address)
    assert 1 <= len(messages) <= 2
    replies = _replies_in(messages)
    assert sorted(replies) == sorted(f"Reply number {n} to {comment}." for n in range(50))


def test_replies_arriving_while_the_mail_server_is_down_are_each_delivered_once(live):
    live.start_worker()
    comments = _readers_with_comments(live, 5)
    first, *others = comments.items()
    live.probe("replies", first[1], 1)
    live.mailbox.wait_for(1, seconds=SECONDS)

    live.mailbox.stop()
    live.probe("reply-to", *(comment for _address, comment in others))
    time.sleep(3)
    assert all(attempts >= 1 for _r, status, attempts in live.notifications()[1:])
    live.mailbox.start()

    rows = live.wait_settled(count=5, seconds=SECONDS)
    assert {status for _r, status, _a in rows} == {"sent"}
    assert max(attempts for _r, _s, attempts in rows) >= 2, "no attempt failed: SMTP was up"
    assert live.mailbox.per_recipient() == {address: 1 for address in comments}


def test_a_worker_killed_mid_send_and_restarted_sends_every_message_once(live):
    comments = _readers_with_comments(live, 10)
    live.probe("reply-to", *comments.values())
    # Each message waits at RCPT, before the server holds any text of it: a kill
    # there is a kill mid-send.
    live.mailbox.rcpt_delay = 0.4
    live.start_worker()
    deadline = time.monotonic() + SECONDS
    while live.mailbox.recipients_started < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    live.kill_worker()
    delivered_before = len(live.mailbox.messages)
    assert 0 < delivered_before < 10

    live.start_worker()
    rows = live.wait_settled(count=10, seconds=SECONDS)

    assert {status for _r, status, _a in rows} == {"sent"}
    assert live.mailbox.per_recipient() == {address: 1 for address in comments}
