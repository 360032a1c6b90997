# Everything a fresh machine needs, from python3 and make alone.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
WORKERS ?= 2

.PHONY: install run test bench lint system-deps clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# The quickstart: blink the expansion-board LED and react to its button, pressed at 1.1 s for 300 ms.
run: $(STAMP)
	$(VENV)/bin/pycomsim run examples/quickstart.py --press P10@1100ms+300ms --until 3s

# Debian tools the tests use to check what pycomsim writes: chromium (web UI), vcd2fst (gtkwave), sigrok-cli.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v vcd2fst >/dev/null || ! command -v sigrok-cli >/dev/null; then \
		echo "installing chromium, gtkwave and sigrok-cli with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gtkwave sigrok-cli >/dev/null; \
	fi

test: $(STAMP) system-deps
	$(PY) -m pytest -n $(WORKERS) -q

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
