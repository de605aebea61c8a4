"""Production mode: `check --deploy` is clean, and missing secrets refuse to start."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")


def _run(args: list[str], tmp_path, **env_overrides) -> subprocess.CompletedProcess:
    # A clean deployment environment: none of our settings, and not the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE (check --deploy rightly refuses it, async.E001).
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHAKEL_") and k not in dropped}
    env.pop("DATABASE_URL", None)  # the default SQLite file, inside the temp dir below
    env.update({"SCHAKEL_VAR_DIR": str(tmp_path / "var"), **env_overrides})
    return subprocess.run(
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, timeout=120, cwd=settings.BASE_DIR
    )


def _secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(60))


PRODUCTION = {
    "SCHAKEL_MODE": "production",
    "SCHAKEL_ALLOWED_HOSTS": "schakel.example.be",
    "SCHAKEL_EMAIL_URL": "smtp://mail.example.be:587",
}


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION, SCHAKEL_SECRET_KEY=_secret_key()
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?: (security." not in output


def test_check_deploy_does_complain_in_demo_mode(tmp_path):
    # Guards the test above: the same command does find problems when the production settings are off.
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, SCHAKEL_MODE="demo")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS in demo mode


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"SCHAKEL_ALLOWED_HOSTS": "schakel.example.be"}, "SCHAKEL_SECRET_KEY"),
        ({"SCHAKEL_ALLOWED_HOSTS": "schakel.example.be", "SCHAKEL_SECRET_KEY": "te-kort"}, "SCHAKEL_SECRET_KEY"),
        ({"SCHAKEL_SECRET_KEY": "placeholder"}, "SCHAKEL_ALLOWED_HOSTS"),
        ({"SCHAKEL_SECRET_KEY": "placeholder", "SCHAKEL_ALLOWED_HOSTS": "schakel.example.be"}, "SCHAKEL_EMAIL_URL"),
    ],
    ids=["no-secret-key", "short-secret-key", "no-allowed-hosts", "no-email"],
)
def test_production_mode_refuses_to_start_without_required_settings(tmp_path, env, missing):
    if env.get("SCHAKEL_SECRET_KEY") == "placeholder":
        env = {**env, "SCHAKEL_SECRET_KEY": _secret_key()}
    result = _run(["check"], tmp_path, SCHAKEL_MODE="production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_unknown_mode_refuses_to_start(tmp_path):
    result = _run(["check"], tmp_path, SCHAKEL_MODE="prod")
    assert result.returncode != 0 and "SCHAKEL_MODE" in result.stderr
