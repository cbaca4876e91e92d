# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WEB_CONCURRENCY ?= 2
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

# `make run` serves plain HTTP on 127.0.0.1 with DEBUG off; a local secret
# key is made once in .secret_key unless DJANGO_SECRET_KEY is set. Mail is
# printed to the terminal unless EMAIL_URL says otherwise. bin/serve runs gunicorn
# and the notification worker together; Ctrl-C stops both.
RUN_ENV = DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" DJANGO_HTTPS="$${DJANGO_HTTPS:-0}" \
	EMAIL_URL="$${EMAIL_URL:-console:}"

.PHONY: install run run-proxy test lint browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

.secret_key:
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

run: install .secret_key
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py import_seeds seeds/
	$(RUN_ENV) PORT=$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) exec bin/serve

# `make run`'s site as production serves it: nginx on $(PORT) (deploy/nginx/newsroom.conf,
# its files under .run/nginx/) in front of gunicorn and the task worker (bin/serve) on a
# private port; Ctrl-C stops them all.
run-proxy: install .secret_key browser-deps
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py import_seeds seeds/
	$(RUN_ENV) PORT=$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) exec $(BIN)/python -m deploy.proxy

# Debian's Chromium and a Java runtime (for the Nu HTML Checker) for the
# browser tests, Debian's nginx with its cache purge module for the front tests
# and `make run-proxy`, and wrk for the flood test's readers; where they cannot
# be installed, those tests skip and say why (without the module, the site runs
# through nginx unpurged).
browser-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	[ -e /usr/lib/nginx/modules/ngx_http_cache_purge_module.so ] \
		|| missing="$$missing libnginx-mod-http-cache-purge"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		echo "Installing$$missing for the browser tests"; \
		{ $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; } \
			|| echo "Could not install$$missing: the browser tests that need it will be skipped."; \
	fi

# The unit and view tests in two processes (pytest-xdist), then the browser and
# load tests alone: they start their own servers and time them, so they must not
# share the machine with each other.
test: install browser-deps
	$(BIN)/pytest -m "not browser and not load" -n 2
	$(BIN)/pytest -m "browser or load"

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .run staticfiles .pytest_cache .ruff_cache .hypothesis
