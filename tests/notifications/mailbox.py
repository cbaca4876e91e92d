"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts, and can
be stopped, started again on the same port, or made slow before each message."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections import Counter
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.servers import free_port


class Mailbox:
    def __init__(self):
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.messages: list[EmailMessage] = []
        self.recipients_started = 0
        # The client end of each connection a message came over.
        self.peers: set[tuple] = set()
        # Seconds each RCPT waits before it is answered: the sender is mid-message,
        # before it has handed over any text the server could keep.
        self.rcpt_delay = 0.0
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            self.recipients_started += 1
        if self.rcpt_delay:
            time.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.peers.add(tuple(session.peer))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def per_recipient(self) -> Counter:
        with self._lock:
            return Counter(m["To"] for m in self.messages)

    def wait_for(self, count: int, *, seconds: float, address: str | None = None) -> None:
        """Wait until ``count`` messages (to ``address``) arrived; fail after ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            got = len(self.to(address)) if address else len(self.messages)
            if got >= count:
                return
            time.sleep(0.05)
        raise AssertionError(
            f"{got} of {count} messages{f' to {address}' if address else ''} in {seconds} s"
        )


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
