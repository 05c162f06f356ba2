"""gunicorn's configuration for Notorious: `make serve` uses it behind nginx
(deploy/nginx.conf), and so should a deploy.

Every value can be changed by environment variable (see docs/deployment.md, "Deployment"),
so the same file serves one machine and a pool of app servers behind a reverse proxy.
"""

import os


def _cores():
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:
        return os.cpu_count() or 1


wsgi_app = "notorious.wsgi:application"

# `make serve` (scripts/serve) sets GUNICORN_BIND to a Unix socket that only its nginx
# connects to: gunicorn's sync workers must never face clients themselves (a slow client
# holds a worker; docs/deployment.md, "Deployment"). Run on its own, PORT picks the port on
# 127.0.0.1.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# gunicorn's rule of thumb: (2 x cores) + 1 worker processes; each holds one database
# connection per thread, which matters when several app servers share one PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that takes longer than this is a stuck worker: it is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On restart or shutdown, workers get this long to finish the requests they are serving.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Seconds an idle keep-alive connection is held (from a reverse proxy, mostly).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle each worker after a while, so a slow leak never grows without bound; the jitter
# keeps them from all restarting at once. Not too often: booting a worker (loading Django)
# costs about a second of CPU, and at 2,000 a 2-core server answering 1,600 cached pages a
# second spent much of its time re-booting workers (p99 928 ms, against 107 ms at 20,000;
# docs/benchmarks.md, "Load").
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max(1, max_requests // 10)

# Logs to stdout/stderr, for the process manager or container runtime to collect. Each
# access line ends with the request's id (its X-Request-ID response header), the id the
# site's own log lines for that request carry (notorious/core/request_id.py). The time is
# in seconds to the microsecond, as nginx's line gives seconds: in whole milliseconds a
# 5 ms page reads 5 or 6, and `make bench`'s growth ratios moved by a fifth with it.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s" %({x-request-id}o)s'

# Heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# gunicornc's control socket is not used; without it, several servers on one machine do not
# compete for the same socket path.
control_socket_disable = True

proc_name = "notorious"
# Which scheme a request came by is Django's to decide, from DJANGO_SECURE_PROXY_SSL_HEADER
# (docs/deployment.md, "Security"). gunicorn would otherwise believe X-Forwarded-Proto from any
# local client and tell Django the request was HTTPS.
secure_scheme_headers = {}
