"""Admin login throttling (django-axes): repeated failures lock out that username from that
address for the cool-off period, even with the right password."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGIN_URL = reverse("admin:login")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Dozens of logins per test: a fast hasher keeps them quick (throttling counts attempts,
    not hashing time)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(fast_password_hashing):
    return User.objects.create_user("alice", "alice@example.org", PASSWORD, is_staff=True)


def log_in(client, username, password, **extra):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def logged_in(client):
    return client.get(reverse("admin:index")).status_code == 200


def fail(client, username, times, **extra):
    return [log_in(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def test_failures_below_the_limit_do_not_lock_out(client, staff):
    statuses = fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1)
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form, with its error
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_right_password_is_refused_once_locked_out(client, staff):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = fail(client, "alice", 5)
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429  # the fifth failure locks out

    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "alice" in page
    assert "15 minutes" in page
    assert response["Retry-After"] == "900"
    assert not logged_in(client)


def test_another_user_from_the_same_address_is_not_locked_out(client, staff):
    User.objects.create_user("bob", "bob@example.org", PASSWORD, is_staff=True)
    fail(client, "alice", 5)
    assert log_in(client, "bob", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_same_user_from_another_address_is_not_locked_out(client, staff):
    fail(client, "alice", 5, REMOTE_ADDR="203.0.113.7")
    assert log_in(client, "alice", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert log_in(client, "alice", PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 302


def test_axes_reset_lifts_the_lockout(client, staff):
    fail(client, "alice", 5)
    assert log_in(client, "alice", PASSWORD).status_code == 429
    call_command("axes_reset", stdout=StringIO())
    assert log_in(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lockout_ends_after_the_cool_off(client, staff):
    fail(client, "alice", 5)
    assert log_in(client, "alice", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_behind_a_proxy_the_client_address_counts_not_the_proxy(client, staff, settings):
    """Behind one proxy, every request arrives from the proxy's address; the client is the
    address the proxy appended to X-Forwarded-For. Whatever the client put further left is
    ignored, so inventing addresses does not escape the lockout."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for attempt in range(5):
        log_in(
            client,
            "alice",
            "wrong-password",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.7",
            **proxy,
        )
    locked = log_in(
        client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7", **proxy
    )
    assert locked.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # Another reader behind the same proxy is a different address and can still log in.
    other = log_in(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert other.status_code == 302


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(client, staff):
    for attempt in range(5):
        log_in(client, "alice", "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    assert log_in(client, "alice", PASSWORD).status_code == 429


def test_force_login_still_works(client, staff):
    """Tests log users in with force_login (Client.login would have to pass a request, which
    axes requires of every authentication)."""
    client.force_login(staff)
    assert logged_in(client)


@pytest.mark.parametrize(
    "unsafe_next", ["https://evil.example/", "//evil.example/", "/\\evil.example/", ""]
)
def test_a_refused_next_lands_on_the_admin_index_not_a_404(client, staff, unsafe_next):
    """Django refuses a `next` on another site; the login then goes to the admin index,
    not Django's default /accounts/profile/, which this site does not have."""
    response = client.post(
        LOGIN_URL, {"username": "alice", "password": PASSWORD, "next": unsafe_next}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200
