# Two commands set everything up on a fresh Debian machine: `make run` and `make test`.
VENV   := .venv
PYTHON ?= python3
BIN    := $(VENV)/bin

.PHONY: run test lint bench system-deps test-system-deps clean

run: system-deps $(VENV)/.installed
	$(BIN)/scanproof run

test: test-system-deps $(VENV)/.installed
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check pipeline tests bench

system-deps:
	@packaging/system-deps.sh

test-system-deps:
	@packaging/system-deps.sh --test

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) reports .pytest_cache
