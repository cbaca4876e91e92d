"""The load harness: fresh databases and real gunicorn servers on 127.0.0.1.

The suite runs against the database DATABASE_URL names (a SQLite file in a
temporary folder otherwise), but never inside pytest-django's test database:
each test gets its own database, copied from one migrated once per session,
and drops it afterwards. Servers and helper processes run with the
production settings module, as `make run` does, and are stopped in teardown.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import httpx
import psycopg
import pytest
from psycopg import sql

from deploy.proxy import free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SECRET_KEY = secrets.token_urlsafe(50)
BOOT_SECONDS = 30
STOP_SECONDS = 10

FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.write_sep("-", "load figures (benchmarks, not assertions)")
        for line in FIGURES:
            terminalreporter.write_line(line)


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _maintenance_connection(url: str) -> psycopg.Connection:
    parts = dj_database_url.parse(url)
    return psycopg.connect(
        host=parts["HOST"] or None,
        port=parts["PORT"] or None,
        user=parts["USER"] or None,
        password=parts["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@dataclass
class LoadDatabase:
    """One database of the load suite, and how to run project code against it."""

    url: str
    engine: str  # "sqlite" or "postgresql"
    folder: Path  # for its logs and backups
    path: Path | None = None  # the SQLite file

    def env(self, **extra: str) -> dict[str, str]:
        # The caller's Django and Newsroom settings stay out, and so does Redis:
        # two load databases sharing one cache would serve each other's threads.
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "NEWSROOM_")) and key != "REDIS_URL"
        }
        env.update(
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            DJANGO_SECRET_KEY=SECRET_KEY,
            DJANGO_DEBUG="0",
            DJANGO_HTTPS="0",
            DATABASE_URL=self.url,
            NEWSROOM_POSTS_PER_MINUTE="0",
            # Every poster shares 127.0.0.1 and no email: newcomers held would hold them all.
            NEWSROOM_PREMODERATE_NEWCOMERS="0",
            NEWSROOM_LOG_LEVEL="WARNING",
        )
        env.update(extra)
        return env

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run a Python command line (``-m module ...`` or ``manage.py ...``) against it."""
        return subprocess.run(
            [PYTHON, *args], cwd=ROOT, env=self.env(), capture_output=True, text=True,
            timeout=timeout,
        )

    def spawn(self, *args: str) -> subprocess.Popen:
        """Start a Python command line against it in the background; the caller waits."""
        return subprocess.Popen(
            [PYTHON, *args], cwd=ROOT, env=self.env(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )

    def restore(self, backup: Path) -> None:
        """Load a backup_db file into this (empty) database, as the README says to."""
        if self.engine == "sqlite":
            shutil.copyfile(backup, self.path)
            return
        result = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={self.url}", str(backup)],
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, f"pg_restore failed:\n{result.stderr}"

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        result = self.run("manage.py", *args, timeout=timeout)
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
        return result

    def tool(self, *args: str, timeout: float = 120) -> dict:
        """Run tests/load/dbtool.py and return the JSON it prints."""
        result = self.run("-m", "tests.load.dbtool", *args, timeout=timeout)
        assert result.returncode == 0, f"dbtool {' '.join(args)} failed:\n{result.stderr}"
        return json.loads(result.stdout)


class DatabaseFactory:
    """Creates uniquely named databases of the engine under test and drops them all."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.postgres = _postgres_url()
        self.created: list[LoadDatabase] = []
        self.prefix = f"newsroom_load_{os.getpid()}_{secrets.token_hex(3)}"

    def create(self, template: LoadDatabase | None = None) -> LoadDatabase:
        name = f"{self.prefix}_{len(self.created)}"
        if self.postgres:
            with _maintenance_connection(self.postgres) as conn:
                statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                if template is not None:
                    statement += sql.SQL(" TEMPLATE {}").format(
                        sql.Identifier(template.url.rsplit("/", 1)[1])
                    )
                conn.execute(statement)
            url = f"{self.postgres.rsplit('/', 1)[0]}/{name}"
            database = LoadDatabase(url, "postgresql", self.folder)
        else:
            path = self.folder / f"{name}.sqlite3"
            if template is not None:
                shutil.copyfile(template.path, path)
            database = LoadDatabase(f"sqlite:///{path}", "sqlite", self.folder, path)
        self.created.append(database)
        return database

    def drop_all(self) -> None:
        if not self.postgres:
            return
        with _maintenance_connection(self.postgres) as conn:
            for database in reversed(self.created):
                name = database.url.rsplit("/", 1)[1]
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("load"))
    try:
        yield factory
    finally:
        factory.drop_all()


@pytest.fixture(scope="session")
def migrated_template(databases) -> LoadDatabase:
    """Migrated once; every test copies it. Also collects static files, as `make run` does."""
    template = databases.create()
    template.manage("migrate", "--noinput", timeout=300)
    template.manage("collectstatic", "--noinput", "--verbosity", "0")
    return template


@pytest.fixture
def load_db(databases, migrated_template) -> LoadDatabase:
    return databases.create(template=migrated_template)


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def access_log(self) -> list[list[str]]:
        """Access-log lines as [worker pid, method, path, status]."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line.split()[1:] for line in lines if line.startswith("ACCESS ")]


@contextmanager
def gunicorn(
    database: LoadDatabase, *, workers: int = 4, options: tuple[str, ...] = (), **env: str
) -> Iterator[Server]:
    """Serve the site from ``database`` with real gunicorn workers until the block ends."""
    port = free_port()
    log = database.folder / f"gunicorn-{port}.log"
    command = [
        GUNICORN, "newsroom.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--timeout", "60",
        "--graceful-timeout", "2",
        "--access-logfile", "-",
        "--access-logformat", "ACCESS %(p)s %(m)s %(U)s %(s)s",
        *options,
    ]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=database.env(**env), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_serving(server)
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Ask gunicorn to stop, as a deployment would; kill its process group if it dawdles."""
    with suppress(ProcessLookupError):
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_SECONDS)


def _wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        with suppress(httpx.TransportError):
            if httpx.get(f"{server.url}/", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    tail = server.log.read_text(errors="replace")[-3000:]
    pytest.fail(f"gunicorn did not serve within {BOOT_SECONDS} s:\n{tail}")


@pytest.fixture
def engine_label(load_db) -> str:
    return "PostgreSQL" if load_db.engine == "postgresql" else "SQLite"


@pytest.fixture
def site(load_db) -> Iterator[tuple[LoadDatabase, Server, str]]:
    """A fresh database with an article, served by 4 gunicorn workers: (database, server, slug)."""
    slug = load_db.tool("setup")["slug"]
    with gunicorn(load_db) as server:
        yield load_db, server, slug
