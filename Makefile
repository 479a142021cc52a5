# Warung Online: `make run` for a living marketplace, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-dev migrate worker beat stack lint messages clean bench bench-quick bench-checkout bench-search bench-templates

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py compiletranslations

setup-dev: $(VENV)/.dev setup

migrate: setup
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_regions

# HOST and PORT also make the site's address (SITE_URL) that links and printed log-ins use.
DEV := DEBUG=1 HOST=$(HOST) PORT=$(PORT)
# `make run` shows transaksi aman with the local sandbox provider (the settings' default is
# direct); the earlier seeds make the direct-mode history of the demo shops, then transaksi aman:
# checkouts paid, held and released (balances), complaints (one refunded by the dinas, one open),
# and payouts from the released balances.
AMAN := PAYMENT_MODE=aman PAYMENT_PROVIDER=sandbox

run: migrate
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py seed_demo_shops
	$(DEV) $(PY) manage.py seed_demo_products
	$(DEV) $(PY) manage.py seed_demo_tariffs
	$(DEV) $(PY) manage.py seed_demo_orders
	$(DEV) $(PY) manage.py seed_demo_dinas
	$(DEV) $(AMAN) $(PY) manage.py seed_demo_payments
	$(DEV) $(AMAN) $(PY) manage.py seed_demo_complaints
	$(DEV) $(AMAN) $(PY) manage.py seed_demo_payouts
	$(DEV) $(AMAN) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

worker: setup
	DEBUG=1 $(VENV)/bin/celery -A marketplace worker --loglevel=INFO

beat: setup
	DEBUG=1 $(VENV)/bin/celery -A marketplace beat --loglevel=INFO

# Web (gunicorn), worker and beat from the Procfile against local PostgreSQL and Redis
# (DATABASE_URL, REDIS_URL, PORT to change); creates the database and migrates first.
stack: setup
	VENV=$(VENV) PORT=$(PORT) HOST=$(HOST) ./bin/stack

# Benchmarks (benchmarks/RESULTS.md): need PostgreSQL, Redis and wrk; build their catalogues on
# first use in warung_bench_* databases. bench-quick takes under 5 minutes, bench about half an hour.
bench-quick: setup
	$(PY) benchmarks/throughput.py --quick

bench: setup
	$(PY) benchmarks/throughput.py
	$(PY) benchmarks/search_latency.py
	$(PY) benchmarks/checkout.py

bench-checkout: setup
	$(PY) benchmarks/checkout.py

bench-templates: setup-dev
	$(PY) benchmarks/template_engines.py

bench-search: setup
	$(PY) benchmarks/search_latency.py
	$(PY) benchmarks/search_queries.py

# Needs GNU gettext (a translator's tool, not needed to run or test).
messages: setup
	DEBUG=1 $(PY) manage.py makemessages --locale id --ignore '$(VENV)/*' --ignore 'benchmarks/*' --no-obsolete --no-location

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
