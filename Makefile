# Two commands on a fresh machine with Python 3.11+:
#   make run    install and start the app on the bundled synthetic sample
#   make test   install and run every test (and the check against R's reference output)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED := ../shared

.PHONY: run test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/python -m streamlit run app.py --browser.gatherUsageStats=false --server.address=localhost

test: $(VENV)/.dev
	$(BIN)/python -m pytest
	@if [ -f $(SHARED)/tools/check_core_against_r.py ]; then \
		$(BIN)/python $(SHARED)/tools/check_core_against_r.py; \
	else echo "($(SHARED)/tools not found: the shared R cross-check was skipped; tests/reference holds the same R output)"; fi

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_statistics.py
	$(BIN)/python benchmarks/bench_load_cohort.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
