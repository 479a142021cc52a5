# Warung Online: `make run` for a living marketplace, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-dev migrate worker beat lint messages clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
	$(PY) manage.py compiletranslations

setup-dev: $(VENV)/.dev setup

migrate: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_regions

run: migrate
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py seed_demo_shops
	DEBUG=1 $(PY) manage.py seed_demo_products
	DEBUG=1 $(PY) manage.py seed_demo_orders
	DEBUG=1 $(PY) manage.py seed_demo_dinas
	$(PY) manage.py seed_demo_tariffs
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: setup-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

worker: setup
	$(VENV)/bin/celery -A marketplace worker --loglevel=INFO

beat: setup
	$(VENV)/bin/celery -A marketplace beat --loglevel=INFO

# Needs GNU gettext (a translator's tool, not needed to run or test).
messages: setup
	$(PY) manage.py makemessages --locale id --ignore '$(VENV)/*' --ignore 'benchmarks/*' --no-obsolete --no-location

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
