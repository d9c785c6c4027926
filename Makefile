# Two commands set everything up on a fresh Debian machine: `make run` and `make test`.
# Python packages come from the lock files, never from a fresh resolve: requirements.lock (the
# application, what the Dockerfile installs) and requirements-test.lock (the same pins plus the test
# tools). `make lock` re-resolves both to the newest releases; run `make test` afterwards to check them.
VENV   := .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
# pip-tools writes the locks; it is pinned here so that two people locking the same day agree.
PIP_TOOLS := pip-tools==7.6.2
COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(VENV)-lock/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --all-build-deps \
          --strip-extras --no-emit-find-links --no-emit-index-url --extra dask

.PHONY: run test lint lock system-deps test-system-deps clean

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

# --require-hashes: every file pip downloads must match the lock; --no-build-isolation: scanproof itself
# is built with the locked setuptools, not with whatever release is newest today.
$(VENV)/.installed: requirements-test.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements-test.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

lock:
	test -x $(VENV)-lock/bin/python || $(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install -q '$(PIP_TOOLS)'
	$(COMPILE) -o requirements.lock pyproject.toml
	$(COMPILE) --extra test --constraint requirements.lock -o requirements-test.lock pyproject.toml

clean:
	rm -rf $(VENV) $(VENV)-lock reports .pytest_cache
