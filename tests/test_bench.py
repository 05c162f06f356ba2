"""`make bench` (scripts/bench) in parts: which pages it measures against which of Datasette's,
how it reads gunicorn's and nginx's access log, and the "Speed at scale" section it writes,
goals included. A real run takes minutes (docs/development.md, "Benchmarks"); these need no
server, no wrk and no database."""

import importlib.util
import json
import os
import subprocess
import sys
import time

from .http import free_port
from .serving import ROOT

LIB = ROOT / "scripts" / "lib"


def load(name):
    """scripts/lib/`name`.py, as the scripts import it (by its name: the report imports
    the measurements' module)."""
    spec = importlib.util.spec_from_file_location(name, LIB / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


measure = load("bench_measure")
report = load("bench_report")

SUBJECTS = {
    "BENCH_SQLITE_NAME": "bench",
    "BENCH_COMPANY": "synthetic-company-7",
    "BENCH_LATEST_YEAR": "2041",
    "BENCH_MARKET_ID": "12",
    "BENCH_COVERAGE_PAGE": "100",
}


def test_it_measures_every_page_of_the_issues_table_and_datasettes_equivalents():
    pages = measure.pages(SUBJECTS)
    table = [path for _, path, _ in pages[: measure.TABLE_PAGES]]
    assert table == [
        "/",
        "/markets/",
        "/markets/aliexpress/",
        "/companies/synthetic-company-7/",
        "/reports/2041/",
        "/reports/2041/changes/",
        "/coverage/",
        "/coverage/?page=100",
        "/timeline/",
        "/search/?q=alibaba",
        "/search/?q=counterfeit",
        "/api/markets/",
        "/grid/",
        "/charts/",
    ]
    equivalents = {
        name: (ours, theirs) for _, ours, (name, theirs) in filter(lambda p: p[2], pages)
    }
    assert equivalents == {
        "a table page of 50 markets": ("/markets/", "/bench/markets_market?_size=50"),
        "one market": ("/markets/aliexpress/", "/bench/markets_market/12"),
        "markets in one country": (
            "/markets/?country=CN",
            "/bench/markets_market?country=CN&_size=50",
        ),
        "a JSON list": ("/api/markets/", "/bench/markets_market.json?_size=50"),
        "articles matching a word": (
            "/search/?q=counterfeit",
            "/bench/press_article?_search=counterfeit&_size=50",
        ),
        "coverage filtered by a word": (
            "/coverage/?q=counterfeit",
            "/bench/press_article?_search=counterfeit&_sort_desc=published_on&_size=30",
        ),
    }


# The two servers' lines as `make serve` prints them (deploy/nginx.conf, gunicorn.conf.py).
LOG = """\
127.0.0.1 "GET /markets/ HTTP/1.1" 200 5120 0.051s upstream=0.050s aaa1
 "GET /markets/ HTTP/1.0" 200 5120 0.048000s "wrk" aaa1
 "GET /markets/?country=CN HTTP/1.0" 200 5120 0.007000s "wrk" aaa2
127.0.0.1 "GET /markets/ HTTP/1.1" 499 0 0.900s upstream=0.900s aaa3
 "GET /markets/ HTTP/1.0" 200 5120 1.250000s "wrk" aaa4
"""


def test_server_times_are_gunicorns_own_for_that_page_only(tmp_path):
    log = tmp_path / "server.log"
    log.write_text(LOG)
    assert measure.server_times(log, 0, "/markets/") == [(48.0, 200), (1250.0, 200)]
    assert measure.percentile([48, 1250], 0.5) == 48
    assert measure.percentile([48, 1250], 0.99) == 1250
    assert measure.percentile([], 0.5) is None


def test_server_times_keep_fractions_of_a_millisecond(tmp_path):
    """gunicorn logs seconds to the microsecond: a 5.4 ms page and a 5.6 ms one are not
    both "5 ms", so a ratio between two pages' p50s is the ratio of their times."""
    log = tmp_path / "server.log"
    log.write_text(
        ' "GET /charts/ HTTP/1.0" 200 9 0.005417s "wrk" c1\n'
        ' "GET /charts/ HTTP/1.0" 200 9 0.005683s "wrk" c2\n'
        ' "GET /charts/ HTTP/1.0" 200 9 1.000001s "wrk" c3\n'
    )
    assert measure.server_times(log, 0, "/charts/") == [(5.417, 200), (5.683, 200), (1000.001, 200)]


def test_the_one_connection_run_counts_only_its_own_requests(tmp_path):
    """A slow page's requests from the many-connection run before it can be logged after
    it ended: the one connection's percentiles take only the requests it sent."""
    log = tmp_path / "server.log"
    agent = measure.SINGLE_AGENT
    log.write_text(
        ' "GET /reports/2041/ HTTP/1.0" 200 5120 0.317000s "-" aaa1\n'
        f' "GET /reports/2041/ HTTP/1.0" 200 5120 0.097000s "{agent}" aaa2\n'
        f' "GET /reports/2041/ HTTP/1.0" 200 5120 0.099000s "{agent}" aaa3\n'
    )
    assert measure.server_times(log, 0, "/reports/2041/", agent) == [(97.0, 200), (99.0, 200)]
    assert len(measure.server_times(log, 0, "/reports/2041/")) == 3


def test_a_run_waits_for_the_requests_its_client_gave_up_on(tmp_path):
    """wrk leaves requests unfinished when its time is up; gunicorn serves them anyway, and
    the next run must not pay for them."""
    log = tmp_path / "server.log"
    log.write_text(LOG)
    options = type("Options", (), {"log": log})
    started = time.monotonic()
    measure.settle(options, 0, limit=0.6)  # aaa3 was given up on and is still running
    assert time.monotonic() - started >= 0.5
    log.write_text(LOG + ' "GET /markets/ HTTP/1.0" 200 5120 2.000000s "wrk" aaa3\n')
    started = time.monotonic()
    measure.settle(options, 0, limit=5)
    assert time.monotonic() - started < 1


def test_a_request_answered_before_the_run_and_given_up_on_after_is_not_waited_for(tmp_path):
    """The run before ended between gunicorn's line for a request and nginx's 499 for it
    (its client left once answered): that request is done, and the run does not wait."""
    log = tmp_path / "server.log"
    answered = ' "GET /markets/ HTTP/1.0" 200 5120 0.013000s "wrk" aaa9\n'
    log.write_text(answered)
    offset = len(answered)
    with log.open("a") as file:
        file.write('127.0.0.1 "GET /markets/ HTTP/1.1" 499 0 0.013s upstream=0.013s aaa9\n')
    options = type("Options", (), {"log": log})
    started = time.monotonic()
    measure.settle(options, offset, limit=5)
    assert time.monotonic() - started < 1


def test_a_page_slower_than_the_run_is_counted_by_what_the_server_served(tmp_path, monkeypatch):
    """wrk counts no request it did not see finish: for the site, the run's rate counts
    the requests gunicorn served for it, over the run and the time they took to finish."""
    log = tmp_path / "server.log"
    log.write_text("")

    def slow_wrk(url, connections, seconds, timeout, headers=()):
        with log.open("a") as file:  # two served, one failed, one served after wrk left
            file.write(' "GET /timeline/ HTTP/1.0" 200 9 9.000000s "wrk" b1\n')
            file.write(' "GET /timeline/ HTTP/1.0" 200 9 9.000000s "wrk" b2\n')
            file.write(' "GET /timeline/ HTTP/1.0" 500 9 30.000000s "wrk" b3\n')
            file.write('127.0.0.1 "GET /timeline/ HTTP/1.1" 499 0 2.0s upstream=2.0s b4\n')
            file.write(' "GET /timeline/ HTTP/1.0" 200 9 9.000000s "wrk" b4\n')  # after wrk left
        return {"requests": 0, "duration_us": 2e6, "req_s": 0.0}

    monkeypatch.setattr(measure, "wrk", slow_wrk)
    options = type("Options", (), {"log": log, "base": "http://127.0.0.1:8140", "timeout": 60})
    result = measure.run(options, "http://127.0.0.1:8140/timeline/", 20, 2)
    assert result["wrk_req_s"] == 0
    assert result["served"] == 3
    assert 1.4 < result["req_s"] <= 1.5


def run(requests, seconds=5.0, statuses=None, errors=0):
    """A run's result as bench_measure records it."""
    statuses = statuses or {"200": requests}
    bad = sum(n for s, n in statuses.items() if not s.startswith(("2", "3")))
    return {
        "requests": requests,
        "bytes": requests * 20 * 1024,
        "duration_us": seconds * 1e6,
        "req_s": requests / seconds,
        "statuses": statuses,
        "errors": errors,
        "non_2xx_3xx": bad,
        "p50_us": 50_000,
    }


def results(tmp_path, fast_at_scale, p50s=None):
    """Results for two pages at two scales, and one Datasette comparison; `p50s` sets
    a page's server time p50, by (dataset, label)."""
    lines = []
    for scale in ("demo", "10000"):
        slow = scale == "10000" and not fast_at_scale
        pages = (("`/`", "/"), ("a company", f"/companies/c-{scale}/"))
        for label, path in pages:
            lines.append(
                {
                    "dataset": scale,
                    "phase": "uncached",
                    "label": label,
                    "path": path,
                    "load": run(2, statuses={"500": 2}) if slow else run(200),
                }
            )
            # 40 answers: p50 the 20th fastest, p99 the slowest; two 500s when slow.
            p50 = (p50s or {}).get((scale, label), 900 if slow else 40)
            times = [[p50, 200]] * 39 + [[30000 if slow else 70, 200]]
            times += [[5, 500], [5, 500]] if slow else []
            for round_ in (1, 2):  # the rounds, pooled by the report
                lines.append(
                    {
                        "dataset": scale,
                        "phase": "times",
                        "label": label,
                        "path": path,
                        "round": round_,
                        "load": run(40),
                        "server_times": times[round_ - 1 :: 2],
                    }
                )
            lines.append(
                {
                    "dataset": scale,
                    "phase": "cached",
                    "label": label,
                    "path": path,
                    "load": run(5000),
                    "static": run(6000 if fast_at_scale else 20000),
                    "page_cache": "none" if slow and label == "a company" else "hit",
                }
            )
        lines.append(
            {
                "dataset": scale,
                "phase": "datasette",
                "label": "a JSON list",
                "path": "/api/markets/",
                "datasette_path": "/bench/markets_market.json?_size=50",
                # As bench_measure records them: its alternated runs combined.
                "notorious": measure.combined([run(100 if slow else 400)]),
                "datasette": measure.combined([run(200)]),
            }
        )
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def section(tmp_path, fast_at_scale, p50s=None):
    env = dict(
        os.environ,
        RESULTS=str(results(tmp_path, fast_at_scale, p50s)),
        STARTED="2026-11-30 14:00 UTC",
        COMMIT="abc1234",
        MACHINE="2 cores; load average 0.10 just before the run",
        COMMAND="make bench",
    )
    done = subprocess.run(
        ["python3", str(LIB / "bench_report.py")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_section_shows_each_figure_with_its_ratio_and_the_goals_met(tmp_path):
    text = section(tmp_path, fast_at_scale=True)
    assert text.startswith("## Speed at scale\n")
    assert "- Date: 2026-11-30 14:00 UTC; commit `abc1234`." in text
    assert "load average 0.10" in text
    assert "| `/` | 40.0 | 40.0 / 70.0 ms | 20 KB | 40.0 | 40.0 / 70.0 ms | 20 KB |" in text
    assert "| `/` | 1,000 (0.83×) | 1,000 (0.83×) |" in text  # cached, and × the static file
    assert "80.0 vs 40.0 (2.00×)" in text  # Notorious vs Datasette
    assert "- **Met**: cached pages answer at least half the static file's rate." in text
    assert "- **Met**: every equivalent page, uncached, at least as fast as Datasette's." in text
    assert "p50 under 100 ms and p99 under 300 ms." in text
    assert "Not met" not in text


def test_the_section_names_every_page_that_misses_a_goal(tmp_path):
    text = section(tmp_path, fast_at_scale=False)
    assert (
        "| a company | 40.0 | 40.0 / 70.0 ms | 20 KB "
        "| 0.40 (2 × 500) | 900 / 30,000 ms (2 × 500) |  |" in text
    )
    assert (
        "- **Not met** (4 of 4 missed): cached pages answer at least half the static file's "
        "rate. Missed by: "
        "`/` at demo data (0.25×)"
    ) in text
    assert "| 1,000 (0.25×), not from the page cache (none) |" in text
    assert "a company at 10,000 markets (0.25×, not from the page cache (none))." in text
    assert "Missed by: a JSON list at 10,000 markets (0.50×)." in text
    assert (
        "Missed by: `/` (900 / 30,000 ms (2 × 500)); a company (900 / 30,000 ms (2 × 500))." in text
    )
    assert "Missed by: `/` (40.0 → 900 ms; 2 × 500); a company (40.0 → 900 ms; 2 × 500)." in text


def test_growth_is_judged_on_the_times_to_the_microsecond(tmp_path):
    """Two pages double to the same 32.5 ms: from 16.2 ms it is over 2×, from 16.4 ms
    under. In whole milliseconds both would read 16 → 32, and both "met"."""
    p50s = {
        ("demo", "`/`"): 16.213,
        ("10000", "`/`"): 32.5,
        ("demo", "a company"): 16.4,
        ("10000", "a company"): 32.5,
    }
    text = section(tmp_path, fast_at_scale=True, p50s=p50s)
    assert "| `/` | 40.0 | 16.2 / 70.0 ms | 20 KB | 40.0 | 32.5 / 70.0 ms | 20 KB |" in text
    assert (
        "- **Not met** (1 of 2 missed): every page's p50 at 10,000 markets within 2× of the "
        "demo data's. Missed by: `/` (16.2 → 32.5 ms)."
    ) in text


def test_an_unknown_scale_is_refused_before_anything_is_made():
    done = subprocess.run(
        [str(ROOT / "scripts" / "bench")],
        env=dict(os.environ, BENCH_SCALES="demo,20000", PY=str(ROOT / ".venv" / "bin" / "python")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "unknown scale '20000'" in done.stderr
    assert "Starting" not in done.stderr


def test_each_scale_names_its_own_template():
    """The template's name holds a hash of the generator's source and sizes: another size,
    or a change to the generator, builds another."""
    script = (
        'die() { echo "$*" >&2; exit 1; }; . scripts/lib/bench.sh; '
        'for s in demo 2000 10000; do generator_hash "$(scale_args $s)"; done'
    )
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True)
    hashes = done.stdout.split()
    assert done.returncode == 0, done.stderr
    assert len(hashes) == len(set(hashes)) == 3


def test_servers_are_awaited_and_stopped_by_the_shared_helpers(tmp_path):
    """make bench, loadtest and faults start their servers (gunicorn, Datasette) through
    proof.sh's wait_for_http and stop them with stop_group: it waits for an answer, names a
    server that died before answering, and stops the whole process group."""
    port = free_port()
    script = f"""
        TMPDIR={tmp_path}; . scripts/lib/proof.sh
        setsid python3 -m http.server {port} --bind 127.0.0.1 >{tmp_path}/http.log 2>&1 &
        pid=$!
        wait_for_http http://127.0.0.1:{port}/ $pid {tmp_path}/http.log "the file server"
        echo answered
        stop_group $pid
        kill -0 $pid 2>/dev/null && echo "still running" || echo stopped
        setsid sh -c 'echo "no such module" >&2; exit 1' 2>{tmp_path}/dead.log &
        wait_for_http http://127.0.0.1:1/ $! {tmp_path}/dead.log "the dead server"
    """
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == ["answered", "stopped"]
    assert done.returncode == 1
    assert "no such module" in done.stderr
    assert "FAILED: the dead server did not answer on http://127.0.0.1:1/" in done.stderr
