# TRM — two commands set everything up: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TRM_HOME ?= $(CURDIR)/data
EMPLOYEES ?= 1000
SEED ?= 7
export TRM_HOME
# Runs of `trm run` and `make ui` share one Dagster instance under TRM_HOME.
export DAGSTER_HOME ?= $(TRM_HOME)/dagster

.PHONY: help install demo test ui lint clean bench

help:
	@echo "make demo   - create .venv, install, generate the demo company, run the nightly job, print a summary"
	@echo "make test   - create .venv if needed and run the test suite"
	@echo "make ui     - start the Dagster UI on the same definitions (http://localhost:3000)"
	@echo "make lint   - ruff"
	@echo "make bench  - benchmarks (prints figures)"
	@echo "make clean  - remove $(TRM_HOME)"

# Installs with every transitive version pinned by requirements.lock; reinstalls when either file changes.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing TRM and its pinned dependencies into $(VENV) (about a minute the first time)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]" 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $@

install: $(VENV)/.installed

demo: install
	@mkdir -p $(TRM_HOME)
	$(BIN)/trm generate --out $(TRM_HOME)/landing --employees $(EMPLOYEES) --seed $(SEED)
	$(BIN)/trm run
	@echo
	@echo "Done. Landing files: $(TRM_HOME)/landing   Working warehouse: $(TRM_HOME)/warehouse.duckdb"
	@echo "BI reads (read-only): $(TRM_HOME)/published.duckdb   Reports: $(TRM_HOME)/reports/people_health_latest.html, $(TRM_HOME)/reports/data_docs/index.html"
	@echo "Try:  $(BIN)/trm sql \"select run_id, published_at, tables, total_rows, checks_warned from publication.runs\"   or   make ui"
	@echo "      $(BIN)/trm sql --warehouse \"select entity, count(*) from raw.quarantine group by 1\""
	@echo "      $(BIN)/trm sql \"select risk_rank, risk_band, driver_1, suggested_actions from rpt_attrition_watch_list order by risk_rank limit 10\""
	@echo "      $(BIN)/trm sql \"select pool_name, members, active_share, application_rate from rpt_talent_pool_summary\""

test: install
	$(BIN)/python -m pytest

ui: install
	@$(BIN)/python -c "from operations.dagster_home import ensure_dagster_home; from pathlib import Path; ensure_dagster_home(Path('$(DAGSTER_HOME)'))"
	umask 077 && $(BIN)/dagster dev -w workspace.yaml

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python benchmarks/bench_generate.py
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_identity.py --records 10000 100000
	$(BIN)/python benchmarks/bench_sentiment.py
	$(BIN)/python benchmarks/bench_attrition_evaluate.py
	@test -f $(TRM_HOME)/warehouse.duckdb && $(BIN)/python benchmarks/bench_attrition_demo.py \
		--warehouse $(TRM_HOME)/warehouse.duckdb || echo "bench_attrition_demo: run make demo first"
	@test -f $(TRM_HOME)/published.duckdb && $(BIN)/python benchmarks/bench_publish.py --home $(TRM_HOME) \
		|| echo "bench_publish: run make demo first"

clean:
	rm -rf $(TRM_HOME)
