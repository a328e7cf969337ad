# The two commands of the README: `make demo` and `make test`. Both set up what is missing first.
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup demo test bench lint clean

setup:
	@scripts/setup.sh

demo: setup
	$(VENV)/bin/goldheat demo

test:
	@scripts/setup.sh test
	$(PY) -m pytest $(PYTEST_ARGS)

bench:
	@scripts/setup.sh test
	$(PY) -m tests.bench $(BENCH_ARGS)

clean:
	rm -rf var letters bench-results .pytest_cache
