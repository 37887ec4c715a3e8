# Two commands on a fresh machine with Python 3.11+:
#   make run    install and start the app on the bundled synthetic sample
#   make test   install and run every test (and the check against R's reference output)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := .venv-runtime
SHARED := ../shared

.PHONY: run test test-fast bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# What users get from `make run`, and nothing else: the end-to-end tests serve the app from it.
$(RUNTIME)/.installed: requirements.txt
	$(PYTHON) -m venv $(RUNTIME)
	$(RUNTIME)/bin/python -m pip install --quiet --upgrade pip
	$(RUNTIME)/bin/pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python -m streamlit run app.py --browser.gatherUsageStats=false --server.address=localhost

test: $(VENV)/.dev $(RUNTIME)/.installed
	ILP_RUNTIME_PYTHON=$(CURDIR)/$(RUNTIME)/bin/python $(BIN)/python -m pytest
	@if [ -f $(SHARED)/tools/check_core_against_r.py ]; then \
		$(BIN)/python $(SHARED)/tools/check_core_against_r.py; \
	else echo "($(SHARED)/tools not found: the shared R cross-check was skipped; tests/reference holds the same R output)"; fi

# The quick loop while editing: everything but the tests marked slow (browsers, every sidebar combination).
test-fast: $(VENV)/.dev
	$(BIN)/python -m pytest -m "not slow"

# Timings beside R (when Rscript is installed) and lifelines; none of them is a test. About 25 minutes.
bench: $(VENV)/.dev $(RUNTIME)/.installed
	$(BIN)/python benchmarks/bench_peers.py
	$(BIN)/python benchmarks/bench_statistics.py
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_first_figure.py
	$(BIN)/python benchmarks/bench_load_cohort.py
	$(BIN)/python benchmarks/bench_regression.py

clean:
	rm -rf $(VENV) $(RUNTIME) .pytest_cache .hypothesis
