"""Which address a request came from, for login throttling behind reverse proxies."""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def client_ip(request):
    """The client's address as the outermost of our own reverse proxies saw it.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    settings.TRUSTED_PROXY_COUNT proxies the client is that many entries from the right.
    Entries further left are whatever the client chose to send, so they are never trusted:
    otherwise an attacker could rotate a fake address with every guess and never be locked out.
    With no proxies (the default) it is the connecting address.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote_addr
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


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
