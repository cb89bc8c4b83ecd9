# Two entry points, as the README says: `make run` (main job) and `make test` (the tests, what CI runs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SAMPLE := examples/01-reviewer-overturned-correct-opinion.yaml

.PHONY: setup browser signing run test lint format fixtures

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# Headless Chromium, its driver and CJK fonts for the site's browser test (Debian packages; root/sudo).
browser:
	bash .ci/install-browser

# OpenSSH's ssh-keygen, which signs and verifies review sign-offs (Debian package; root/sudo if missing).
signing:
	bash .ci/install-openssh-client

# Main job: validate the policy, answer a sample case with its explanation, build the site.
run: setup
	$(BIN)/accountability validate
	$(BIN)/accountability query $(SAMPLE) --explain
	$(BIN)/accountability query $(SAMPLE) --explain --lang en
	$(BIN)/accountability docs build

# The tests, exactly as CI runs them (.ci/run calls this target).
test: setup browser signing
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the committed fixtures after a change to the rules (review their diff before committing).
fixtures: setup
	$(BIN)/accountability fixtures
