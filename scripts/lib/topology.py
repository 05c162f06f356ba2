"""Several app servers on a PostgreSQL primary and a streaming replica, on this machine.

Brings up, all private to one temporary directory and stopped and deleted at the end (even
on failure, Ctrl-C or SIGTERM):

- a primary PostgreSQL cluster (initdb, wal_level=replica) and a streaming replica made from
  it with `pg_basebackup -R`, lagging on purpose (--replica-delay, 3 s), each on its own port;
- app server A: `scripts/serve` (nginx and gunicorn), its nginx balancing over A's gunicorn
  and app server B's (APP_SERVERS); app server B: gunicorn alone. Both read from the replica
  (DATABASE_REPLICA_URLS) and share Redis (REDIS_URL, database 13) and one secret key.

Then readers' GETs are driven through nginx from several threads; B is stopped, then the
replica is frozen for a few seconds (SIGSTOP: it stops answering while its host still
accepts connections; --freeze-seconds), then stopped; an editor signs in, renames a market
and loads its page, once while the replica lags and once while it is down. The summary (JSON
on stdout) counts every reader's failed request (any answer but 200, or none), per phase
with their times, and says whether the editor ever saw a stale page.

`scripts/topology` runs it (python scripts/lib/topology.py --help); tests/test_topology.py
runs a short one. Needs PostgreSQL 15's server binaries, nginx and Redis.
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from topology_http import Editor, get

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
READER_PATHS = ["/", "/markets/", "/companies/", "/reports/", "/api/markets/", "/healthz"]


class Topology:
    """The processes and directories of one run; `close()` stops and deletes them all."""

    def __init__(self, ports, python, log=sys.stderr):
        self.ports = ports
        self.python = python
        self.log = log
        self.dir = Path(tempfile.mkdtemp(prefix="notorious-topology-"))
        self.dir.chmod(0o755)
        # The clusters' data, logs and sockets: the postgres user's when this is root.
        self.pg = self.dir / "pg"
        self.pg.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pg, "postgres", "postgres")
        self.processes = []
        self.clusters = []

    # -- PostgreSQL ------------------------------------------------------------------------
    def as_postgres(self, args, **kwargs):
        """Run a PostgreSQL program, as the postgres user when this is root."""
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)

    def start_cluster(self, name, port):
        data = self.pg / name
        self.as_postgres([PG_BIN / "pg_ctl", "-D", data, "-l", self.pg / f"{name}.log",
                          "-o", f"-p {port}", "-w", "-t", "60", "start"])  # fmt: skip
        self.clusters.append(data)

    def stop_cluster(self, name, mode="fast"):
        data = self.pg / name
        self.as_postgres([PG_BIN / "pg_ctl", "-D", data, "-m", mode, "-w", "stop"])
        self.clusters.remove(data)

    def make_primary(self):
        data = self.pg / "primary"
        self.as_postgres([PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust",
                          "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])  # fmt: skip
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.pg}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                # A test cluster: speed over durability.
                "fsync = off\nfull_page_writes = off\nmax_connections = 60\n"
            )
        self.start_cluster("primary", self.ports["primary"])

    def make_replica(self, delay_seconds):
        """A streaming replica of the primary (`pg_basebackup -R`), applying its changes
        `delay_seconds` late, so that the editor's check meets a lagging replica."""
        data = self.pg / "replica"
        self.as_postgres([PG_BIN / "pg_basebackup", "-h", "127.0.0.1",
                          "-p", str(self.ports["primary"]), "-U", "postgres", "-D", data,
                          "-R", "-X", "stream", "--checkpoint=fast"])  # fmt: skip
        with open(data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"recovery_min_apply_delay = '{delay_seconds * 1000:.0f}ms'\n")
        self.start_cluster("replica", self.ports["replica"])

    def freeze_cluster(self, name, seconds):
        """Every process of the cluster stopped (SIGSTOP) for `seconds`, then continued: a
        server that stops answering while its host's kernel still accepts connections."""
        postmaster = int((self.pg / name / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True,
                                  text=True).stdout.split()  # fmt: skip
        pids = [postmaster, *map(int, children)]
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(seconds)
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)

    def database_url(self, cluster):
        return f"postgres://postgres@127.0.0.1:{self.ports[cluster]}/notorious"

    # -- Django ----------------------------------------------------------------------------
    def environment(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        env.update(
            DJANGO_ENV_FILE="",
            DATABASE_URL=self.database_url("primary"),
            DATABASE_REPLICA_URLS=self.database_url("replica"),
            REDIS_URL="redis://127.0.0.1:6379/13",
            DJANGO_SECRET_KEY="topology-test-key-the-same-on-every-app-server-0123456789",
            DJANGO_STATIC_ROOT=str(self.dir / "static"),
            DJANGO_DEBUG="0",
            DJANGO_HTTPS="0",
            DJANGO_TRUSTED_PROXY_COUNT="1",
            DJANGO_RATE_LIMIT_SEARCH="off",
            DJANGO_RATE_LIMIT_API="off",
            DJANGO_RATE_LIMIT_DOWNLOADS="off",
            WEB_CONCURRENCY="2",
            PY=self.python,
            NGINX_CONN_PER_CLIENT="1000",
        )
        return env

    def manage(self, *args):
        subprocess.run([self.python, "manage.py", *args], cwd=ROOT, check=True,
                       env=self.environment(), capture_output=True)  # fmt: skip

    def load_data(self, seed_dump=None):
        """The schema (migrated, or restored from `seed_dump`, a pg_dump of a migrated
        database: faster; scripts/serve then migrates what is left), the demo and an editor."""
        port = str(self.ports["primary"])
        self.as_postgres([PG_BIN / "createdb", "-h", "127.0.0.1", "-p", port, "notorious"])
        if seed_dump:
            subprocess.run([PG_BIN / "pg_restore", "-h", "127.0.0.1", "-p", port,
                            "-U", "postgres", "-d", "notorious", "--no-owner", seed_dump],
                           check=True, capture_output=True)  # fmt: skip
        else:
            self.manage("migrate", "--no-input")
        self.manage("shell", "-c", "from django.core.management import call_command; "
                    "from django.contrib.auth.models import User; call_command('load_demo'); "
                    f"User.objects.create_superuser('{Editor.USERNAME}', 'editor@example.org', "
                    f"'{Editor.PASSWORD}')")  # fmt: skip

    def spawn(self, name, args, **env):
        log = open(self.dir / f"{name}.log", "w")  # noqa: SIM115 - closed in close()
        process = subprocess.Popen(args, cwd=ROOT, env={**self.environment(), **env},
                                   stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
        self.processes.append((name, process, log))
        return process

    def start_app_servers(self):
        """A (scripts/serve: nginx over both, and a gunicorn) and B (a gunicorn), started
        together once the static files they share are collected."""
        a, b = (f"127.0.0.1:{self.ports[name]}" for name in ("app_a", "app_b"))
        self.manage("collectstatic", "--no-input")
        self.spawn(
            "app_a",
            [str(ROOT / "scripts" / "serve")],
            GUNICORN_BIND=a,
            NGINX_LISTEN=f"127.0.0.1:{self.ports['nginx']}",
            APP_SERVERS=f"{a},{b}",
        )
        gunicorn = str(Path(self.python).parent / "gunicorn")
        self.spawn("app_b", [gunicorn, "--config", "gunicorn.conf.py"], GUNICORN_BIND=b)
        for url in (f"http://{a}/healthz", f"http://{b}/healthz", f"{self.base}/healthz"):
            self.wait_for(url)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.ports['nginx']}"

    def wait_for(self, url, within=120):
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if get(url)[0] == 200:
                return
            for name, process, _ in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited")
            time.sleep(0.3)
        raise RuntimeError(f"{url} did not answer within {within} s")

    def stop_process(self, name):
        for entry in self.processes:
            if entry[0] == name:
                os.killpg(entry[1].pid, signal.SIGTERM)  # gunicorn's graceful stop
                entry[1].wait(timeout=40)

    def print_logs(self):
        for log in sorted([*self.dir.glob("*.log"), *self.pg.glob("*.log")]):
            print(f"--- {log.name} (end)\n{log.read_text(errors='replace')[-3000:]}", file=self.log)

    def close(self):
        for _, process, log in self.processes:
            # SIGTERM first: scripts/serve then stops nginx and gunicorn and removes its files.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            log.close()
        for data in list(self.clusters):
            subprocess.run(["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
                           + [PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
                           capture_output=True)  # fmt: skip
        subprocess.run(["redis-cli", "-n", "13", "FLUSHDB"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class Load:
    """Readers' GETs through nginx from `threads` threads until stopped: each request is one
    of READER_PATHS, or a market list filtered by a random word (never cached)."""

    def __init__(self, base, threads):
        self.base = base
        self.stopping = threading.Event()
        self.results = []  # (seconds since start, path, status or error, seconds taken)
        self.marks = [("start", 0.0)]  # the phases: (name, seconds since start)
        self.start = time.monotonic()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]
        for thread in self.threads:
            thread.start()

    def run(self):
        randomness = random.Random()
        while not self.stopping.is_set():
            if randomness.random() < 0.5:
                path = randomness.choice(READER_PATHS)
            else:
                path = f"/markets/?q={randomness.choice('abcdefghij')}{randomness.randrange(99)}"
            sent = time.monotonic()
            status = get(self.base + path)[0]
            now = time.monotonic()
            self.results.append((round(sent - self.start, 2), path, status, round(now - sent, 3)))

    def mark(self, name):
        self.marks.append((name, time.monotonic() - self.start))

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def failures(self):
        return [result for result in self.results if result[2] != 200]

    def phases(self):
        """Requests, failures and times (median, slowest) from each mark to the next."""
        bounds = [*self.marks, ("end", float("inf"))]
        phases = {}
        for (name, begin), (_, end) in zip(bounds, bounds[1:], strict=False):
            taken = sorted(r[3] for r in self.results if begin <= r[0] < end)
            failed = sum(1 for r in self.results if begin <= r[0] < end and r[2] != 200)
            phases[f"from {name}"] = {
                "requests": len(taken),
                "failed": failed,
                "median_s": taken[len(taken) // 2] if taken else None,
                "max_s": taken[-1] if taken else None,
            }
        return phases


def run(topology, args):
    """The whole scenario; returns the summary."""
    steps = {}

    def step(name):
        steps[name] = round(time.monotonic() - started, 1)
        print(f"{steps[name]:6.1f} s  {name}", file=topology.log, flush=True)

    started = time.monotonic()
    topology.make_primary()
    topology.load_data(args.seed_dump)
    seconds, freeze_seconds, watch_reader = args.seconds, args.freeze_seconds, args.watch_reader
    topology.make_replica(args.replica_delay)
    step("primary and replica up, demo loaded")
    topology.start_app_servers()
    step("app servers A and B up behind nginx")
    editor = Editor(topology.base)
    load = Load(topology.base, args.threads)
    step("load started")
    time.sleep(seconds * 0.2)
    lagging = editor.rename_and_check("while the replica lags", watch_reader)
    step("editor's change seen at once while the replica lags")
    time.sleep(seconds * 0.1)
    load.mark("app server B stopping")
    topology.stop_process("app_b")
    step("app server B stopped")
    time.sleep(seconds * 0.3)
    if freeze_seconds:
        load.mark("replica frozen")
        topology.freeze_cluster("replica", freeze_seconds)
        load.mark("replica thawed")
        step(f"replica frozen (SIGSTOP) for {freeze_seconds} s, then thawed")
        time.sleep(seconds * 0.1)
    load.mark("replica stopping")
    topology.stop_cluster("replica")
    step("replica stopped")
    time.sleep(seconds * 0.1)
    down = editor.rename_and_check("while the replica is down")
    step("editor's change seen at once while the replica is down")
    time.sleep(seconds * 0.3)
    load.stop()
    step("load stopped")
    health = get(f"{topology.base}/healthz")
    logs = "".join((topology.dir / f"{name}.log").read_text(errors="replace")
                   for name in ("app_a", "app_b"))  # fmt: skip
    return {
        "requests": len(load.results),
        "failed": load.failures()[:20],
        "failed_count": len(load.failures()),
        "phases": load.phases(),
        "replica_given_up": logs.count("unavailable; reading from the primary"),
        "retried_on_primary": logs.count("retried on the primary"),
        "editor": [lagging, down],
        "healthz_after": [health[0], health[2]],
        "steps": steps,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long the load runs")
    parser.add_argument("--threads", type=int, default=8, help="readers at once")
    parser.add_argument(
        "--freeze-seconds",
        type=float,
        default=6,
        help="the replica frozen (SIGSTOP) this long before it stops; 0: not",
    )
    parser.add_argument(
        "--watch-reader",
        type=float,
        default=0,
        help="after the first change, wait up to this long for a reader to see it",
    )
    parser.add_argument(
        "--replica-delay",
        type=float,
        default=3,
        help="seconds the replica applies the primary's changes late",
    )
    parser.add_argument("--seed-dump", help="pg_dump -Fc of a migrated database (faster)")
    parser.add_argument("--first-port", type=int, default=8120, help="nginx; app servers next")
    parser.add_argument("--first-pg-port", type=int, default=55432, help="primary; replica next")
    args = parser.parse_args()
    ports = {"nginx": args.first_port, "app_a": args.first_port + 1,
             "app_b": args.first_port + 2, "primary": args.first_pg_port,
             "replica": args.first_pg_port + 1}  # fmt: skip
    python = os.environ.get("PY") or str(ROOT / ".venv" / "bin" / "python")
    # SIGTERM (a test's timeout, a process manager) cleans up as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    topology = Topology(ports, python)
    try:
        summary = run(topology, args)
    except BaseException as error:
        if isinstance(error, subprocess.CalledProcessError):
            print(f"{error.cmd} failed:\n{error.stdout}\n{error.stderr}", file=sys.stderr)
        topology.print_logs()
        raise
    finally:
        topology.close()
    print(json.dumps(summary, indent=1))
    stale = [check for check in summary["editor"] if not check["fresh"]]
    return 1 if summary["failed_count"] or stale else 0


if __name__ == "__main__":
    sys.exit(main())
