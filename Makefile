# The whole quick start: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install bench bench-quick clean soak soak-till lock faults sdk

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	LOYALTY_ENV=development $(BIN)/loyalty quickstart

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

# The program oracle with many more examples than `make test` runs (see tests/property/test_program_oracle.py).
soak: $(STAMP)
	LOYALTY_PROGRAM_PROFILE=soak $(BIN)/python -m pytest tests/property/test_program_oracle.py -q -p no:randomly

bench: $(STAMP)
	$(BIN)/python -m bench.run

# HTTP purchases @32 (ours vs the mutable-table service, also by process count 1/2), balance reads and pgbench@32,
# same run: ~3-4 minutes.
bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

# The fault suite alone (it also runs inside `make test`): PostgreSQL crashed and fast-stopped under load, SIGKILL of a
# writer and of the worker, failed writes under group commit, pool exhaustion, a held table lock, SQLite disk
# full (needs root for its tmpfs), clock jumps, backup while writing, a 1-minute till soak. Figures land in
# test-artifacts/faults/ and soak/.
faults: $(STAMP)
	$(BIN)/python -m pytest tests/faults tests/integration/test_write_failures.py tests/e2e/test_durability.py \
		tests/e2e/test_worker_kill.py tests/integration/test_backup.py -q -s

# Mixed till traffic (sales, balances, reserve+capture, redemptions, refunds) through a real `loyalty serve` and
# worker on PostgreSQL for SOAK_MINUTES (default 20), sampled every minute; figures in test-artifacts/soak/.
SOAK_MINUTES ?= 20
soak-till: $(STAMP)
	$(BIN)/python -m tests.faults.soak_till --minutes $(SOAK_MINUTES)

# The generated clients: sdk/openapi.json from the app, sdk/python/loyalty_client and sdk/typescript/src/schema.d.ts
# from it. The Python generator has its own venv, .venv-sdk (it pins its own typer; scripts/generate_sdk.py
# installs the pinned version on first use); the TypeScript one is pinned in
# sdk/typescript/package-lock.json. tests/e2e/test_sdk*.py fail until this is run after an API change.
sdk: $(STAMP)
	$(BIN)/python scripts/generate_sdk.py --generate
	cd sdk/typescript && npm ci --no-audit --no-fund --prefer-offline && npm run --silent generate

lock: $(STAMP)
	$(BIN)/python scripts/make_lock.py

clean:
	rm -rf $(VENV) data .pytest_cache .hypothesis
