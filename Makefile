# The commands a new user needs. `make run` serves on 127.0.0.1:8000 with a SQLite file;
# `make test` runs every gate CI runs; `make test-fast` lints, type-checks and runs the unit tests
# only (no server needed). All create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck architecture pytest system-packages bench calibration clean

# NannyML, the tests' oracle for the PCA reconstruction and the domain classifier (Apache-2.0), installs
# without its declared requirements: they would downgrade python-dateutil and bring in about forty
# packages (XGBoost with NVIDIA's proprietary NCCL library, cloud-storage clients, a telemetry client).
# What its two calculators import is in the dev extra; tests/oracles/nannyml_oracle.py stands in for the two
# modules it imports that they never use (its telemetry client, FLAML's AutoML). Later pip installs into the
# venv list NannyML's unmet requirements: expected, and harmless.
NANNYML := nannyml==0.13.1

$(INSTALLED): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps '$(NANNYML)'
	@touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/aumos-drift migrate
	$(BIN)/aumos-drift serve

lint: $(INSTALLED)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(INSTALLED)
	$(BIN)/mypy

architecture: $(INSTALLED)
	$(BIN)/lint-imports

# The browser tests drive Debian's Chromium; install it where it is missing (CI runs as root).
# What the tests need beyond Python, from Debian's packages where missing (CI runs as root): Chromium for the
# browser tests, a Java runtime for the Spark session.
SYSTEM_PACKAGES := $(if $(wildcard /usr/bin/chromium),,chromium) $(if $(shell command -v java),,openjdk-17-jre-headless)

system-packages:
	@test -z "$(strip $(SYSTEM_PACKAGES))" || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); }

pytest: $(INSTALLED) system-packages
	$(BIN)/pytest --cov --cov-report=term:skip-covered -p no:cacheprovider

test: lint typecheck architecture pytest

# The use cases on in-memory storage, the pure domain and the doctests of core: no database, no broker.
test-fast: lint typecheck
	$(BIN)/pytest -p no:cacheprovider -q -n 2 -m "not integration and not slow" tests/core src/aumos_drift_detector/core

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench_statistical.py
	$(BIN)/python benchmarks/bench_concept.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_reference_upload.py
	$(BIN)/python benchmarks/bench_segment_summaries.py
	$(BIN)/python benchmarks/bench_rolling.py
	$(BIN)/python benchmarks/bench_upload_memory.py
	$(BIN)/python benchmarks/bench_large_value_read.py
	$(BIN)/python benchmarks/bench_streams.py
	$(BIN)/python benchmarks/bench_record_formats.py
	$(BIN)/python benchmarks/bench_labels.py --analyze
	$(BIN)/python benchmarks/bench_summaries.py
	$(BIN)/python benchmarks/bench_pushdown_vs_memory.py
	$(BIN)/python benchmarks/bench_summary_window.py
	$(BIN)/python benchmarks/bench_multivariate.py

# Seeded simulations of the decisions (15 to 25 minutes on 2 cores); rewrites docs/decisions.md section 5.
calibration: $(INSTALLED)
	$(BIN)/python scripts/simulate_decisions.py --workers 2 --write-doc docs/decisions.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage aumos_drift.db*
