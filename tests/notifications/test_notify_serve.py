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
from tests.servers import alive, command_line, descendants, free_port

pytestmark = pytest.mark.load
SECONDS = 30

SERVERS = {
    "run": ([str(ROOT / "bin" / "serve")], ("gunicorn", "db_worker")),
    "run-proxy": ([sys.executable, "-m", "deploy.proxy"], ("nginx", "gunicorn", "db_worker")),
}


def _serving(load_db, target: str) -> tuple[subprocess.Popen, dict[int, str]]:
    """Start ``target``; once it answers, its processes by pid with their command lines."""
    command, expected = SERVERS[target]
    if target == "run-proxy" and (reason := nginx_missing()):
        pytest.skip(reason)
    port = free_port()
    serve = subprocess.Popen(
        command, cwd=ROOT, env=load_db.env(PORT=str(port)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + SECONDS
    response = None
    while response is None and time.monotonic() < deadline and serve.poll() is None:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
    assert response is not None and response.status_code == 200
    assert response.headers["server"].startswith("nginx") == (target == "run-proxy")
    commands = {pid: command_line(pid) for pid in descendants(serve.pid)}
    for name in expected:
        assert any(name in c for c in commands.values()), f"no {name} in {commands}"
    return serve, commands


def _all_stopped(serve: subprocess.Popen, commands: dict[int, str]) -> None:
    serve.wait(timeout=SECONDS)
    deadline = time.monotonic() + SECONDS
    while any(alive(pid) for pid in commands) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [command for pid, command in commands.items() if alive(pid)] == []


@pytest.fixture
def serving(load_db):
    started = []

    def start(target):
        started.append(_serving(load_db, target))
        return started[-1]

    yield start
    for serve, _commands in started:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=SECONDS)


@pytest.mark.parametrize("target", SERVERS)
def test_ctrl_c_stops_every_server_and_the_worker_and_leaves_no_process(serving, target):
    serve, commands = serving(target)
    # Mail waits for readers: the worker runs below gunicorn's priority.
    gunicorn = min(pid for pid, c in commands.items() if "gunicorn" in c)
    worker = next(pid for pid, c in commands.items() if "db_worker" in c)
    assert os.getpriority(os.PRIO_PROCESS, worker) > os.getpriority(os.PRIO_PROCESS, gunicorn)

    # A terminal's Ctrl-C: SIGINT to the whole foreground process group.
    os.killpg(serve.pid, signal.SIGINT)

    _all_stopped(serve, commands)


@pytest.mark.parametrize("target", SERVERS)
def test_when_gunicorn_stops_the_rest_is_stopped_too(serving, target):
    serve, commands = serving(target)
    master = min(pid for pid, c in commands.items() if "gunicorn" in c)

    os.kill(master, signal.SIGTERM)

    _all_stopped(serve, commands)
