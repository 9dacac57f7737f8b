# The one task runner, used the same way by people and by .ci/run.
# make site   — create .venv, install the pinned dependencies, build site/ (strict)
# make test   — the same set-up if needed, then lint and the whole test suite
# make serve  — preview with live reload on http://127.0.0.1:8000

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: site serve test check check-site audit eval import-audit bench fuzz mutate lint format schema clean distclean lock

# The legacy guides to audit and to benchmark against (read in place, never copied).
SHARED ?= ../shared
CORPUS ?= $(SHARED)/corpus

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/guidekit build

serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/guidekit schema --check
	$(BIN)/pytest --shared=$(SHARED) $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/guidekit check

check-site: site
	$(BIN)/guidekit check --site

audit: $(STAMP)
	@if [ -d "$(CORPUS)" ]; then $(BIN)/guidekit check $(CORPUS) | tail -n 1; \
	else echo "$(CORPUS) not found: nothing to audit (make audit CORPUS=path/to/guides)"; fi

# How sure the checker is: its findings on the legacy corpus, scored against our labels.
eval: $(STAMP)
	@if [ -d "$(CORPUS)" ]; then $(BIN)/python benchmarks/eval_check.py $(CORPUS); \
	else echo "$(CORPUS) not found: nothing to evaluate (make eval CORPUS=path/to/corpus)"; fi

# guidekit import over the legacy corpus, into a scratch copy of the project, then built.
import-audit: $(STAMP)
	@if [ -d "$(CORPUS)" ]; then $(BIN)/python benchmarks/import_audit.py $(CORPUS); \
	else echo "$(CORPUS) not found: nothing to import (make import-audit CORPUS=path/to/corpus)"; fi

# Many more generated and mutated inputs than make test runs; prints how many were tried.
fuzz: $(STAMP)
	$(BIN)/pytest tests/test_fuzz.py --hypothesis-profile=fuzz \
		--hypothesis-show-statistics -q

mutate: $(STAMP)
	$(BIN)/python tests/mutate.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_check.py $(CORPUS)
	$(BIN)/python benchmarks/bench_check.py --shapes
	$(BIN)/python benchmarks/bench_build.py
	@if [ -x $(BIN)/linkchecker ]; then $(BIN)/python benchmarks/bench_links.py; \
	else echo "linkchecker not installed: the link-check comparison was skipped ($(BIN)/pip install linkchecker)"; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: $(STAMP)
	$(BIN)/guidekit schema

clean:
	rm -rf site .site-build .site-old .pytest_cache .ruff_cache test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) *.egg-info

lock: $(STAMP)
	{ sed -n '1,2p' requirements.lock; $(BIN)/python -m pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
