# Two commands on a fresh machine with Python 3.11 and make: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# `make integration`: the whole suite but e2e, on PostgreSQL and Redis; its worker starts inside pytest.
INTEGRATION_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_ci
INTEGRATION_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test install migrate demo lint format messages e2e integration ci bench clean

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=true $(BIN)/python manage.py load_regions
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --address $(HOST):$(PORT)

run: demo
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -m "not integration and not e2e" $(PYTEST_ARGS)

integration: install
	DATABASE_URL=$(INTEGRATION_DATABASE_URL) REDIS_URL=$(INTEGRATION_REDIS_URL) INTEGRATION=true \
		$(BIN)/python -m pytest -m "not e2e" --create-db $(PYTEST_ARGS)

e2e: install
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

ci:
	bash .ci/run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python scripts/messages.py build

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
