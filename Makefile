# Two commands on a fresh machine with only python3 and make: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest install clean schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/scenarios run configs/baseline.yaml --overwrite --report results/baseline/report.html

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/ruff format --check src tests benchmarks docs

typecheck: $(STAMP)
	$(BIN)/mypy

# One pytest-xdist worker per core, each file on one worker (its module-scoped fixtures computed once), the long
# files first (tests/conftest.py). Not --dist loadgroup: with pytest 9.2 and xdist 3.8 it silently ignores the
# groups (pytest-dev/pytest-xdist#1386). `$(BIN)/python -m pytest` alone runs the suite in one process, as before.
pytest: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder

test: lint typecheck pytest

schema: $(STAMP)
	$(BIN)/scenarios schema > schemas/scenario.schema.json

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
