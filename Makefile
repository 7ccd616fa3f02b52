# motcua: the two commands are `make run` and `make test`.
GO ?= go
export GOTOOLCHAIN := local
# The suite starts PostgreSQL databases and Temporal servers of its own; two packages at
# a time keeps peak memory (linking the Temporal server takes ~2 GB) and CPU in bounds.
TESTFLAGS ?= -count=1 -p 2 -timeout 25m

.PHONY: run test lint build build-slim clean chaos

run:
	$(GO) run ./cmd/motcua run

test:
	$(GO) build -tags slim -o /dev/null ./cmd/motcua
	$(GO) test $(TESTFLAGS) ./...

# The fault suite (docs/chaos.md): motcua run and a second worker on a private PostgreSQL,
# dossiers driven over HTTP while the process is killed and frozen, PostgreSQL restarted
# and stopped, a worker killed. Not part of `make test`. CHAOS_N dossiers; the other
# knobs (CHAOS_FAULTS, CHAOS_ROUNDS, CHAOS_STRICT, ...) are read from the environment.
CHAOS_N ?= 40
CHAOS_TIMEOUT ?= 30m

chaos:
	CHAOS_N=$(CHAOS_N) $(GO) test -tags chaos -count=1 -p 1 -v -timeout $(CHAOS_TIMEOUT) -run '^TestChaos$$' ./internal/chaostest/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

build:
	$(GO) build -o bin/motcua ./cmd/motcua

# The production binary: no embedded Temporal server (run needs TEMPORAL_ADDRESS).
build-slim:
	$(GO) build -tags slim -o bin/motcua ./cmd/motcua

clean:
	rm -rf bin
