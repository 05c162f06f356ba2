# scripts/bench's datasets and Datasette (sourced, not run; after scripts/lib/proof.sh, whose
# log, die, PG_HOST, PG_PORT, PY and RUN_DIR it uses): the template databases cached from run to
# run, this run's copy of one, the pages' subjects in it, its SQLite copy and Datasette on it.
# Settings: BENCH_VENV, BENCH_CACHE, BENCH_DATASETTE_PORT (scripts/bench describes them).

BENCH_VENV=${BENCH_VENV:-.venv-bench}
CACHE_DIR=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/notorious-bench}
DATASETTE_PORT=${BENCH_DATASETTE_PORT:-8141}
PSQL=(env PGOPTIONS="-c client_min_messages=warning" psql -h "${PG_HOST:-127.0.0.1}" -p "${PG_PORT:-5432}" -U postgres -v ON_ERROR_STOP=1 -Atq)
DATASETTE_PID="" PARTIAL_SQLITE=""

# The generator's arguments for a scale; its source and these name the cached template.
scale_args() {
    case "$1" in
        demo) echo "-" ;;
        2000) echo "" ;;  # generate_synthetic's defaults
        10000) echo "--companies 2500 --markets 10000 --editions 20 --listings 100000 --articles 200000" ;;
        *) die "BENCH_SCALES: unknown scale '$1' (demo, 2000 or 10000)" ;;
    esac
}
generator_hash() {
    { cat notorious/dataset/synthetic.py notorious/dataset/demo.py \
        notorious/dataset/management/commands/generate_synthetic.py \
        notorious/dataset/management/commands/load_demo.py; echo "$1"; } | sha256sum | cut -c1-12
}
migrations_hash() {
    find notorious -path '*/migrations/*.py' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12
}
database_exists() { [ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
manage() { DATABASE_URL="postgres://postgres@$PG_HOST:$PG_PORT/$1" DJANGO_DEBUG=1 "$PY" manage.py "${@:2}"; }

# ensure_template SCALE: the scale's template database, built unless cached; sets TEMPLATE.
ensure_template() {
    local args key
    args=$(scale_args "$1")
    key=$(generator_hash "$args")
    TEMPLATE="notorious_bench_tpl_${1}_${key}"
    if database_exists "$TEMPLATE"; then
        log "Dataset $1: cached template $TEMPLATE"
        return
    fi
    case "$args" in
        -) log "Dataset $1: building $TEMPLATE (the demo data)" ;;
        "") log "Dataset $1: building $TEMPLATE (the demo data, generate_synthetic's defaults)" ;;
        *) log "Dataset $1: building $TEMPLATE (the demo data, generate_synthetic $args)" ;;
    esac
    BUILD_DB="notorious_benchbuild_${1}_$$"
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS \"$BUILD_DB\"" -c "CREATE DATABASE \"$BUILD_DB\""
    manage "$BUILD_DB" migrate --no-input -v 0
    manage "$BUILD_DB" load_demo >/dev/null
    # shellcheck disable=SC2086 # the sizes are separate arguments
    [ "$args" = - ] || manage "$BUILD_DB" generate_synthetic $args
    # Named as a template only once complete: an interrupted build is never reused.
    local old
    for old in $("${PSQL[@]}" -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'notorious\_bench\_tpl\_${1}\_%'"); do
        log "Dropping the older template $old"
        "${PSQL[@]}" -d postgres -c "DROP DATABASE \"$old\""
    done
    "${PSQL[@]}" -d postgres -c "ALTER DATABASE \"$BUILD_DB\" RENAME TO \"$TEMPLATE\""
    BUILD_DB=""
}

# copy_database SCALE: this run's copy of the template, migrated; sets RUN_DB and
# DATABASE_URL (use_run_database).
copy_database() {
    use_run_database "$1"
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS \"$RUN_DB\" WITH (FORCE)" \
        -c "CREATE DATABASE \"$RUN_DB\" TEMPLATE \"$TEMPLATE\""
    manage "$RUN_DB" migrate --no-input -v 0
    # As autovacuum leaves a live database: statistics gathered and the visibility map set,
    # so the planner knows the tables and index-only scans need not visit them. A freshly
    # copied template has neither, which no running site would.
    "${PSQL[@]}" -d "$RUN_DB" -c "VACUUM (ANALYZE)" >/dev/null
}

# use_run_database SCALE: the scale's copy (copy_database) as the one the server reads
# (RUN_DB, DATABASE_URL), with cache keys of its own: no page cached from another dataset.
use_run_database() {
    RUN_DB="notorious_benchrun_$1"
    export DATABASE_URL="postgres://postgres@$PG_HOST:$PG_PORT/$RUN_DB"
    export DJANGO_CACHE_KEY_PREFIX="bench-$$-$1"
}

