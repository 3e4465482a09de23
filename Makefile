# Beachhead: `make run` serves the product with demo data, `make test` runs the whole suite.
# Needs only python3 (and npm, which ships with Node.js, for the front-end assets).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BH := $(VENV)/bin/beachhead
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test test-fast test-clock lint format messages bench browser mailserver clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translation catalogues are compiled in the build (pure Python: no gettext needed).
messages: $(VENV)/.installed
	$(PY) -m beachhead.core.i18n compile

install: $(VENV)/.installed node_modules/.installed messages

run: install
	$(BH) migrate --no-input -v0
	$(BH) markets sync
	$(BH) demo --if-empty
	$(BH) demo_logins
	$(BH) serve --host $(HOST) --port $(PORT)

# Debian's Chromium and CJK fonts for the browser tests (installed when we may, i.e. as root).
browser:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ]; } && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-core >/dev/null; \
	fi

# Debian's Dovecot IMAP server for the end-to-end mail tests (started by the tests themselves on
# loopback with a throw-away config; the package's own service is not used).
mailserver:
	@if ! command -v dovecot >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null; \
	fi

# The browser tests and the others side by side, one CPU each (.ci/suite).
test: install browser mailserver
	PY=$(PY) .ci/suite $(PYTEST_ARGS)

test-fast: install mailserver
	$(PY) -m pytest -m "not browser" -x -q $(PYTEST_ARGS)

# The tests that could depend on the hour, at fixed instants (a Tokyo morning that is a Berlin
# night, both clock changes, New Year in Asia) under libfaketime: see .ci/at-any-hour.
test-clock: install
	.ci/at-any-hour $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy beachhead

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Debian's wrk for the benchmark's HTTP load runs (installed when we may, i.e. as root).
wrk:
	@if ! command -v wrk >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi

# Small scale, with the HTTP load (wrk) and the peer comparison (django-helpdesk in its own
# virtualenv under var/bench/) that CI leaves out; BENCH_ARGS="--scale full --db postgresql".
BENCH_ARGS ?= --scale small
bench: install wrk
	$(BH) bench $(BENCH_ARGS) --with-http --with-peer

clean:
	rm -rf $(VENV) node_modules var
