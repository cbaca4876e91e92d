"""The production shape on one machine: nginx (deploy/nginx/newsroom.conf) on ``PORT``
in front of ``make run``'s gunicorn and task worker (bin/serve) on a private port,
all stopped by Ctrl-C (``make run-proxy``).

The site file is used as shipped, with only its machine-specific values
replaced (the paths, the ports, the cookie names Django's settings give), and
wrapped in a main configuration that keeps nginx's pid, logs, temporary files
and cache under ``.run/nginx/`` (or ``NEWSROOM_PROXY_DIR``), so it runs as the
current user without root.
Where Debian's cache purge module is installed, the purge listener
(``newsroom-purge.conf``) comes too, on a private port, and gunicorn is told
of it (``NEWSROOM_PURGE_URL``); elsewhere the site runs unpurged.
The front tests start it the same way (``tests/load/front.py``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE_CONF = ROOT / "deploy" / "nginx" / "newsroom.conf"
PURGE_CONF = ROOT / "deploy" / "nginx" / "newsroom-purge.conf"
# What libnginx-mod-http-cache-purge installs (`dpkg -L`); on a Debian server
# its /etc/nginx/modules-enabled/ file loads it, which this private nginx does not read.
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")
BOOT_SECONDS = 30

# worker_priority: on one machine, gunicorn comes first. Under a flood nginx's
# cached reads, cheap and countless, would otherwise take the CPU gunicorn needs
# for the writes and for the renders that keep the cached page fresh: in
# bench/front.py's flood on 2 cores, the replies' p95 went from 109-143 ms to
# 54-87 ms, for 7% fewer reads a second. (Under systemd, where each service has
# a cgroup of its own, deploy/systemd/newsroom.service's CPUWeight does this.)
MAIN_CONF = """\
{load_module}daemon off;
worker_processes 2;
worker_priority 5;
{user}pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    access_log {access_log};
    client_body_temp_path {run}/tmp/body;
    proxy_temp_path {run}/tmp/proxy;
    fastcgi_temp_path {run}/tmp/fastcgi;
    uwsgi_temp_path {run}/tmp/uwsgi;
    scgi_temp_path {run}/tmp/scgi;
{site}
}}
"""


def nginx_missing() -> str | None:
    """Why nginx cannot run here, or None."""
    if not Path(NGINX).exists():
        return "nginx is not installed (`make browser-deps` installs Debian's nginx)"
    if not MIME_TYPES.exists():
        return f"{MIME_TYPES} is missing (Debian's nginx-common provides it)"
    return None


def purge_missing() -> str | None:
    """Why nginx here cannot purge its cache, or None."""
    if not PURGE_MODULE.exists():
        return (f"{PURGE_MODULE} is missing (`make browser-deps` installs "
                "libnginx-mod-http-cache-purge)")
    return None


def _replaced(path: Path, replacements: dict[str, str]) -> str:
    text = path.read_text()
    for production, local in replacements.items():
        if production not in text:
            raise ValueError(f"{path} no longer holds {production!r}: update deploy/proxy.py")
        text = text.replace(production, local)
    return text


def site_conf(*, port: int, upstream: int, static_root: Path, cache: Path,
              session_cookie: str = "sessionid", messages_cookie: str = "messages") -> str:
    """The shipped site file with this machine's values in place of the production ones."""
    return _replaced(SITE_CONF, {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "listen [::]:80;\n": "",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "/srv/newsroom/staticfiles/": f"{static_root}/",
        "/var/cache/newsroom-nginx": str(cache),
        "$cookie_sessionid$cookie_messages": f"$cookie_{session_cookie}$cookie_{messages_cookie}",
    })


def purge_conf(*, port: int) -> str:
    """The shipped purge listener on ``port``."""
    return _replaced(PURGE_CONF, {"listen 127.0.0.1:8081;": f"listen 127.0.0.1:{port};"})


