# ScheduleFlow — `make run` opens the TUI, `make test` runs every test. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# command:debian-package pairs the tests use; installed with apt-get when missing
SYSTEM_TOOLS := xmllint:libxml2-utils tv_validate_file:xmltv-util tmux:tmux ffmpeg:ffmpeg \
  ffprobe:ffmpeg mpv:mpv

.PHONY: install bytecode run test bench lint system-tools schema clean

$(BIN)/scheduleflow: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

install: $(BIN)/scheduleflow

# Bytecode written ahead, as a regular (non-editable) install does: with
# PYTHONDONTWRITEBYTECODE set, compiling the sources made every start 0.2 s slower.
bytecode: install
	$(BIN)/python -m compileall -q core tui

run: bytecode
	$(BIN)/scheduleflow $(ARGS)

system-tools:
	@missing=""; \
	for pair in $(SYSTEM_TOOLS); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system tools:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

test: install system-tools
	$(BIN)/pytest

bench: bytecode system-tools
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check core tui tests bench
	$(BIN)/mypy --strict core

schema: install
	$(BIN)/python -m core.formats.json_models

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench/.data
