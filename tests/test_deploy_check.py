"""Production settings pass Django's deployment checklist and refuse to run without a key."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py with the production settings module and only the environment given."""
    clean = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "NEWSROOM_")) and key != "REDIS_URL"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**env: str) -> dict[str, str]:
    return {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_HTTPS": "1", **env}


def test_deploy_check_passes_at_warning_level_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_when_https_is_turned_off():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production(DJANGO_HTTPS="0"))
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_deploy_check_fails_with_a_weak_secret_key():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **production(DJANGO_SECRET_KEY="short")
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_settings_refuse_an_empty_secret_key_when_debug_is_off():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_runs_without_a_secret_key_when_debug_is_on():
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
