"""newsroom/settings.py under different environments, each run fresh in its own namespace."""

import os
import runpy
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTINGS_FILE = settings.BASE_DIR / "newsroom" / "settings.py"
READ_FROM_ENVIRONMENT = [
    "DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS", "DJANGO_HTTPS",
    "DJANGO_SSL_REDIRECT", "DJANGO_CONN_MAX_AGE", "NEWSROOM_THREADS_PER_PAGE",
    "NEWSROOM_TRUSTED_PROXIES", "NEWSROOM_COMMENTERS",
]


@pytest.fixture
def load(monkeypatch):
    """Run the settings file with exactly the given variables from that list set."""

    def run(**env) -> dict:
        for name in READ_FROM_ENVIRONMENT:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return run


def test_production_refuses_to_start_without_a_secret_key(load):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
        load()
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
        load(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")


def test_development_gets_a_key_of_its_own_when_debugging(load):
    values = load(DJANGO_DEBUG="1")
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"].startswith("django-insecure-")


def test_production_uses_the_given_key_with_debug_off(load):
    values = load(DJANGO_SECRET_KEY="k" * 50)
    assert (values["SECRET_KEY"], values["DEBUG"]) == ("k" * 50, False)


@pytest.mark.parametrize(("raw", "debug"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_debug_reads_common_spellings(load, raw, debug):
    assert load(DJANGO_DEBUG=raw, DJANGO_SECRET_KEY="k" * 50)["DEBUG"] is debug


def test_database_defaults_to_an_sqlite_file_in_the_project_folder(load):
    database = load(DJANGO_DEBUG="1")["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(settings.BASE_DIR / "db.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] > 0
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_allowed_hosts_default_to_this_machine_and_read_a_comma_list(load):
    assert load(DJANGO_DEBUG="1")["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    hosts = load(DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS=" news.example , www.news.example,")
    assert hosts["ALLOWED_HOSTS"] == ["news.example", "www.news.example"]


def test_production_defaults_to_https_only_cookies_and_hsts(load):
    values = load(DJANGO_SECRET_KEY="k" * 50)
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] > 0


def test_a_number_setting_that_is_not_a_number_fails_loudly(load):
    with pytest.raises(ImproperlyConfigured, match="NEWSROOM_THREADS_PER_PAGE must be a whole"):
        load(DJANGO_DEBUG="1", NEWSROOM_THREADS_PER_PAGE="fifty")


def test_anyone_may_comment_by_default_and_accounts_can_be_required(load):
    assert load(DJANGO_DEBUG="1")["NEWSROOM_COMMENTERS"] == "anyone"
    required = load(DJANGO_DEBUG="1", NEWSROOM_COMMENTERS="accounts")
    assert required["NEWSROOM_COMMENTERS"] == "accounts"


def test_an_unknown_commenters_setting_fails_loudly(load):
    with pytest.raises(ImproperlyConfigured, match="NEWSROOM_COMMENTERS must be one of"):
        load(DJANGO_DEBUG="1", NEWSROOM_COMMENTERS="everyone")


def test_no_proxy_is_trusted_by_default(load):
    assert load(DJANGO_DEBUG="1")["NEWSROOM_TRUSTED_PROXIES"] == []


def test_trusted_proxies_read_addresses_and_networks_of_both_versions(load):
    values = load(DJANGO_DEBUG="1", NEWSROOM_TRUSTED_PROXIES=" 10.0.0.1, 172.16.0.0/12,::1 ,")

    assert [str(n) for n in values["NEWSROOM_TRUSTED_PROXIES"]] == [
        "10.0.0.1/32", "172.16.0.0/12", "::1/128",
    ]


@pytest.mark.parametrize("entry", ["nginx", "10.0.0.1/8", "10.0.0.256", "[::1]"])
def test_a_trusted_proxy_that_is_not_an_address_or_network_fails_loudly(load, entry):
    with pytest.raises(ImproperlyConfigured, match=r"NEWSROOM_TRUSTED_PROXIES: .* is not an IP"):
        load(DJANGO_DEBUG="1", NEWSROOM_TRUSTED_PROXIES=f"127.0.0.1,{entry}")


def test_database_url_selects_postgresql(load):
    values = load(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", DJANGO_DEBUG="1")
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"


# What needs a real connection or cache runs in a subprocess, since settings load once.
def django_eval(code: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env}
    for name in [k for k, v in env.items() if v is None]:
        environment.pop(name)
    script = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_sqlite_is_set_up_for_several_workers():
    result = django_eval(
        "from django.db import connection as c; c.ensure_connection(); "
        "print(c.cursor().execute('PRAGMA journal_mode').fetchone()[0], "
        "c.settings_dict['OPTIONS']['transaction_mode'], c.settings_dict['OPTIONS']['timeout'])",
        DJANGO_DEBUG="1",
        DATABASE_URL="sqlite:////tmp/newsroom-settings-check.sqlite3",
    )

    assert result.stdout.split() == ["wal", "IMMEDIATE", "30"], result.stderr


def test_redis_url_selects_the_cache_that_outlives_redis_with_short_timeouts(load):
    cache = load(DJANGO_DEBUG="1", REDIS_URL="redis://cache.internal:6379/0")["CACHES"]["default"]

    assert cache == {
        "BACKEND": "newsroom.cache.ResilientRedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }


@pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_redis_url_makes_redis_the_shared_cache():
    result = django_eval(
        "from django.core.cache import caches; cache = caches['default']; "
        "cache.set('newsroom-check', 42); print(type(cache).__name__, cache.get('newsroom-check'))",
        DJANGO_DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )

    assert result.stdout.split() == ["ResilientRedisCache", "42"], result.stderr
