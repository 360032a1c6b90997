# Everything a fresh machine needs, from python3 and make alone.
VENV := .venv
PY := $(VENV)/bin/python
# two installs: `make run` needs only what running a script needs (pip install -e .); tests, lint and
# benchmarks need the extras (UI, plots, docs site, pytest, playwright, gpiozero)
RUN_STAMP := $(VENV)/.run-stamp
DEV_STAMP := $(VENV)/.dev-stamp
WORKERS ?= 2

.PHONY: install run test bench lint docs parts-doc system-deps clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $(DEV_STAMP) $(RUN_STAMP)

install: $(DEV_STAMP)

# The quickstart: blink the expansion-board LED and react to its button, pressed at 1.1 s for 300 ms.
run: $(RUN_STAMP)
	$(VENV)/bin/pycomsim run examples/quickstart.py --press P10@1100ms+300ms --until 3s

# Debian tools the tests use to check what pycomsim writes: chromium (web UI), vcd2fst (gtkwave), sigrok-cli.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v vcd2fst >/dev/null || ! command -v sigrok-cli >/dev/null; then \
		echo "installing chromium, gtkwave and sigrok-cli with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gtkwave sigrok-cli >/dev/null; \
	fi

test: $(DEV_STAMP) system-deps
	$(PY) -m pytest -n $(WORKERS) -q

bench: $(DEV_STAMP)
	$(PY) benchmarks/run.py

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

# the documentation site (MkDocs, Material theme) in site/; the test suite builds it with --strict
docs: $(DEV_STAMP)
	$(VENV)/bin/mkdocs build --strict

# docs/parts.md's catalogue, rendered from the part registrations (a test checks it is current)
parts-doc: $(DEV_STAMP)
	$(PY) -c "from pycomsim.sim.part_library import rewrite_doc; rewrite_doc('docs/parts.md')"

clean:
	rm -rf $(VENV) build site *.egg-info
