"""Talking to a server a test starts in another process (gunicorn, `make serve`): a free
port to start it on, and plain GET requests that return errors instead of raising them."""

import socket
import urllib.error
import urllib.request


def free_port():
    """A port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, headers=None):
    """GET `url`: (status, headers, body), for error statuses too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
