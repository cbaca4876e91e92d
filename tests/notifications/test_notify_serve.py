"""`make run`'s bin/serve (gunicorn and one db_worker) and `make run-proxy`'s
deploy/proxy.py (nginx in front of bin/serve): each serves, runs the worker below
gunicorn's priority, and stops whole, by Ctrl-C or when one part ends."""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from deploy.proxy import nginx_missing
from tests.load.conftest import ROOT
from tests.servers import alive, command_line, descendants, free_port, parent

pytestmark = pytest.mark.load
SECONDS = 30

SERVERS = {
    "run": ([str(ROOT / "bin" / "serve")], ("gunicorn", "db_worker")),
    "run-proxy": ([sys.executable, "-m", "deploy.proxy"], ("nginx", "gunicorn", "db_worker")),
}


class Serving:
    """One of SERVERS, started in a session of its own, as a terminal would."""

    def __init__(self, load_db, target: str, folder):
        if target == "run-proxy" and (reason := nginx_missing()):
            pytest.skip(reason)
        command, self.expected = SERVERS[target]
        self.target, self.port = target, free_port()
        self.process = subprocess.Popen(
            command, cwd=ROOT,
            env=load_db.env(PORT=str(self.port), NEWSROOM_PROXY_DIR=str(folder)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )

    def ready(self) -> dict[int, str]:
        """Once the site answers 200, its processes by pid, with their command lines.
        (nginx answers 502 until gunicorn listens.)"""
        deadline = time.monotonic() + SECONDS
        response = None
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{self.port}/", timeout=5)
                if response.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert response is not None and response.status_code == 200
        assert response.headers["server"].startswith("nginx") == (self.target == "run-proxy")
        commands = {pid: command_line(pid) for pid in descendants(self.process.pid)}
        for name in self.expected:
            assert any(name in c for c in commands.values()), f"no {name} in {commands}"
        return commands

    def all_stopped(self, commands: dict[int, str]) -> None:
        self.process.wait(timeout=SECONDS)
        deadline = time.monotonic() + SECONDS
        while any(alive(pid) for pid in commands) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [command for pid, command in commands.items() if alive(pid)] == []

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=SECONDS)


@pytest.fixture
def serving(load_db, tmp_path):
    started = []

    def start(target):
        started.append(Serving(load_db, target, tmp_path / "nginx"))
        return started[-1]

    yield start
    for server in started:
        server.kill()


def _gunicorn_master(commands: dict[int, str]) -> int:
    return next(
        pid for pid, c in commands.items() if "gunicorn" in c and "gunicorn" not in
        command_line(parent(pid))
    )


@pytest.mark.parametrize("target", SERVERS)
def test_ctrl_c_stops_every_server_and_the_worker_and_leaves_no_process(serving, target):
    server = serving(target)
    commands = server.ready()
    # Mail waits for readers: the worker runs below gunicorn's priority.
    worker = next(pid for pid, c in commands.items() if "db_worker" in c)
    assert os.getpriority(os.PRIO_PROCESS, worker) > os.getpriority(
        os.PRIO_PROCESS, _gunicorn_master(commands)
    )

    # A terminal's Ctrl-C: SIGINT to the whole foreground process group.
    os.killpg(server.process.pid, signal.SIGINT)

    server.all_stopped(commands)
    assert server.process.returncode in (0, 130)


@pytest.mark.parametrize("target", SERVERS)
def test_when_gunicorn_stops_the_rest_is_stopped_and_the_exit_says_so(serving, target):
    server = serving(target)
    commands = server.ready()

    os.kill(_gunicorn_master(commands), signal.SIGTERM)

    server.all_stopped(commands)
    assert server.process.returncode != 0
