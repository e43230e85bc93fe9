# The two commands for a fresh machine are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-lock

.PHONY: backup restore setup demo demo-smoke test e2e faults security-scan bench lint format migrations-check messages clean

# Rebuilt only when the lock file changes, so `make setup` is cheap to run again.
$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py load_demo
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py run_job rollup
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py run_job reminders
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The embedded demo (SQLite) loaded into a throw-away file and every main page opened as each
# kind of demo user: no 5xx (scripts/demo_smoke.py).
demo-smoke: setup
	$(BIN)/python scripts/demo_smoke.py

# Browser journeys in Debian's Chromium (apt-get install chromium); screenshots go to
# test-results/e2e/.
e2e: setup
	$(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

# The fault suite (docs/faults.md): its own PostgreSQL cluster and Redis on spare loopback
# ports, gunicorn, a worker and beat on production settings; Redis stopped, the worker killed,
# PostgreSQL restarted, load, bad inputs, schemathesis, backup and restore. Writes
# test-results/faults.json. One fault: $(BIN)/python -m faults --only redis_down
faults: setup
	$(BIN)/python -m faults $(FAULTS_ARGS)

# bandit over the application; each finding kept is reviewed in place (# nosec and why).
security-scan: setup
	$(BIN)/bandit -q -c pyproject.toml -r agencies api config dashboards devdata meetings notifications ops plans reports security supervision tasks administration

# Timings against PostgreSQL: the importer, then national-scale data (docs/performance.md);
# writes bench/results.json.
bench: setup
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='ipplan_bench'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres ipplan_bench
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='ipplan_scale'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres ipplan_scale
	command -v wrk >/dev/null || echo "wrk is not installed (apt-get install wrk): the load figures will be missing"
	$(BIN)/python bench/importer.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/packs.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# Extract the Chinese msgids and compile; the English .po is then translated by hand.
# The compiled .mo files are committed, so a fresh machine needs no gettext to run.
# Database and uploaded files; DATABASE_URL and MEDIA_ROOT from the environment (docs/deploy.md).
backup:
	scripts/backup.sh

restore:
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=backups/<stamp>" && exit 2)
	scripts/restore.sh "$(BACKUP)"

messages: setup
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=static --ignore=tests --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV)
