# The README's two commands: `make run` and `make test`. Both set everything up first.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean postgres postgres-stop opensearch opensearch-stop

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Set up, then run the main job: the ingest daemon over config.yaml's sources.
run: setup
	$(BIN)/kliping --config config.yaml --log-level info daemon

# Set up, then lint (ruff), check the layers (import-linter) and types (mypy), and run the whole test suite
# (what CI runs).
test: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/stemming.py
	$(BIN)/python benchmarks/search.py

# A throwaway PostgreSQL server on 127.0.0.1 (installs Debian's postgresql when missing and root); prints its URL
# for `archive: {url: ...}`. Stop it with `make postgres-stop PG_DIR=<the KLIPING_PG_DIR it printed>`.
postgres:
	bash deploy/dev-postgres.sh start

postgres-stop:
	bash deploy/dev-postgres.sh stop $(PG_DIR)

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache

# A 2-node OpenSearch cluster on 127.0.0.1 for index.backend: opensearch (README "Scaling out: OpenSearch").
opensearch:
	deploy/dev-opensearch.sh start

opensearch-stop:
	deploy/dev-opensearch.sh stop
