# IR Portal: `make run` for the app with demo data, `make test` for the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# Where `make run` serves (the Procfile's gunicorn binds it); a wildcard bind is visited on 127.0.0.1.
WEB_BIND ?= 127.0.0.1:8000
export WEB_BIND
WEB_ADDRESS = http://$(patsubst 0.0.0.0:%,127.0.0.1:%,$(WEB_BIND))

# The embedded default: plain HTTP on 127.0.0.1, a per-clone secret key under var/.
LOCAL_ENV = SECRET_KEY="$$(cat var/secret_key)" \
	SITE_URL="$${SITE_URL:-$(WEB_ADDRESS)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	SESSION_COOKIE_SECURE="$${SESSION_COOKIE_SECURE:-false}" \
	CSRF_COOKIE_SECURE="$${CSRF_COOKIE_SECURE:-false}" \
	SECURE_HSTS_SECONDS="$${SECURE_HSTS_SECONDS:-0}" \
	PATH="$(BIN):$$PATH"

.PHONY: install run test lint format lock audit-deps messages check-messages bench bench-public bench-audit bench-events wrk clean

install: $(STAMP)

# Every package at the version requirements.lock pins (docs/security/dependencies.md).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

# Tools that must not share the project's virtualenv (their own dependencies would move its pins).
TOOLS := var/tools

$(TOOLS)/bin/pip-audit:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet pip-tools pip-audit

# requirements.lock again from pyproject.toml: after a dependency is added or changed, and at each regular update.
lock: $(TOOLS)/bin/pip-audit
	$(TOOLS)/bin/pip-compile --quiet --extra=dev --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file=requirements.lock pyproject.toml

# Every pinned package against PyPI's vulnerability records; fails on any known vulnerability and, with the
# default AUDIT_STRICT, on any package it could not look up (CI passes AUDIT_STRICT=: its network may reach only a mirror).
AUDIT_STRICT ?= --strict
audit-deps: $(TOOLS)/bin/pip-audit
	$(TOOLS)/bin/pip-audit --requirement requirements.lock --no-deps --disable-pip $(AUDIT_STRICT)

var/secret_key: | $(STAMP)
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	chmod 600 var/secret_key

run: $(STAMP) var/secret_key
	$(LOCAL_ENV) python manage.py migrate --noinput
	$(LOCAL_ENV) python manage.py audit_signing_key create --if-missing
	$(LOCAL_ENV) python manage.py collectstatic --noinput --verbosity 0
	$(LOCAL_ENV) python manage.py seed_demo --if-empty
	@echo "IR Portal on $(WEB_ADDRESS)/investors/ -- staff console $(WEB_ADDRESS)/staff/"
	@echo "Demo sign-ins (also in var/demo-logins.txt):"
	@cat var/demo-logins.txt 2>/dev/null || echo "  (none: the database already had users)"
	$(LOCAL_ENV) honcho start -f Procfile

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(CATALOGUE) --check

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The French catalogue (docs/maintainers/translation.md): `messages` extracts every marked string into
# locale/fr/LC_MESSAGES/django.po and compiles django.mo; `check-messages` (in lint) fails naming each message
# missing, untranslated or fuzzy, and a django.mo that is not the compilation of django.po, so a change that
# marks a string brings its French along. Neither reads a secret: a placeholder key lets the settings load.
CATALOGUE = SECRET_KEY="$${SECRET_KEY:-unused-by-the-catalogue}" $(BIN)/python manage.py catalogue

messages: $(STAMP)
	$(CATALOGUE)

check-messages: $(STAMP)
	$(CATALOGUE) --check

# Benchmarks: not part of `make test`. They need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) and use
# databases of their own on those servers. `bench` runs them all and fails when a target is missed.
wrk:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)

bench: $(STAMP) wrk
	@status=0; for target in bench-public bench-audit bench-events; do \
		$(MAKE) --no-print-directory $$target || status=1; \
	done; exit $$status

# The public pages at 10,000 and 100,000 releases, in irportal_bench_public: query counts, uncached renders, wrk from the
# cache, and a publication under load.
bench-public: $(STAMP) wrk
	$(BIN)/python bench/public_bench.py

# The audit log at 1,000,000 entries, in irportal_bench.
bench-audit: $(STAMP)
	$(BIN)/python bench/audit_bench.py

# The replay sweep: 1,000 due among 100,000 events, in irportal_bench_events (dropped afterwards).
bench-events: $(STAMP)
	BENCH_DATABASE_URL="$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/irportal_bench_events}" \
		$(BIN)/python bench/events_bench.py

clean:
	rm -rf var .pytest_cache
