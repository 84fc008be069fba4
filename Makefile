# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck check bench clean data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/nec_case.py

# The whole suite, plus the style and type checks that src/ must pass.
test: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks examples
	$(BIN)/mypy src
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks examples
	$(BIN)/ruff format --check src

typecheck: $(STAMP)
	$(BIN)/mypy src

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python benchmarks/parse.py
	$(BIN)/python benchmarks/evaluate.py
	$(BIN)/python benchmarks/evaluate.py --sources curated,civic
	$(BIN)/python benchmarks/cohort.py
	$(BIN)/python benchmarks/tumors.py

# Regenerate the committed vocabularies from ../shared/data (not needed to use the library).
data: $(STAMP)
	$(BIN)/python scripts/build_genes.py
	$(BIN)/python scripts/build_oncotree.py
	$(BIN)/python scripts/build_tumor_vocabulary.py
	$(BIN)/python scripts/import_civic.py
	$(BIN)/python scripts/build_readme.py
	$(BIN)/python -m actionable schema > docs/rule.schema.json

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
