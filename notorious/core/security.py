"""Which address a request came from, behind reverse proxies (login throttling, rate
limits), and the page a locked-out login gets."""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def client_ip(request):
    """The client's address as our own reverse proxy saw it, for login throttling and the
    rate limits.

    With settings.CLIENT_IP_HEADER (e.g. X-Real-IP), it is the last address in that header:
    the one our proxy wrote (a client may send the header too, but the proxy overwrites or
    appends to it). Otherwise, each proxy appends the address it received the request from
    to X-Forwarded-For, so with settings.TRUSTED_PROXY_COUNT proxies the client is that many
    entries from the right. Entries further left are whatever the client chose to send, so
    they are never trusted: otherwise an attacker could rotate a fake address with every
    guess and never be locked out. With neither (the default) it is the connecting address.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    if settings.CLIENT_IP_HEADER:
        return header_address(request, settings.CLIENT_IP_HEADER, 1) or remote_addr
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    return header_address(request, "X-Forwarded-For", count) or remote_addr


def header_address(request, header, position):
    """The address `position` entries from the right of a comma-separated `header`; None
    when the header has fewer entries (the request did not come through every proxy) or
    that entry is no address."""
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    entries = [entry.strip() for entry in request.META.get(meta_key, "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < position:
        return None
    try:
        return str(ipaddress.ip_address(entries[-position]))
    except ValueError:
        return None


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows a locked-out login: 429 Too Many Requests, saying for how
    long, with a Retry-After header so scripts back off too."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cooloff.total_seconds() / 60))
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    response = render(
        request,
        "axes/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "username": username, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response
