"""A real ``db_worker`` beside a real SMTP server, over a load database (tests/load):
the notification tests' "Done when" run against these."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from contextlib import suppress
from dataclasses import dataclass, field

from tests.load.conftest import PYTHON, ROOT, LoadDatabase
from tests.notifications.mailbox import Mailbox

STOP_SECONDS = 10


@dataclass
class Live:
    db: LoadDatabase
    mailbox: Mailbox
    env: dict[str, str] = field(default_factory=dict)
    worker: subprocess.Popen | None = None

    def probe(self, *args) -> object:
        result = subprocess.run(
            [PYTHON, "-m", "tests.notifications.probe", *map(str, args)],
            cwd=ROOT, env=self.db.env(**self.env), capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, f"probe {args} failed:\n{result.stderr}"
        return json.loads(result.stdout)

    def start_worker(self) -> None:
        log = (self.db.folder / f"worker-{time.monotonic_ns()}.log").open("w")
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay",
             "--no-reload"],
            cwd=ROOT, env=self.db.env(**self.env), stdout=log, stderr=subprocess.STDOUT,
        )

    def kill_worker(self) -> None:
        """SIGKILL: no handler runs, no transaction commits, the claim stays behind."""
        os.kill(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=STOP_SECONDS)

    def stop_worker(self) -> None:
        if self.worker is None or self.worker.poll() is not None:
            return
        self.worker.terminate()
        try:
            self.worker.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                self.worker.kill()
            self.worker.wait(timeout=STOP_SECONDS)

    def notifications(self) -> list[list]:
        return self.probe("state")["notifications"]

    def wait_settled(self, *, count: int, seconds: float) -> list[list]:
        """Wait until ``count`` notifications (at least) are recorded and none is
        pending; return them all. A pass records replies up to a round after they
        are posted: before that there are none, and none pending."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            rows = self.notifications()
            settled = all(status != "pending" for _recipient, status, _attempts in rows)
            if len(rows) >= count and settled:
                return rows
            time.sleep(0.3)
        raise AssertionError(f"not {count} notifications settled after {seconds} s: {rows}")