# The pages' subjects in this dataset (scripts/lib/bench_measure.py, `pages`).
find_subjects() {
    local q=("${PSQL[@]}" -d "$RUN_DB" -c)
    BENCH_COMPANY=$("${q[@]}" "SELECT c.slug FROM companies_company c JOIN markets_market m
        ON m.operator_id = c.id AND m.is_published WHERE c.is_published
        GROUP BY c.slug ORDER BY count(*) DESC, c.slug LIMIT 1")
    BENCH_LATEST_YEAR=$("${q[@]}" "SELECT max(year) FROM reports_report WHERE is_published")
    BENCH_MARKET_ID=$("${q[@]}" "SELECT id FROM markets_market WHERE slug = 'aliexpress'")
    # ?page=100 where there are 100 pages of 30 articles, else the last.
    BENCH_COVERAGE_PAGE=$("${q[@]}" "SELECT least(100, greatest(1, ceil(count(*) / 30.0)))
        FROM press_article WHERE is_published")
    BENCH_SQLITE_NAME=bench
    export BENCH_COMPANY BENCH_LATEST_YEAR BENCH_MARKET_ID BENCH_COVERAGE_PAGE BENCH_SQLITE_NAME
    DATASET=$("${q[@]}" "SELECT format('%s companies, %s markets, %s editions, %s listings, %s articles',
        to_char((SELECT count(*) FROM companies_company), 'FM999,999,999'),
        to_char((SELECT count(*) FROM markets_market), 'FM999,999,999'),
        to_char((SELECT count(*) FROM reports_report), 'FM999,999,999'),
        to_char((SELECT count(*) FROM reports_listing), 'FM999,999,999'),
        to_char((SELECT count(*) FROM press_article), 'FM999,999,999'))")
}

# ensure_sqlite SCALE: the run's database copied into SQLite (cached); sets SQLITE.
ensure_sqlite() {
    SQLITE="$CACHE_DIR/$1-$(generator_hash "$(scale_args "$1")")-$(migrations_hash).db"
    if [ -e "$SQLITE" ]; then
        log "Dataset $1: cached SQLite copy $SQLITE"
        return
    fi
    mkdir -p "$CACHE_DIR"
    rm -f "$CACHE_DIR/$1-"*.db  # the scale's older copies
    PARTIAL_SQLITE="$SQLITE.partial"
    rm -f "$PARTIAL_SQLITE"
    log "Dataset $1: copying it into SQLite with db-to-sqlite"
    local table tables=()
    for table in companies_company markets_market reports_report reports_listing \
        press_outlet press_article press_article_markets; do
        tables+=(--table "$table")
    done
    "$BENCH_VENV/bin/db-to-sqlite" "postgresql+psycopg://postgres@$PG_HOST:$PG_PORT/$RUN_DB" \
        "$PARTIAL_SQLITE" "${tables[@]}"
    # PostgreSQL's stored search vectors mean nothing to SQLite; FTS on headlines instead.
    "$BENCH_VENV/bin/sqlite-utils" transform "$PARTIAL_SQLITE" press_article --drop search_vector
    "$BENCH_VENV/bin/sqlite-utils" transform "$PARTIAL_SQLITE" markets_market --drop search_vector
    "$BENCH_VENV/bin/sqlite-utils" transform "$PARTIAL_SQLITE" companies_company --drop search_vector
    "$BENCH_VENV/bin/sqlite-utils" enable-fts "$PARTIAL_SQLITE" press_article headline --fts5
    mv "$PARTIAL_SQLITE" "$SQLITE"
    PARTIAL_SQLITE=""
}

start_datasette() {
    ln -sf "$SQLITE" "$RUN_DIR/$BENCH_SQLITE_NAME.db"
    # Immutable (-i), as `datasette publish` deploys it; queries may take as long as
    # gunicorn's requests (30 s) instead of Datasette's default 1 s, so both answer fully.
    setsid "$BENCH_VENV/bin/datasette" serve -i "$RUN_DIR/$BENCH_SQLITE_NAME.db" \
        -h 127.0.0.1 -p "$DATASETTE_PORT" --setting sql_time_limit_ms 30000 \
        >"$RUN_DIR/datasette.log" 2>&1 &
    DATASETTE_PID=$!
    wait_for_http "http://127.0.0.1:$DATASETTE_PORT/-/versions.json" "$DATASETTE_PID" \
        "$RUN_DIR/datasette.log" "Datasette"
    log "Datasette $("$BENCH_VENV/bin/datasette" --version | cut -d' ' -f3) on http://127.0.0.1:$DATASETTE_PORT/$BENCH_SQLITE_NAME"
}

stop_datasette() {
    if [ -n "$DATASETTE_PID" ] && kill -0 "$DATASETTE_PID" 2>/dev/null; then
        stop_group "$DATASETTE_PID"
    fi
    DATASETTE_PID=""
}

# Datasette and db-to-sqlite in their own virtualenv, from their own lock: the production and
# test installs stay as they are.
ensure_bench_venv() {
    if ! [ -x "$BENCH_VENV/bin/datasette" ] || [ requirements-bench.txt -nt "$BENCH_VENV/.installed" ]; then
        log "Installing Datasette and db-to-sqlite into $BENCH_VENV (requirements-bench.txt)"
        [ -x "$BENCH_VENV/bin/python" ] || "$(command -v python3)" -m venv "$BENCH_VENV"
        "$BENCH_VENV/bin/python" -m pip install --quiet --require-hashes -r requirements-bench.txt
        touch "$BENCH_VENV/.installed"
    fi
}
