# One task runner for setup, run, test, lint, bench. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Tests and commands run the venv's console scripts (lpr-geo) as a user would: put them on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: setup system-deps run test test-quick lint audit bench geodata plotly clean

# lpr_geo/__init__.py too: an editable install made before the package had one maps it as a namespace
$(BIN)/lpr-geo: pyproject.toml lpr_geo/__init__.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/lpr-geo

# Debian packages the browser tests and the geodata build need (Chromium, its driver, an npm client).
# Only what is missing is installed: a Node.js from NodeSource brings its own npm and conflicts with
# Debian's npm package.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

run: setup
	@$(BIN)/lpr-geo serve --host $(HOST) --port $(PORT)

# axe-core for the accessibility tests, pinned in tests/a11y/package-lock.json
tests/a11y/node_modules/axe-core/axe.min.js: tests/a11y/package-lock.json
	npm ci --prefix tests/a11y --no-audit --no-fund --silent

test: setup system-deps tests/a11y/node_modules/axe-core/axe.min.js
	LPR_GEO_NO_SKIPS=1 $(BIN)/pytest

test-quick: setup
	$(BIN)/pytest -m "not network and not browser"

lint: setup
	$(BIN)/ruff check lpr_geo dashboard geodata tests bench

# Known vulnerabilities in everything installed in the venv (the pins of pyproject.toml and what they pull
# in), from PyPI's vulnerability data; see .ci/audit.py for what happens when that data is out of reach
# (AUDIT_STRICT=1 makes "nothing could be checked" fail). The project itself (editable) is not on PyPI
# and is skipped. A reviewed exception goes into AUDIT_IGNORE as `--ignore-vuln ID`, with the reason and
# the date in a comment above it.
AUDIT_IGNORE :=
audit: setup
	$(BIN)/python .ci/audit.py $(AUDIT_IGNORE)

bench: setup
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python -m bench.$$(basename $$script .py) || exit 1; done

geodata: setup
	$(BIN)/python -m geodata.build_bundled

# dashboard/assets/plotly-lpr.min.js from the pinned tarballs of plotlyjs/package-lock.json (plotlyjs/README.md)
plotly:
	npm ci --prefix plotlyjs --ignore-scripts --no-audit --no-fund --silent
	node plotlyjs/build.mjs

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
