"""Probe a URL every INTERVAL seconds until stopped, one JSON line per request (scripts/faults).

    probe.py URL OUTFILE [--interval 0.1] [--timeout 2]

Each line: {"start": unix time the request began, "seconds": how long it took, "status":
HTTP status (0 when no response came: refused, reset or timed out), "error": why not,
"retry_after": the Retry-After header, "unavailable_page": whether the body is the
site's 503 page, "traceback": whether the body looks like a traceback}.

The probe sends a session cookie (a made-up one: no session is found), so the page cache,
which only a session, CSRF or messages cookie bypasses, never answers it and every probe
reaches the database, as a reader's first visit does.
"""

import argparse
import http.client
import json
import signal
import sys
import time
from urllib.parse import urlsplit

running = True


def stop(signum, frame):
    global running
    running = False


def probe(url, timeout):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.time()
    result = {"start": started, "status": 0, "error": "", "retry_after": None}
    try:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        connection.request("GET", path, headers={"Cookie": "sessionid=probe"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        result.update(
            status=response.status,
            retry_after=response.getheader("Retry-After"),
            unavailable_page=b"briefly unavailable" in body,
            traceback=b"Traceback" in body,
        )
    except (OSError, http.client.HTTPException) as error:
        result["error"] = f"{type(error).__name__}: {error}"
    result["seconds"] = round(time.time() - started, 4)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("outfile")
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with open(args.outfile, "a", encoding="utf-8") as out:
        while running:
            began = time.monotonic()
            out.write(json.dumps(probe(args.url, args.timeout)) + "\n")
            out.flush()
            time.sleep(max(0.0, args.interval - (time.monotonic() - began)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
