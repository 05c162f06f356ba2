"""Security headers and cookies on public pages and the admin, and how the HTTPS settings
follow the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from .factories import make_market

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "*" not in policy


def test_public_pages_send_the_security_headers(client):
    market = make_market("Taobao")
    for url in ("/", market.get_absolute_url(), "/search/?q=taobao", "/markets/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)


def test_the_admin_login_sends_the_security_headers_and_an_http_only_csrf_cookie(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert response.cookies["csrftoken"]["httponly"]
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


def test_the_session_cookie_is_http_only(client):
    User.objects.create_user("alice", password="correct-horse-battery", is_staff=True)
    client.get(reverse("admin:login"))
    response = client.post(
        reverse("admin:login"),
        {"username": "alice", "password": "correct-horse-battery", "next": "/admin/"},
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_the_api_docs_page_alone_allows_its_inline_script_by_nonce(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    csp = csp_directives(response)
    nonces = [value for value in csp["script-src"] if value.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert csp["img-src"] == ["'self'", "data:"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    # ... and the nonce is new on every request.
    assert nonce not in client.get("/api/docs/")["Content-Security-Policy"]


def test_https_settings_send_hsts_secure_cookies_and_redirect(client, settings):
    """What a production deploy (DJANGO_HTTPS on, the default with debug off) sends."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    plain = client.get("/markets/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/markets/"

    secure = client.get(reverse("admin:login"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert secure.cookies["csrftoken"]["secure"]
    assert_security_headers(secure)

    # The load balancer's health probe is plain HTTP and must not be redirected.
    assert client.get("/healthz").status_code == 200


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def settings_under(env_overrides):
    """The security settings as a fresh process with this environment would have them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") or key == "DJANGO_SECRET_KEY"
    }
    # Defaults as on a server, whatever a developer's .env in the checkout says.
    env["DJANGO_ENV_FILE"] = ""
    env.update(env_overrides)
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({name: getattr(s, name) for name in ("
        "'DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', 'TRUSTED_PROXY_COUNT')}))"
    )
    env["DJANGO_SETTINGS_MODULE"] = "notorious.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {},  # production: debug off, nothing else said
            {
                "DEBUG": False,
                "SECURE_SSL_REDIRECT": True,
                "SECURE_HSTS_SECONDS": 31536000,
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
                "SECURE_PROXY_SSL_HEADER": None,
                "TRUSTED_PROXY_COUNT": 0,
            },
        ),
        (
            {"DJANGO_HTTPS": "0"},  # what `make serve` uses on plain http://127.0.0.1
            {
                "SECURE_SSL_REDIRECT": False,
                "SECURE_HSTS_SECONDS": 0,
                "SESSION_COOKIE_SECURE": False,
            },
        ),
        (
            {"DJANGO_DEBUG": "1"},
            {"DEBUG": True, "SECURE_SSL_REDIRECT": False, "CSRF_COOKIE_SECURE": False},
        ),
        (
            {
                "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
                "DJANGO_HSTS_SECONDS": "3600",
                "DJANGO_TRUSTED_PROXY_COUNT": "1",
            },
            {
                "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                "SECURE_HSTS_SECONDS": 3600,
                "SECURE_SSL_REDIRECT": True,
                "TRUSTED_PROXY_COUNT": 1,
            },
        ),
    ],
)
def test_https_settings_follow_the_environment(env, expected):
    actual = settings_under(env)
    assert {name: actual[name] for name in expected} == expected


def test_the_browsable_api_alone_allows_style_attributes(client):
    make_market("Taobao")
    html = client.get("/api/markets/", HTTP_ACCEPT="text/html")
    assert html.status_code == 200
    csp = csp_directives(html)
    assert csp["style-src-attr"] == ["'unsafe-inline'"]
    assert csp["script-src"] == ["'self'"]
    assert "unsafe-inline" not in " ".join(csp["style-src"])

    data = client.get("/api/markets/", HTTP_ACCEPT="application/json")
    assert data.status_code == 200
    assert "style-src-attr" not in csp_directives(data)
