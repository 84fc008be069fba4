# Two commands on a fresh machine: `make demo` and `make test`.
# Another interpreter or environment: make test PYTHON=python3.13 VENV=.venv313
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The rule engine is durable_rules 2.0.28 patched for Python 3.13+, built here as the wheel
# actionable-durable-rules-compat (not on PyPI, so pip finds it through --find-links).
COMPAT := packaging/durable-rules-compat
UPSTREAM := $(COMPAT)/upstream/durable_rules-2.0.28.tar.gz
WHEELS := $(COMPAT)/dist
ENGINE := $(VENV)/.engine
FIND := --find-links $(WHEELS)

.PHONY: demo test docs lint typecheck check bench clean data fuzz

$(BIN)/python:
	$(PYTHON) packaging/check_system.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(UPSTREAM): | $(BIN)/python
	$(BIN)/python -m pip download -q durable-rules==2.0.28 --no-deps --no-binary :all: -d $(dir $@)

# The compat wheel installs the same modules as durable-rules: remove that first (older .venv).
$(ENGINE): $(BIN)/python $(UPSTREAM) $(COMPAT)/pyproject.toml $(wildcard $(COMPAT)/*.py $(COMPAT)/*.patch)
	$(BIN)/python packaging/check_system.py
	if $(BIN)/python -m pip show -q durable-rules 2>/dev/null; then \
	  $(BIN)/python -m pip uninstall -y -q durable-rules; fi
	$(BIN)/python -m pip wheel -q --no-deps -w $(WHEELS) $(COMPAT)
	$(BIN)/python -m pip install -q --no-deps --force-reinstall --no-index $(FIND) \
	  actionable-durable-rules-compat
	touch $@

$(STAMP): $(ENGINE) pyproject.toml
	$(BIN)/python packaging/check_system.py
	$(BIN)/python -m pip install -q $(FIND) -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/nec_case.py

# The whole suite, plus the style and type checks that src/ must pass.
test: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks examples packaging
	$(BIN)/mypy src
	$(BIN)/python -m pytest

# The documentation site (mkdocs.yml) into build/site/; any warning fails the build.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The fuzz suite with many more examples than `make test` runs (tens of minutes).
fuzz: $(STAMP)
	ACTIONABLE_FUZZ_EXAMPLES=1500 $(BIN)/python -m pytest tests/fuzz

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks examples packaging
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
	$(BIN)/python benchmarks/serve.py

# Regenerate the committed vocabularies from ../shared/data (not needed to use the library).
data: $(STAMP)
	$(BIN)/python scripts/build_genes.py
	$(BIN)/python scripts/build_oncotree.py
	$(BIN)/python scripts/build_tumor_vocabulary.py
	$(BIN)/python scripts/import_civic.py
	$(BIN)/python scripts/build_hotspots.py
	$(BIN)/python scripts/build_oncogenicity.py
	$(BIN)/python scripts/build_implications.py
	$(BIN)/python scripts/build_readme.py
	$(BIN)/python -m actionable schema > docs/rule.schema.json
	$(BIN)/python -m actionable schema --report > docs/report.schema.json

clean:
	rm -rf $(VENV) build dist $(WHEELS) .pytest_cache .mypy_cache .ruff_cache
