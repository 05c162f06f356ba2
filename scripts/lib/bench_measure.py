"""`make bench`'s measurements (scripts/bench): wrk against a running server, one phase at a
time; each measurement is one line of JSON appended to the results file, which
scripts/lib/bench_report.py turns into docs/benchmarks.md's "Speed at scale".

    bench_measure.py PHASE --dataset NAME --base URL --results FILE [options]

Phases:
  uncached   every page of issue 11's table: requests/s with --connections connections;
  times      every page, uncached: the server's own time per request (gunicorn's access log,
             --log) with one connection, so that no request waits for another, over at
             least 200 requests (within --max-seconds), so that the p99 is not merely the
             slowest; scripts/bench runs it in rounds (--round), the datasets in turn, and
             the report pools each page's rounds;
  cached     every page, each run alternated with a static file through the same server,
             both asked for as a browser asks (`BROWSER_HEADERS`: compressed if the server
             can), so that both are measured as readers get them;
  datasette  each equivalent page, Notorious (uncached, --base) and Datasette (--datasette)
             alternated (A B A B ...), so that the machine's load falls on both alike.

Each run lasts --seconds, longer for a page whose warm-up request was slow (three times that
request, at most --max-seconds), so that a slow page still completes a few requests. Standard
library only: it runs with any Python.
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

WRK_SCRIPT = Path(__file__).with_name("wrk-rotate.lua")
# gunicorn's access log (gunicorn.conf.py), the time in seconds to the microsecond:
# '... "GET /path HTTP/1.0" 200 1234 0.012345s "agent" id'.
GUNICORN_LINE = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+\.\d+)s "([^"]*)"')
# nginx's (deploy/nginx.conf) for a request whose client left first: gunicorn still serves
# it, and logs it with the same request id when done.
ABANDONED_LINE = re.compile(r'"GET \S+ HTTP/[\d.]+" 499 \d+ \S+ upstream=\S+ (\w+)$', re.MULTILINE)
SERVED_ID = re.compile(r'\d+\.\d+s "[^"]*" (\w+)$', re.MULTILINE)
STATIC_FILE = re.compile(r'href="(/static/[^"]+\.css)"')
# What every browser says it accepts. The cached phase sends it for the pages and the static
# file alike: the page cache then answers with its gzipped copy and WhiteNoise with the
# stylesheet's, as they answer readers. (wrk sends no Accept-Encoding of its own, which
# measured the 120-350 KB plain copies no browser asks for.)
BROWSER_HEADERS = ("Accept-Encoding: gzip, deflate, br",)


def pages(env):
    """Issue 11's pages: (label, path, Datasette's equivalent or None); values from `env`
    (scripts/bench reads them from the dataset: the company with the most markets, the
    latest edition, a coverage page that exists, AliExpress's id)."""
    db = "/" + env["BENCH_SQLITE_NAME"]
    company, year = env["BENCH_COMPANY"], env["BENCH_LATEST_YEAR"]
    return [
        ("`/`", "/", None),
        (
            "`/markets/`",
            "/markets/",
            ("a table page of 50 markets", f"{db}/markets_market?_size=50"),
        ),
        (
            "a market profile",
            "/markets/aliexpress/",
            ("one market", f"{db}/markets_market/{env['BENCH_MARKET_ID']}"),
        ),
        ("a company with many markets", f"/companies/{company}/", None),
        ("the latest edition", f"/reports/{year}/", None),
        ("its changes page", f"/reports/{year}/changes/", None),
        ("`/coverage/`", "/coverage/", None),
        (
            "`/coverage/?page=100` (or the last page, if fewer)",
            f"/coverage/?page={env['BENCH_COVERAGE_PAGE']}",
            None,
        ),
        ("`/timeline/`", "/timeline/", None),
        ("`/search/?q=` a company", "/search/?q=alibaba", None),
        (
            "`/search/?q=counterfeit`",
            "/search/?q=counterfeit",
            ("articles matching a word", f"{db}/press_article?_search=counterfeit&_size=50"),
        ),
        ("`/api/markets/`", "/api/markets/", ("a JSON list", f"{db}/markets_market.json?_size=50")),
        # Issue 13's pages, which must render at this scale within the same budget.
        ("`/grid/` (every market against every edition)", "/grid/", None),
        ("`/charts/`", "/charts/", None),
        (
            "`/markets/?country=CN`",
            "/markets/?country=CN",
            ("markets in one country", f"{db}/markets_market?country=CN&_size=50"),
        ),
        (
            "`/coverage/?q=counterfeit`",
            "/coverage/?q=counterfeit",
            (
                "coverage filtered by a word",
                f"{db}/press_article?_search=counterfeit&_sort_desc=published_on&_size=30",
            ),
        ),
    ]


# The last two are the Datasette comparison's own; the tables show the first fourteen.
TABLE_PAGES = 14


def get(url, timeout):
    """(status, seconds, body) of one GET; status 0 when nothing answered in time."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, time.monotonic() - started, response.read()
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started, b""
    except OSError:
        return 0, time.monotonic() - started, b""


def page_cache_state(url, timeout, headers=()):
    """What the page cache says of `url` (its X-Page-Cache header: hit or miss), or "none"
    for a response it does not handle (the API, static files)."""
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.headers.get("X-Page-Cache", "none")
    except OSError:
        return "none"


def wrk(url, connections, seconds, timeout, headers=()):
    """One wrk run over `url`, each request with `headers` ("Name: value" strings): its
    WRK_RESULT (scripts/lib/wrk-rotate.lua), plus req_s."""
    base, _, path = url.partition("//")[2].partition("/")
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds:.0f}s",
        f"--timeout={timeout}s",
        "-s",
        str(WRK_SCRIPT),
        *(argument for header in headers for argument in ("-H", header)),
        url.split("//")[0] + "//" + base,
    ]
    environment = dict(os.environ, WRK_PATHS="/" + path, WRK_COUNT_STATUS="1")
    output = subprocess.run(command, env=environment, capture_output=True, text=True).stdout
    for line in output.splitlines():
        if line.startswith("WRK_RESULT "):
            result = json.loads(line.removeprefix("WRK_RESULT "))
            result["req_s"] = result["requests"] / (result["duration_us"] / 1e6)
            result["errors"] = sum(
                result[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
            )
            return result
    raise SystemExit(f"wrk gave no result for {url}:\n{output}")


def duration(options, warm_seconds):
    """How long a run lasts: --seconds, or three slow requests' worth, within --max-seconds."""
    return max(options.seconds, min(3 * warm_seconds, options.max_seconds))


def read_log(log, offset):
    with open(log, "rb") as file:
        file.seek(offset)
        return file.read().decode("utf-8", "replace")


# How far before a run's start `settle` looks for the answers of requests given up on.
SERVED_LOOKBEHIND = 256 * 1024


def settle(options, offset, limit=150):
    """Wait (up to `limit` s) until gunicorn has finished the requests wrk gave up on when
    its run ended, so that their work does not slow the next run down. (However slow the
    page, gunicorn ends each request within its 30 s timeout: 20 connections' requests on 5
    workers are done within 120 s.)"""
    if not options.log:
        return
    deadline = time.monotonic() + limit
    # gunicorn logs a request when it has answered; nginx logs the 499 of one whose client
    # left after that: the run before this one may have ended (and this one's offset been
    # taken) between the two lines. Such a request was served before `offset`.
    before = max(0, offset - SERVED_LOOKBEHIND)
    while time.monotonic() < deadline:
        text = read_log(options.log, offset)
        served = set(SERVED_ID.findall(read_log(options.log, before)))
        left = set(ABANDONED_LINE.findall(text)) - served
        if len(left) <= text.count("WORKER TIMEOUT"):  # killed workers log no access line
            return
        time.sleep(0.25)
    print(f"  {len(left)} abandoned requests still running after {limit} s", file=sys.stderr)


def run(options, url, connections, seconds, headers=()):
    """wrk, then `settle`: one run that leaves the server idle.

    On the site, requests/s counts every request gunicorn served for the run (2xx or 3xx),
    those wrk gave up on at its end included, over the run's time and the time they took to
    finish. wrk's own count leaves them out: for a page slower than the run is long at this
    concurrency it would count none, however many the server was busy serving."""
    ours = bool(options.log) and url.startswith(options.base)
    offset = os.path.getsize(options.log) if ours else 0
    result = wrk(url, connections, seconds, options.timeout, headers)
    if ours:
        ended = time.monotonic()
        settle(options, offset)
        drained = time.monotonic() - ended
        path = "/" + url.split("//", 1)[1].partition("/")[2]
        served = [s for _, s in server_times(options.log, offset, path) if s < 400]
        result["wrk_req_s"] = result["req_s"]
        result["served"] = len(served)
        result["drain_seconds"] = round(drained, 2)
        result["req_s"] = len(served) / (result["duration_us"] / 1e6 + drained)
    return result


def server_times(log, offset, path, agent=None):
    """gunicorn's time (ms, to the microsecond) and status for each GET of `path` logged
    after byte `offset` (only those sent as User-Agent `agent`, if given)."""
    text = read_log(log, offset)
    return [
        (round(float(seconds) * 1000, 3), int(status))
        for logged, status, seconds, sent_as in GUNICORN_LINE.findall(text)
        if logged == path and agent in (None, sent_as)
    ]


def percentile(values, fraction):
    """The nearest-rank percentile of `values` (None for none)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def warm(base, path, options):
    """One request before measuring: its status and seconds (also fills the page cache)."""
    status, seconds, _ = get(base + path, options.timeout)
    print(f"  warm-up {path}: {status} in {seconds:.2f} s", file=sys.stderr)
    return status, seconds


# Requests the one-connection run collects for its percentiles: by the nearest rank, the
# p99 of fewer than 100 is their slowest, one stray request (a new connection planning cold,
# a garbage collection) rather than the 99th percentile.
PERCENTILE_REQUESTS = 200
# The one-connection run's User-Agent: its requests are told apart by it in gunicorn's log
# from those of the 20-connection run before it that finish late (a slow page's last ones,
# queued behind the others, were logged after the run and counted as the one connection's:
# the latest edition's "p99" of 317 ms was three of them, its one-connection requests all
# took 91-150 ms).
SINGLE_AGENT = "notorious-bench-one-connection"


def single_connection(options, path, seconds, offset):
    """One connection's runs of `path` until PERCENTILE_REQUESTS were served or
    --max-seconds have gone by: the last run's wrk result, and gunicorn's (ms, status) for
    every request of them."""
    started = time.monotonic()
    while True:
        single = run(options, options.base + path, 1, seconds, [f"User-Agent: {SINGLE_AGENT}"])
        time.sleep(0.2)  # the last access line
        times = server_times(options.log, offset, path, SINGLE_AGENT)
        left = options.max_seconds - (time.monotonic() - started)
        if len(times) >= PERCENTILE_REQUESTS or left < 1:
            return single, times
        # Long enough for the rest, at the pace so far, within what is left.
        pace = (time.monotonic() - started) / max(len(times), 1)
        seconds = max(1, min(left, math.ceil(pace * (PERCENTILE_REQUESTS - len(times)))))


def measure_uncached(options, page_list, record):
    for label, path, _ in page_list[:TABLE_PAGES]:
        status, warm_seconds = warm(options.base, path, options)
        seconds = duration(options, warm_seconds)
        result = run(options, options.base + path, options.connections, seconds)
        record(label=label, path=path, warm_status=status, load=result)


def measure_times(options, page_list, record):
    for label, path, _ in page_list[:TABLE_PAGES]:
        warm(options.base, path, options)
        offset = os.path.getsize(options.log)
        # A second to start: a quick page has its 200 requests by then, a slow one goes on
        # at the pace it showed.
        single, times = single_connection(options, path, 1, offset)
        record(label=label, path=path, round=options.round, load=single, server_times=times)


def server_time_fields(times):
    """A page's (ms, status) pairs, pooled over the rounds, as the report's fields: how
    many succeeded, their p50 and p99, and the failures by status. A page's time is that
    of its successful answers; a quick 503 is not a fast page."""
    ms = [t for t, s in times if s < 400]
    failed = {}
    for _, s in times:
        if s >= 400:
            failed[str(s)] = failed.get(str(s), 0) + 1
    return {
        "server_ms_n": len(ms),
        "server_ms_p50": percentile(ms, 0.5),
        "server_ms_p99": percentile(ms, 0.99),
        "server_failures": failed,
    }


def measure_cached(options, page_list, record):
    status, _, body = get(options.base + "/", options.timeout)
    match = STATIC_FILE.search(body.decode("utf-8", "replace"))
    if not match:
        raise SystemExit(f"no stylesheet link on the home page (status {status})")
    static = match.group(1)
    for label, path, _ in page_list[:TABLE_PAGES]:
        status, warm_seconds = warm(options.base, path, options)
        # A second round fills the page cache of the workers that missed the first (without
        # REDIS_URL each process has its own), before anything is counted.
        run(options, options.base + path, options.connections, 1, BROWSER_HEADERS)
        seconds = duration(options, 0)
        cache = page_cache_state(options.base + path, options.timeout, BROWSER_HEADERS)
        page = run(options, options.base + path, options.connections, seconds, BROWSER_HEADERS)
        file = run(options, options.base + static, options.connections, seconds, BROWSER_HEADERS)
        record(
            label=label,
            path=path,
            warm_status=status,
            page_cache=cache,
            load=page,
            static=file,
            static_path=static,
        )


def measure_datasette(options, page_list, record):
    for _, path, equivalent in page_list:
        if not equivalent:
            continue
        name, other = equivalent
        _, warm_ours = warm(options.base, path, options)
        other_status, warm_theirs = warm(options.datasette, other, options)
        seconds = duration(options, max(warm_ours, warm_theirs))
        runs = {"notorious": [], "datasette": []}
        for _ in range(options.rounds):  # A B A B ...
            runs["notorious"].append(
                run(options, options.base + path, options.connections, seconds)
            )
            runs["datasette"].append(
                run(options, options.datasette + other, options.connections, seconds)
            )
        record(
            label=name,
            path=path,
            datasette_path=other,
            datasette_warm_status=other_status,
            **{side: combined(results) for side, results in runs.items()},
        )


def combined(results):
    """Several alternated runs of one URL as one: all their requests over all their time."""
    requests = sum(r["requests"] for r in results)
    duration_us = sum(r["duration_us"] for r in results)
    statuses = {}
    for r in results:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    return {
        "requests": requests,
        "duration_us": duration_us,
        "req_s": requests / (duration_us / 1e6),
        "runs_req_s": [round(r["req_s"], 2) for r in results],
        "errors": sum(r["errors"] for r in results),
        "non_2xx_3xx": sum(r["non_2xx_3xx"] for r in results),
        "statuses": statuses,
        "p50_us": statistics.median(r["p50_us"] for r in results),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("phase", choices=["uncached", "times", "cached", "datasette"])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--base", required=True, help="the site, e.g. http://127.0.0.1:8140")
    parser.add_argument("--datasette", help="Datasette, e.g. http://127.0.0.1:8141")
    parser.add_argument("--log", help="the server's output (gunicorn's access log)")
    parser.add_argument("--results", required=True, help="JSON lines are appended here")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--max-seconds", type=float, default=20)
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--round", type=int, default=1, help="the times phase's round")
    options = parser.parse_args(argv)

    def record(**fields):
        line = {"dataset": options.dataset, "phase": options.phase, **fields}
        with open(options.results, "a", encoding="utf-8") as file:
            file.write(json.dumps(line) + "\n")
        load = fields.get("load") or fields.get("notorious")
        print(f"  {options.phase} {fields['path']}: {load['req_s']:.1f} req/s", file=sys.stderr)

    measure = {
        "uncached": measure_uncached,
        "times": measure_times,
        "cached": measure_cached,
        "datasette": measure_datasette,
    }
    measure[options.phase](options, pages(os.environ), record)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # Ctrl-C: scripts/bench cleans up and says so
        sys.exit(130)