def write_config(run: Path, *, access_log: bool = False, purge: int | None = None,
                 **site) -> Path:
    """Write nginx's whole configuration for a private instance under ``run``, with the
    purge listener on port ``purge`` when one is given."""
    for folder in ("tmp", "cache"):
        (run / folder).mkdir(parents=True, exist_ok=True)
    # Started as root, nginx would hand its workers to "nobody", who cannot use these folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    text = site_conf(cache=run / "cache", **site)
    if purge is not None:
        text += "\n" + purge_conf(port=purge)
    indented = "\n".join(f"    {line}" if line else "" for line in text.splitlines())
    conf = run / "nginx.conf"
    conf.write_text(MAIN_CONF.format(
        load_module=f"load_module {PURGE_MODULE};\n" if purge is not None else "",
        user=user, run=run, mime_types=MIME_TYPES, site=indented,
        access_log=f"{run}/access.log" if access_log else "off",
    ))
    return conf


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def nginx(run: Path, **site) -> Iterator[subprocess.Popen]:
    """nginx in the foreground with the configuration for ``site``, until the block ends."""
    conf = write_config(run, **site)
    process = subprocess.Popen(
        [NGINX, "-p", str(run), "-e", str(run / "error.log"), "-c", str(conf)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_for_port(site["port"], process, run / "error.log")
        yield process
    finally:
        _stop(process, signal.SIGQUIT)


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    detail = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"nginx did not listen on {port}:\n{detail}")


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM, *, seconds: float = 10,
          group: bool = False) -> None:
    """Ask ``process`` to stop; after ``seconds``, kill it (and, with ``group``, every
    process of its process group)."""
    with suppress(ProcessLookupError):
        process.send_signal(sig)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            if group:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.wait(timeout=10)


def main() -> int:
    import django
    from django.conf import settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    if reason := nginx_missing():
        print(reason, file=sys.stderr)
        return 1
    # A stop from a supervisor or `timeout` stops both servers as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    port = int(os.environ.get("PORT", "8000"))
    upstream = free_port()
    env = {**os.environ, "NEWSROOM_TRUSTED_PROXIES": "127.0.0.1,::1"}
    purge = None
    if reason := purge_missing():
        print(f"{reason}: pages are not purged on write, each is at most a second old",
              file=sys.stderr)
    else:
        purge = free_port()
        env["NEWSROOM_PURGE_URL"] = f"http://127.0.0.1:{purge}"
        env.setdefault("NEWSROOM_SITE_URL", f"http://127.0.0.1:{port}")
    # A process group of its own, so that a worker still finishing a message when
    # the wait below runs out is killed with bin/serve, not left behind. Ctrl-C
    # reaches it as the SIGTERM below (its trap stops gunicorn and the worker).
    site = subprocess.Popen([str(ROOT / "bin" / "serve")], cwd=ROOT,
                            env={**env, "PORT": str(upstream)}, process_group=0)
    by_user = True
    run = Path(os.environ.get("NEWSROOM_PROXY_DIR", ROOT / ".run" / "nginx"))
    try:
        with nginx(run, port=port, upstream=upstream, purge=purge,
                   static_root=Path(settings.STATIC_ROOT),
                   session_cookie=settings.SESSION_COOKIE_NAME) as front:
            print(f"Newsroom through nginx on http://127.0.0.1:{port}/ "
                  f"(gunicorn on 127.0.0.1:{upstream}, and the task worker); "
                  "Ctrl-C stops them all", flush=True)
            # As bin/serve does for its two: if either side ends, the other is stopped.
            with suppress(KeyboardInterrupt):
                while front.poll() is None and site.poll() is None:
                    time.sleep(0.5)
                print(f"run-proxy: {'nginx' if site.poll() is None else 'bin/serve'} "
                      "stopped; stopping the rest", file=sys.stderr)
                by_user = False
    finally:
        # The worker's own service allows it a minute to finish a message
        # (deploy/systemd/newsroom-worker.service); a mail server's timeout is 10 s.
        _stop(site, seconds=30, group=True)
    return 0 if by_user else 1


if __name__ == "__main__":
    sys.exit(main())
