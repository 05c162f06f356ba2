# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run serve backup test install install-dev browser lint format migrate demo clean \
	loadtest faults

# The virtualenv and runtime dependencies; reinstalled when requirements change.
$(BIN)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads its own).
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium >/dev/null || \
			{ apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
		else sudo apt-get install -y -q chromium >/dev/null; fi; }

# Serve the site for local development, with the demo data, on http://127.0.0.1:$(PORT).
run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production configuration on this machine: debug off, migrations, collectstatic, gunicorn
# (gunicorn.conf.py) on http://127.0.0.1:$(PORT). See README.md, "Deployment".
serve: install
	PORT=$(PORT) PY=$(PY) scripts/serve

# A restorable dump of the database in backups/ (pg_dump, or a consistent SQLite copy).
backup: install
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(PYTHON=$(PY) scripts/secret-key)}" $(PY) manage.py backup

# Proof under load and faults (README.md, "Proof"): `make serve` on a fresh PostgreSQL
# database with the demo and synthetic data, driven by wrk; figures into docs/benchmarks.md.
# faults restarts the machine's PostgreSQL cluster for a few seconds.
loadtest: install
	PY=$(PY) scripts/loadtest

faults: install
	PY=$(PY) scripts/faults

# The whole suite; on PostgreSQL when DATABASE_URL points there, else on SQLite.
test: install-dev browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
