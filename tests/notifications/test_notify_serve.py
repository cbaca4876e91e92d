"""`make run`'s bin/serve: gunicorn and one db_worker, stopped together by Ctrl-C."""

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.load.conftest import ROOT
from tests.servers import free_port

pytestmark = pytest.mark.load
SECONDS = 30


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            children = {int(c) for c in (task / "children").read_text().split()}
            found |= children
            todo += children
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_ctrl_c_stops_gunicorn_and_the_worker_and_leaves_no_process(load_db):
    port = free_port()
    serve = subprocess.Popen(
        [str(ROOT / "bin" / "serve")], cwd=ROOT, env=load_db.env(PORT=str(port)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        processes = _descendants(serve.pid)
        commands = {Path(f"/proc/{pid}/cmdline").read_text() for pid in processes}
        assert any("gunicorn" in c for c in commands)
        assert any("db_worker" in c for c in commands)

        # A terminal's Ctrl-C: SIGINT to the whole foreground process group.
        os.killpg(serve.pid, signal.SIGINT)
        serve.wait(timeout=SECONDS)

        deadline = time.monotonic() + SECONDS
        while any(_alive(pid) for pid in processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in processes if _alive(pid)] == []
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=SECONDS)
