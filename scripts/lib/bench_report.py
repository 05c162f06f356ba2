"""docs/benchmarks.md's "Speed at scale", from `make bench`'s results (scripts/bench).

Reads the JSON lines scripts/lib/bench_measure.py wrote (RESULTS), the datasets and the
phases' durations (DATASETS_FILE, PHASES_FILE: tab-separated) and the run's particulars
(STARTED, MACHINE, COMMIT, COMMAND, CACHE_BACKEND, DATASETTE_VERSION) from the environment;
prints the section's Markdown: the tables with their ratios, then each of issue 11's goals,
met or not, with the pages that miss it.
"""

import json
import os
import statistics
from pathlib import Path

from bench_measure import server_time_fields

SCALE_NAMES = {"demo": "demo data", "2000": "2,000 markets", "10000": "10,000 markets"}
# Issue 11's goals.
P50_GOAL_MS, P99_GOAL_MS, GROWTH_GOAL = 100, 300, 2.0
CACHED_VS_STATIC_GOAL, DATASETTE_GOAL = 0.5, 1.0


def rate(value):
    """Requests per second as the tables show them."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def failures(result):
    """' (3 × 500, 2 errors)' for a run with responses other than 2xx/3xx or socket errors."""
    bad = [
        f"{n:,} × {s}"
        for s, n in sorted(result["statuses"].items())
        if not s.startswith(("2", "3"))
    ]
    if result["errors"]:
        bad.append(f"{result['errors']:,} errors")
    return f" ({', '.join(bad)})" if bad else ""


def ok(result):
    return result["requests"] > 0 and not failures(result)


def load_results(path):
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    scales = list(dict.fromkeys(row["dataset"] for row in rows))
    by = {}
    for row in rows:
        by.setdefault(row["phase"], {}).setdefault(row["dataset"], []).append(row)
    with_server_times(by)
    return scales, by


def with_server_times(by):
    """Each uncached page given its server time: the requests of every round of the times
    phase (the datasets served in turn), pooled (`server_time_fields`)."""
    pooled = {}
    for rows in by.get("times", {}).values():
        for row in rows:
            pooled.setdefault((row["dataset"], row["label"]), []).extend(row["server_times"])
    for dataset, rows in by.get("uncached", {}).items():
        for row in rows:
            row.update(server_time_fields(pooled.get((dataset, row["label"]), [])))


def read_tsv(path):
    if not path or not Path(path).exists():
        return []
    return [
        line.split("\t") for line in Path(path).read_text(encoding="utf-8").splitlines() if line
    ]


def uncached_table(scales, by):
    rows = by.get("uncached", {})
    labels = [row["label"] for row in rows.get(scales[-1], [])]
    head = "| page | " + " | ".join(
        f"{SCALE_NAMES.get(s, s)}: req/s | p50 / p99 | size" for s in scales
    )
    lines = [head + " |", "|---|" + "---:|---:|---:|" * len(scales)]
    for index, label in enumerate(labels):
        cells = []
        for scale in scales:
            row = rows.get(scale, [])[index] if index < len(rows.get(scale, [])) else None
            if row is None:
                cells += ["", "", ""]
                continue
            cells += [cell(row["load"]), server_time(row), size(row["load"])]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def cell(result):
    """A run's requests/s, and what went wrong in it."""
    if not result["requests"]:
        if "duration_us" not in result:
            return "none finished" + failures(result)
        return f"none finished in {result['duration_us'] / 1e6:.0f} s" + failures(result)
    return rate(result["req_s"]) + failures(result)


def size(result):
    """The mean response's size, headers included (wrk's count)."""
    if not result["requests"] or "bytes" not in result or failures(result):
        return ""  # not one page's size
    kb = result["bytes"] / result["requests"] / 1024
    return f"{kb / 1024:.1f} MB" if kb >= 1024 else f"{kb:,.0f} KB" if kb >= 10 else f"{kb:.1f} KB"


def milliseconds(value):
    """A server time (ms, to the microsecond) as the tables give it: to a tenth below
    100 ms, where a tenth can decide a ratio, whole above ("5.4", "10.0", "112")."""
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def server_time(row):
    """p50 / p99 of the page's successful answers, with how many and what else came."""
    notes = []
    if row["server_ms_n"] < 20:
        notes.append(f"n={row['server_ms_n']}")
    failed = server_failures(row)
    if failed:
        notes.append(failed)
    note = f" ({'; '.join(notes)})" if notes else ""
    if not row["server_ms_n"]:
        return "none succeeded" + (f" ({failed})" if failed else "")
    p50, p99 = milliseconds(row["server_ms_p50"]), milliseconds(row["server_ms_p99"])
    return f"{p50} / {p99} ms{note}"


