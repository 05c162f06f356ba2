# Shared by scripts/loadtest and scripts/faults (sourced, not run): a fresh PostgreSQL
# database with the demo and the synthetic data, `make serve` against it, wrk, and the
# sections they write into docs/benchmarks.md.
#
# Settings (environment):
#   PROOF_DB      the scratch database, dropped and created afresh (default notorious_loadtest)
#   PROOF_PORT    the port gunicorn serves on, on 127.0.0.1 (default: a free one)
#   REDIS_URL     the page cache's Redis (default redis://127.0.0.1:6379/1 if one answers;
#                 set it empty to use each process's memory instead)
#   PY            the Python of the virtualenv (default .venv/bin/python)
#   PROOF_KEEP=1  keep the run's logs (server, wrk, probes) instead of deleting them

PY=${PY:-.venv/bin/python}
PROOF_DB=${PROOF_DB:-notorious_loadtest}
# A port nothing listens on, unless one is given.
PROOF_PORT=${PROOF_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
PG_HOST=127.0.0.1
PG_PORT=5432
BASE_URL="http://127.0.0.1:${PROOF_PORT}"
# The four pages under load: home, a market profile, a company page and a search.
LOAD_PATHS=${LOAD_PATHS:-"/ /markets/aliexpress/ /companies/alibaba-group/ /search/?q=alibaba"}
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/notorious-proof.XXXXXX")
SERVER_PID=""

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

ensure_wrk() {
    command -v wrk >/dev/null 2>&1 && return
    log "Installing wrk from Debian's packages"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -q wrk >/dev/null 2>&1 ||
        { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q wrk >/dev/null; } ||
        die "could not install wrk (apt-get install wrk)"
}

ensure_postgres() {
    pg_isready -h "$PG_HOST" -p "$PG_PORT" -q || die "PostgreSQL is not answering on $PG_HOST:$PG_PORT"
}

choose_redis() {
    if [ -z "${REDIS_URL+set}" ]; then
        if "$PY" -c 'import redis,sys; redis.Redis(socket_connect_timeout=0.5).ping()' 2>/dev/null; then
            REDIS_URL=redis://127.0.0.1:6379/1
        else
            REDIS_URL=""
        fi
    fi
    export REDIS_URL
    # Each run's own keys: nothing cached by an earlier run (of other data) can be served.
    export DJANGO_CACHE_KEY_PREFIX="proof-$$-$(date +%s)"
}

# A fresh scratch database with the demo data and the synthetic dataset.
prepare_database() {
    case "$PROOF_DB" in
        *loadtest* | *bench* | *synthetic*) ;;
        *) die "PROOF_DB=$PROOF_DB: the scratch database's name must contain loadtest, bench or synthetic" ;;
    esac
    log "Creating a fresh database $PROOF_DB"
    dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists "$PROOF_DB"
    createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$PROOF_DB"
    export DATABASE_URL="postgres://postgres@${PG_HOST}:${PG_PORT}/${PROOF_DB}"
    DJANGO_DEBUG=1 "$PY" manage.py migrate --no-input -v 0
    DJANGO_DEBUG=1 "$PY" manage.py load_demo
    DJANGO_DEBUG=1 "$PY" manage.py generate_synthetic
    DATASET=$(DJANGO_DEBUG=1 "$PY" manage.py shell --no-imports -v 0 -c '
from notorious.companies.models import Company
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Listing, Report
print(", ".join(f"{m.objects.count():,} {m._meta.verbose_name_plural}"
                for m in (Company, Market, Report, Listing, Article)))')
    log "Dataset: $DATASET"
}

# `make serve` (gunicorn, debug off, collectstatic, migrate) in its own process group.
# wait_for_http URL PID LOG WHAT: poll URL until it answers 2xx; give up after 60 s or when
# the process PID (which writes LOG) dies, showing the log's tail.
wait_for_http() {
    local url=$1 pid=$2 logfile=$3 what=$4 waited=0
    until curl -fs -o /dev/null --max-time 2 "$url"; do
        sleep 0.5
        waited=$((waited + 1))
        if [ $waited -ge 120 ] || ! kill -0 "$pid" 2>/dev/null; then
            tail -20 "$logfile" >&2
            die "$what did not answer on $url within 60 s"
        fi
    done
}

# stop_group PID: TERM the process group PID leads (started with setsid), KILL it after 10 s.
stop_group() {
    kill -TERM -- "-$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$1" 2>/dev/null || true
}

start_server() {
    if curl -s -o /dev/null --max-time 2 "$BASE_URL/"; then
        die "something already answers on $BASE_URL; choose another PROOF_PORT"
    fi
    log "Starting make serve on $BASE_URL"
    # The Makefile's PY is the interpreter's path, not the venv: pass the venv itself.
    setsid make serve PORT="$PROOF_PORT" VENV="$(dirname "$(dirname "$PY")")" \
        >"$RUN_DIR/server.log" 2>&1 &
    SERVER_PID=$!
    wait_for_http "$BASE_URL/healthz" "$SERVER_PID" "$RUN_DIR/server.log" "the server"
    GUNICORN_MASTER=$(pgrep -o -f "gunicorn --config gunicorn.conf.py" -g "$SERVER_PID" || true)
    [ -n "$GUNICORN_MASTER" ] || die "the server answering on $BASE_URL is not this gunicorn"
    WORKERS=$(pgrep -c -P "$GUNICORN_MASTER" || true)
    log "Healthy: gunicorn master $GUNICORN_MASTER with $WORKERS workers"
}

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        log "Stopping the server"
        stop_group "$SERVER_PID"
    fi
    SERVER_PID=""
    # Each server's log is kept apart (numbered), for PROOF_KEEP=1.
    [ -e "$RUN_DIR/server.log" ] && mv "$RUN_DIR/server.log" "$RUN_DIR/server-$(date +%s%N).log"
    return 0
}

remove_run_dir() {
    if [ "${PROOF_KEEP:-0}" = 1 ]; then
        log "Logs kept in $RUN_DIR"
    else
        rm -rf "$RUN_DIR"
    fi
}

warm_up() {
    record_load_average
    local path
    for path in $LOAD_PATHS; do
        local code
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$BASE_URL$path")
        [ "$code" = 200 ] || die "GET $path answered $code before the load started"
    done
}

# run_wrk SECONDS CONNECTIONS OUTFILE [count-statuses]
run_wrk() {
    WRK_PATHS="$LOAD_PATHS" WRK_COUNT_STATUS="${4:-0}" wrk -t 2 -c "$2" -d "${1}s" \
        --timeout "${WRK_TIMEOUT:-10}s" -s scripts/lib/wrk-rotate.lua "$BASE_URL" >"$3" 2>&1
}

# The machine, and how busy it was before the run (other programs share the cores).
record_load_average() { [ -n "${LOAD_BEFORE:-}" ] || LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg); }

machine_line() {
    local cpu
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    printf '%s cores (%s), %s GB RAM, %s; PostgreSQL %s; load average %s just before the run' \
        "$(nproc)" "${cpu:-unknown CPU}" \
        "$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)" \
        "$(. /etc/os-release && echo "$PRETTY_NAME")" \
        "$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -Atc 'show server_version' | cut -d' ' -f1)" \
        "${LOAD_BEFORE:-unknown}"
}

# write_section ID < markdown: put the section between its markers in docs/benchmarks.md
# (replacing an earlier run's), or append it.
write_section() {
    "$PY" scripts/lib/benchmarks_md.py "$1"
}
