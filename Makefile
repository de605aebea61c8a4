# Schakel — the two commands: `make run` (demo) and `make test` (whole suite).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite waits on the database and the browser more than on the CPU: one
# worker per core (pytest-xdist), a test file stays on one worker.
TEST_WORKERS ?= auto

.PHONY: run test test-sqlite test-postgres lint format bench install messages clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## Demo: install, migrate SQLite, load reference data and the fictitious Mechelen demo, serve.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	$(BIN)/python manage.py seed --demo
	$(BIN)/python manage.py demo_accounts
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

## Tests: the whole suite on SQLite, then on PostgreSQL when DATABASE_URL points to one.
test: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	env -u DATABASE_URL $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$DATABASE_URL"; \
		$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS); \
	else echo "DATABASE_URL not set: PostgreSQL run skipped"; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l nl -l fr -l en --ignore=.venv --ignore=node_modules
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var staticfiles