def server_failures(row):
    """'2 × 503' for the one-connection run's failed answers ('' for none)."""
    if "server_failures" in row:
        return ", ".join(f"{n} × {s}" for s, n in sorted(row["server_failures"].items()))
    bad = [str(s) for s in row.get("server_statuses", []) if s >= 400]  # older results
    return f"some {', '.join(bad)}" if bad else ""


def cached_table(scales, by):
    rows = by.get("cached", {})
    labels = [row["label"] for row in rows.get(scales[-1], [])]
    head = "| page | " + " | ".join(f"{SCALE_NAMES.get(s, s)}: req/s (× static)" for s in scales)
    lines = [head + " |", "|---|" + "---:|" * len(scales)]
    for index, label in enumerate(labels):
        cells = []
        for scale in scales:
            row = rows.get(scale, [])[index] if index < len(rows.get(scale, [])) else None
            if row is None:
                cells.append("")
                continue
            ratio = row["load"]["req_s"] / row["static"]["req_s"] if row["static"]["req_s"] else 0
            cells.append(f"{cell(row['load'])} ({ratio:.2f}×){not_cached(row)}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    statics = []
    for scale in scales:
        values = [row["static"]["req_s"] for row in rows.get(scale, [])]
        statics.append(rate(statistics.median(values)) if values else "")
    lines.append(
        "| a static file (median of the runs beside the pages) | " + " | ".join(statics) + " |"
    )
    return lines


def not_cached(row):
    """A note for a page the page cache did not answer (its X-Page-Cache header)."""
    state = row.get("page_cache", "hit")
    return "" if state == "hit" else f", not from the page cache ({state})"


def datasette_table(scales, by):
    rows = by.get("datasette", {})
    labels = [(row["label"], row["path"], row["datasette_path"]) for row in rows.get(scales[0], [])]
    head = "| equivalent page (Notorious; Datasette) | " + " | ".join(
        f"{SCALE_NAMES.get(s, s)}: Notorious vs Datasette req/s" for s in scales
    )
    lines = [head + " |", "|---|" + "---:|" * len(scales)]
    for index, (label, ours, theirs) in enumerate(labels):
        cells = []
        for scale in scales:
            scale_rows = rows.get(scale, [])
            if index >= len(scale_rows):
                cells.append("")
                continue
            n, d = scale_rows[index]["notorious"], scale_rows[index]["datasette"]
            ratio = f"{n['req_s'] / d['req_s']:.2f}×" if d["req_s"] else "Datasette answered none"
            cells.append(f"{cell(n)} vs {cell(d)} ({ratio})")
        lines.append(f"| {label} (`{ours}`; `{theirs}`) | " + " | ".join(cells) + " |")
    return lines


def goal(text, misses, measured=True, total=0):
    if not measured:
        return f"- **Not measured**: {text}."
    if misses:
        count = f" ({len(misses)} of {total} missed)" if total else ""
        return f"- **Not met**{count}: {text}. Missed by: " + "; ".join(misses) + "."
    return f"- **Met**: {text}."


def goals(scales, by):
    lines = []
    misses = []
    for scale in scales:
        for row in by.get("cached", {}).get(scale, []):
            static = row["static"]["req_s"]
            ratio = row["load"]["req_s"] / static if static else 0
            if ratio < CACHED_VS_STATIC_GOAL or not ok(row["load"]):
                misses.append(
                    f"{row['label']} at {SCALE_NAMES.get(scale, scale)} "
                    f"({ratio:.2f}×{not_cached(row)})"
                )
    lines.append(
        goal(
            "cached pages answer at least half the static file's rate",
            misses,
            "cached" in by,
            sum(len(rows) for rows in by.get("cached", {}).values()),
        )
    )
    misses = []
    for scale in scales:
        for row in by.get("datasette", {}).get(scale, []):
            n, d = row["notorious"], row["datasette"]
            ratio = n["req_s"] / d["req_s"] if d["req_s"] else float("inf")
            if ratio < DATASETTE_GOAL or not ok(n):
                misses.append(f"{row['label']} at {SCALE_NAMES.get(scale, scale)} ({ratio:.2f}×)")
    lines.append(
        goal(
            "every equivalent page, uncached, at least as fast as Datasette's",
            misses,
            "datasette" in by,
            sum(len(rows) for rows in by.get("datasette", {}).values()),
        )
    )
    lines += time_goals(scales, by)
    return lines


def time_goals(scales, by):
    """Issue 11's goals for uncached server time at 10,000 markets, absolute and against the
    demo data."""
    rows = by.get("uncached", {})
    text = (
        f"at 10,000 markets every page answers uncached in a server time p50 under "
        f"{P50_GOAL_MS} ms and p99 under {P99_GOAL_MS} ms"
    )
    growth_text = f"every page's p50 at 10,000 markets within {GROWTH_GOAL:g}× of the demo data's"
    if "10000" not in rows:
        return [goal(text, [], False), goal(growth_text, [], False)]
    misses, growth = [], []
    # By label: a page's path differs from one dataset to the next (the company, the year).
    demo = {row["label"]: row for row in rows.get("demo", [])}
    for row in rows["10000"]:
        p50, p99 = row["server_ms_p50"], row["server_ms_p99"]
        slow = p50 is None or p50 >= P50_GOAL_MS or p99 >= P99_GOAL_MS
        if slow or server_failures(row) or not ok(row["load"]):
            misses.append(f"{row['label']} ({server_time(row)})")
        base = demo.get(row["label"])
        if base is None:
            continue
        grown = (
            p50 is None or not base["server_ms_p50"] or p50 > GROWTH_GOAL * base["server_ms_p50"]
        )
        if grown or server_failures(row):
            failed = f"; {server_failures(row)}" if server_failures(row) else ""
            before = milliseconds(base["server_ms_p50"]) if base["server_ms_p50"] else "none"
            after = milliseconds(p50) if p50 is not None else "none"
            growth.append(f"{row['label']} ({before} → {after} ms{failed})")
    total = len(rows["10000"])
    return [goal(text, misses, True, total), goal(growth_text, growth, "demo" in rows, total)]


def main():
    e = os.environ
    scales, by = load_results(e["RESULTS"])
    datasets = dict(read_tsv(e.get("DATASETS_FILE")))
    phases = {}
    for scale, name, seconds in read_tsv(e.get("PHASES_FILE")):
        phases.setdefault(scale, []).append(f"{name} {int(seconds)} s")
    cache = e.get("CACHE_BACKEND") or "each process's memory (no REDIS_URL)"
    lines = [
        "## Speed at scale",
        "",
        f"- Date: {e.get('STARTED', '')}; commit `{e.get('COMMIT', '')}`.",
        f"- Machine: {e.get('MACHINE', '')}, {e.get('LOAD_AFTER', 'unknown')} at its end; wrk, "
        "the servers and PostgreSQL on the same machine.",
        f"- Command: `{e.get('COMMAND', '')}`",
    ]
    for scale in scales:
        lines.append(
            f"- Dataset {SCALE_NAMES.get(scale, scale)}: {datasets.get(scale, '')}; phases: "
            + ", ".join(phases.get(scale, []))
            + "."
        )
    lines += [
        "- Server: `make serve` (nginx, gunicorn.conf.py, debug off), rate limits off; uncached "
        "with `DJANGO_PAGE_CACHE_SECONDS=0 DJANGO_DERIVED_CACHE=0` (no page and no chart "
        f"figures from the cache), cached with the page cache in {cache}."
        + (f" Datasette {e['DATASETTE_VERSION']}" if e.get("DATASETTE_VERSION") else "")
        + (
            " (`datasette serve -i`, `sql_time_limit_ms` 30000) on a SQLite copy made by "
            "db-to-sqlite, FTS5 on article headlines (sqlite-utils)."
            if e.get("DATASETTE_VERSION")
            else ""
        ),
        "- Requests/s: wrk with the command's connections, each run alternated as said below. "
        "For the site, the successful requests gunicorn served for the run (its access log), "
        "those still running when wrk stopped included, over the run's time and the time they "
        "took to finish (wrk's own count would give a page slower than the run none); for "
        "Datasette, wrk's count. p50 / p99: gunicorn's own time per request, one connection, "
        "so that no request waits for another, at least 200 requests or 20 s of them a "
        "round (n: how many, when fewer than 20 finished), in the command's rounds after "
        "every other phase, each round serving the datasets in turn, pooled.",
        "",
        "### Speed at scale: uncached (every page from PostgreSQL)",
        "",
        *uncached_table(scales, by),
        "",
        "### Speed at scale: cached, beside a static file",
        "",
        "Each page's run is followed by one of a static file (the stylesheet, through the same "
        "nginx and WhiteNoise); the ratio is to that run. Both are asked for as browsers ask, "
        "with `Accept-Encoding: gzip, deflate, br`, so both travel compressed as readers get "
        "them (the page cache's gzipped copy, WhiteNoise's `.gz` file). A page the page cache "
        "did not answer just before its run (its `X-Page-Cache` header: `miss`, or `none` "
        "where the cache never applies) says so.",
        "",
        *cached_table(scales, by),
    ]
    if "datasette" in by:
        lines += [
            "",
            "### Speed at scale: side by side with Datasette",
            "",
            "Notorious uncached and Datasette on the same data, alternated (A B A B) so that "
            "the machine's load falls on both alike.",
            "",
            *datasette_table(scales, by),
        ]
    lines += ["", "### Speed at scale: the goals", "", *goals(scales, by)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
