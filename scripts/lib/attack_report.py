"""The "Attacks" section of docs/benchmarks.md, from scripts/attack-proof's two reports
(`$RUN_DIR/nginx.json`, `$RUN_DIR/gunicorn.json`); or, with `--check REPORT`, exit 1 unless
every probe in REPORT was answered (200) within a second."""

import json
import os
import sys
from pathlib import Path

LIMIT_SECONDS = 1.0
ENTRANCES = {
    "nginx": "through nginx (`make serve`)",
    "gunicorn": "at gunicorn directly (as before)",
}


NOTE = (
    "Status 0 is no answer within the attacker's 60 s. A 500 among the heavy requests is "
    "gunicorn killing a worker at its 30 s timeout: the page took longer than that on this "
    "machine. Through nginx, such a request holds one of the attacker's share of workers "
    "(`NGINX_CONN_PER_CLIENT`, half of them) and its other requests get 429, so the probes "
    "are served by the rest; at gunicorn directly, the attacker's requests hold every worker "
    "and the probes time out."
)


def probes_ok(report):
    return all(
        not probe["failures"] and probe["max_seconds"] < LIMIT_SECONDS
        for name in ("slowloris", "heavy")
        for probe in report[name]["probes"].values()
    )


def probe_cell(probe):
    failed = len(probe["failures"])
    cell = f"{probe['max_seconds']:.2f} s max, {probe['count']} asked"
    return cell + (f", **{failed} failed**" if failed else "")


def attack_cell(name, attack):
    if name == "slowloris":
        closed = attack["closed_by_server"]
        after = attack["closed_after_seconds_max"]
        cut = (
            f"{closed} cut off by the server (the last after {after} s)"
            if closed
            else "none cut off"
        )
        return f"{attack['opened']} sockets opened; {cut}"
    statuses = ", ".join(f"{n:,} × {s}" for s, n in attack["statuses"].items())
    return f"{attack['requests']:,} requests: {statuses}; slowest {attack['max_seconds']:.1f} s"


def oversize_cell(report):
    cases = report["oversize"]
    statuses = ", ".join(
        f"{name.replace('_', ' ')} {case['status']}" for name, case in cases.items()
    )
    with_headers = sum(
        1 for case in cases.values() if case["headers"].get("Content-Security-Policy")
    )
    return f"{statuses}; {with_headers} of {len(cases)} with the security headers"


def section(env, reports):
    cached = env["CACHED_PATH"]
    lines = [
        "## Attacks",
        "",
        f"- Date: {env['DATE']}",
        f"- Machine: {env['MACHINE']}; attacker, probe and server on the same machine.",
        f"- Command: `{env['COMMAND']}`",
        f"- Dataset: the demo data plus the synthetic dataset: {env['DATASET']}.",
        f"- Server: `make serve`: nginx (deploy/nginx.conf) in front of gunicorn "
        f"({env['WORKERS']} sync workers); page cache in {env.get('CACHE_BACKEND') or 'memory'}.",
        f"- Each attack ran {env['ATTACK_SECONDS']} s from 127.0.0.2 while a probe on 127.0.0.1 "
        f"asked for `/healthz` and the cached page `{cached}` every 0.2 s (a new connection "
        "each time, 5 s timeout; a failure is a timeout or any status but 200).",
        "",
        f"| Attack | Entrance | The attack | `/healthz` | `{cached}` |",
        "|---|---|---|---:|---:|",
    ]
    for name in ("slowloris", "heavy"):
        for entrance, label in ENTRANCES.items():
            run = reports[entrance][name]
            lines.append(
                f"| {name} | {label} | {attack_cell(name, run['attack'])} | "
                f"{probe_cell(run['probes']['/healthz'])} | {probe_cell(run['probes'][cached])} |"
            )
    lines += [
        "",
        "Over-long and over-large requests (20 KB address, 20 KB header, eight 7 KB "
        "headers, a 50 MB body announced):",
        "",
    ]
    for entrance, label in ENTRANCES.items():
        lines.append(f"- {label}: {oversize_cell(reports[entrance])}.")
    lines += ["", NOTE]
    return "\n".join(lines)


def main():
    if sys.argv[1:2] == ["--check"]:
        sys.exit(0 if probes_ok(json.loads(Path(sys.argv[2]).read_text())) else 1)
    run_dir = Path(os.environ["RUN_DIR"])
    reports = {name: json.loads((run_dir / f"{name}.json").read_text()) for name in ENTRANCES}
    print(section(os.environ, reports))


if __name__ == "__main__":
    main()
