# Techniekpact monitor. `make help` lists the targets.
# `make reports` and `make test` set everything up themselves on a fresh Debian machine.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
LOCK := locks/requirements.lock
STAMP := $(VENV)/.setup-stamp
# Where `make data` takes the raw files from when the publishers do not serve the locked
# bytes: a folder or an http(s) URL with the same files. ../shared/data on the team's machines.
MIRROR ?= $(wildcard ../shared/data)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SYSTEM_PACKAGES := chromium fonts-dejavu-core poppler-utils

.PHONY: help setup system-deps data update process reports test test-slow lint bench lab clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

setup: $(STAMP) ## Create .venv with the locked dependencies and system packages (idempotent)

$(STAMP): $(LOCK) pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python $(LOCK)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@# Bytecode now, so that every run (PYTHONDONTWRITEBYTECODE or not) starts fast.
	$(BIN)/python -m compileall -q src
	touch $@

system-deps: ## Install the Debian packages the reports need (Chromium for PDF), if missing
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

data: setup ## Install the files the data lock pins into data/raw (verified; fails when any is missing)
	$(BIN)/techniekpact fetch $(if $(MIRROR),--mirror $(MIRROR))

update: setup ## The yearly update: newest releases from the catalogues; prints changes, writes the lock
	$(BIN)/techniekpact fetch --update

process: setup ## Raw -> processed store, manifest and indicators (demo data when no raw data)
	$(BIN)/techniekpact process

reports: setup ## The main job: data, processing and every region's report (HTML + PDF)
	$(BIN)/techniekpact fetch $(if $(MIRROR),--mirror $(MIRROR)) --allow-partial
	$(BIN)/techniekpact process
	$(BIN)/techniekpact reports --level all --jobs $(JOBS)

test: setup ## Run the test suite (real-data tests skip without ../shared/data)
	$(BIN)/python -m pytest -q -m "not slow" -n $(JOBS)

test-slow: setup ## The long tests: soak runs, full batches
	$(BIN)/python -m pytest -q -m slow

lint: setup ## ruff on code and notebooks; deptry: every import in src is a declared dependency
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/deptry src

bench: setup ## Benchmarks (print figures, assert nothing)
	$(BIN)/python benchmarks/bench_process.py

# The analysts' workbench: JupyterLab (Dutch language pack, jupytext) in its own venv, so
# that .venv stays lean for the report runs. The project is installed editable in both.
LAB_VENV := .venv-lab
LAB_BIN := $(LAB_VENV)/bin
LAB_LOCK := locks/requirements-lab.lock
LAB_STAMP := $(LAB_VENV)/.setup-stamp
LAB_PORT ?= 8888
LAB_ARGS ?=

.PHONY: lab-setup

lab-setup: $(LAB_STAMP) ## Create .venv-lab with JupyterLab and the project kernel (idempotent)

$(LAB_STAMP): $(LAB_LOCK) pyproject.toml
	test -x $(LAB_BIN)/python || $(PYTHON) -m venv $(LAB_VENV)
	$(LAB_BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(LAB_BIN)/uv pip sync --quiet --python $(LAB_BIN)/python $(LAB_LOCK)
	$(LAB_BIN)/uv pip install --quiet --python $(LAB_BIN)/python --no-deps -e .
	$(LAB_BIN)/python -m analysis.lab kernel
	touch $@

lab: $(LAB_STAMP) ## JupyterLab on localhost with the techniekpact kernel (LAB_PORT=8888, LAB_ARGS=)
	$(LAB_BIN)/python -m analysis.lab serve --port $(LAB_PORT) $(LAB_ARGS)

clean: ## Remove generated data and reports (raw data stays)
	rm -rf data/processed/* reports/* && git checkout -- data/processed/README.md reports/.gitkeep 2>/dev/null || true
