"""Private Redis and PostgreSQL servers that a test may stop and start again.

The shared servers on 6379 and 5432 serve other test runs, so a test that
takes a dependency away starts its own, on a free port of 127.0.0.1, and
removes it afterwards. Each helper skips, saying why, where its binaries are
missing.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from deploy.proxy import free_port

REDIS_SERVER = "/usr/bin/redis-server"
POSTGRESQL_BINARIES = sorted(
    Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
)
START_SECONDS = 15


def _wait_for_port(port: int, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        with suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        time.sleep(0.02)
    raise AssertionError(f"nothing listened on 127.0.0.1:{port} within {START_SECONDS} s")


class PrivateRedis:
    """A throwaway redis-server that keeps nothing on disk."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.process)

    def pause(self) -> None:
        """Freeze the server: connections open but nothing answers, as a hung Redis does."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.resume()
            stop(self.process, timeout=10)
        self.process = None


@contextmanager
def private_redis(folder: Path) -> Iterator[PrivateRedis]:
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.skip(f"needs {REDIS_SERVER} (Debian's redis-server) to stop a Redis of its own")
    server = PrivateRedis(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class PrivatePostgreSQL:
    """A throwaway PostgreSQL cluster, run as the postgres user when we are root
    (initdb refuses root), with its data and socket in a folder of its own."""

    def __init__(self, binaries: Path):
        self.binaries = binaries
        self.port = free_port()
        # Not under pytest's tmp_path: the postgres user must be able to reach it.
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.folder, self.user, self.user)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        # Output to a file, not a pipe: a server pg_ctl starts would hold a pipe open.
        with (self.folder / f"{program}.out").open("w+") as out:
            result = subprocess.run(
                [str(self.binaries / program), *args], user=self.user, cwd=self.folder,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, timeout=timeout,
            )
            out.seek(0)
            assert result.returncode == 0, f"{program} {' '.join(args)} failed:\n{out.read()}"

    def create(self) -> None:
        self._run("initdb", "--pgdata", str(self.data), "--username", "postgres",
                  "--auth", "trust", "--encoding", "UTF8", "--no-sync")
        # Only a clean restart is tested: fsync guards against a lost machine,
        # not a lost server, and without it migrating takes seconds less.
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                   "-c fsync=off -c full_page_writes=off")
        self._run("pg_ctl", "--pgdata", str(self.data), "--log", str(self.log), "--wait",
                  "--options", options, "start")

    def restart(self) -> None:
        """Stop as an operator would (``-m fast``: sessions are cut) and start again;
        returns once the server accepts connections."""
        self._run("pg_ctl", "--pgdata", str(self.data), "--log", str(self.log), "--mode", "fast",
                  "--wait", "restart")

    def remove(self) -> None:
        with suppress(AssertionError, subprocess.TimeoutExpired):
            self._run("pg_ctl", "--pgdata", str(self.data), "--mode", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextmanager
def private_postgresql() -> Iterator[PrivatePostgreSQL]:
    if not POSTGRESQL_BINARIES:
        pytest.skip("needs PostgreSQL's server binaries in /usr/lib/postgresql/*/bin")
    if os.geteuid() == 0 and not _user_exists("postgres"):
        pytest.skip("as root, needs a postgres user to run initdb as (initdb refuses root)")
    cluster = PrivatePostgreSQL(POSTGRESQL_BINARIES[-1])
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.remove()


def descendants(pid: int) -> set[int]:
    """Every process ``pid`` started, and theirs, as /proc lists them now."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            # A process exiting meanwhile: ENOENT, or ESRCH.
            with suppress(OSError):
                children = {int(c) for c in (task / "children").read_text().split()}
                found |= children
                todo += children
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie has stopped: only its parent has yet to reap it)."""
    try:
        return _stat(pid)[0] != "Z"
    except OSError:
        return False


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def parent(pid: int) -> int:
    return int(_stat(pid)[1])


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat's fields after the command, which is in parentheses and may
    hold spaces: the state, the parent, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def stop(process: subprocess.Popen, *, timeout: float) -> None:
    """Ask a server to stop, as a deployment would; kill it if it is still up after
    ``timeout`` seconds. The browser tests, the load suite's private servers and
    bench/run.py stop theirs with it."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
