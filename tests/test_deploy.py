"""`manage.py check --deploy` finds nothing to warn about under production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides):
    """The environment of a production deploy: debug off, a long random secret key, HTTPS on
    (by default), and none of the test run's development switches."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        # No checkout .env (a developer's has debug on): a server has none.
        DJANGO_ENV_FILE="",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="notorious.example.org",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://notorious.example.org",
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        DJANGO_TRUSTED_PROXY_COUNT="1",
    )
    env.update(overrides)
    return env


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = check_deploy(production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


def test_check_deploy_does_warn_when_https_is_off():
    """The check is not toothless: plain HTTP (as `make serve` uses locally) is reported."""
    result = check_deploy(production_env(DJANGO_HTTPS="0"))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output, output


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = check_deploy(env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
