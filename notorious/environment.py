"""Reading settings from environment variables: the parsers notorious/settings.py uses."""

import os
import re

from django.core.exceptions import ImproperlyConfigured


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_rate(name, default):
    """A rate limit: "60/m" is 60 requests a minute (units s, m, h, d; "100/5m": 100 every
    five minutes), as (requests, seconds); "off" or empty: None, no limit."""
    value = os.environ.get(name, default).strip().lower()
    if value in {"", "off"}:
        return None
    match = re.fullmatch(r"(\d+)/(\d*)([smhd])", value)
    if not match or int(match[2] or 1) == 0:
        raise ImproperlyConfigured(f'{name} must look like "60/m" (or "off"), not "{value}".')
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[match[3]] * int(match[2] or 1)
    return int(match[1]), seconds


def replica_databases(urls, primary):
    """DATABASES entries "replica1", "replica2", ... for the PostgreSQL `urls`, with the
    `primary`'s connection settings (their own URL's options win). In tests a replica is the
    primary's test database (a mirror), never another database to create."""
    import dj_database_url

    replicas = {}
    for number, url in enumerate(urls, start=1):
        replica = dj_database_url.parse(
            url, conn_max_age=primary["CONN_MAX_AGE"], conn_health_checks=True
        )
        if replica["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_REPLICA_URLS must name PostgreSQL databases.")
        replica["OPTIONS"] = {**primary.get("OPTIONS", {}), **replica.get("OPTIONS", {})}
        replica["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = replica
    return replicas


def stall_options(seconds):
    """libpq's options that give up on a PostgreSQL server that stops answering on an open
    connection within about `seconds`: TCP keepalives probe an idle connection, and
    tcp_user_timeout bounds how long sent data may go unacknowledged. libpq ignores both over
    a Unix socket, where a local server's stall is not a network's."""
    return {
        "keepalives": 1,
        "keepalives_idle": seconds,
        "keepalives_interval": 1,
        "keepalives_count": seconds,
        "tcp_user_timeout": seconds * 1000,
    }


def env_site_url(name, default):
    """The site's public address (scheme and host, maybe a path prefix), without a trailing
    slash: every absolute URL the site gives out starts with it, whatever host or scheme a
    request arrived by."""
    from urllib.parse import urlsplit

    value = (os.environ.get(name) or default).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f'{name} must be the site\'s address, like "https://notorious.example", not "{value}".'
        )
    return value
