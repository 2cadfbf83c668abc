# Tranche. `make run` serves every function locally; `make test` runs the
# tests against DynamoDB Local and the SES emulator. See README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

GO        ?= go
DEVSTACK  := $(GO) run ./infra/cmd/devstack
# --no: run the CLI pinned in package-lock.json, never download another.
CDK       := npx --no cdk
FUNCTIONS := $(patsubst functions/%/main.go,%,$(wildcard functions/*/main.go))
NPM_STAMP := node_modules/.package-lock.json
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Extra flags for go test, e.g. make test TESTFLAGS='-run Import -v'.
TESTFLAGS ?=

.PHONY: help node-version deps chromium ui test fuzz run build synth deploy diff deploy-local bench lint invoke

help:
	@echo 'make run           install what is missing, then go run ./infra/cmd/tranche dev'
	@echo 'make test          go test ./... against DynamoDB Local and the SES emulator on free ports'
	@echo 'make fuzz          the robustness suite on its whole corpus, then every Go fuzz target for FUZZTIME each'
	@echo 'make invoke FN=reminders EVENT=events/reminders-hourly.json [AT=2025-06-30T15:00:00Z]'
	@echo '                   run one function once on a sample event against make run'"'"'s stack'
	@echo 'make lint          gofmt, go vet, staticcheck'
	@echo 'make ui            copy Swagger UI and Redoc from node_modules into pkg/schema/ui (after bumping them)'
	@echo 'make bench         Go benchmarks against the emulators'
	@echo 'make build         Lambda binaries (linux/arm64) in bin/lambda/<fn>/bootstrap'
	@echo 'make synth         CloudFormation template in cdk.out'
	@echo 'make diff|deploy   cdk diff / cdk deploy to the AWS account of your credentials'
	@echo 'make deploy-local  cdklocal deploy to the LocalStack at AWS_ENDPOINT_URL'

# The Node.js that runs the pinned npm packages (the CDK CLI, the SES
# emulator and their dependencies; DynamoDB Local runs on Java, only its jar
# is used) must satisfy package.json's engines.node: checked first, so an old
# Node fails here with the version to install, not later inside npm or the
# emulator with a syntax error.
node-version:
	@command -v node >/dev/null || { echo 'make: Node.js is not installed: install Node.js (see engines.node in package.json) with npm' >&2; exit 1; }
	@node scripts/check-node.cjs

# npm ci when node_modules is missing or older than package-lock.json.
deps: node-version $(NPM_STAMP)
	$(GO) mod download

$(NPM_STAMP): package-lock.json | node-version
	npm ci --no-audit --no-fund
	@touch $@

# One emulator for every package. (Until the stream came off the local
# tables, pkg/store/schema.go EnsureTable, DynamoDB Local slowed with every
# table the run created, and the two heaviest suites needed one each: the
# whole run took 11 minutes then, 2 now.)
test: deps chromium
	CI=true $(DEVSTACK) test -- $(GO) test -timeout 20m $(TESTFLAGS) ./...

# Headless Chromium for the reference pages' browser test
# (infra/localgw): Debian's chromium package, installed when missing, as
# CI does (the test fails under CI=true without it, and skips otherwise).
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
		echo 'make: installing chromium (apt-get) for the reference pages test'; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends chromium; fi; }

# The reference pages' scripts and styles, from the npm packages pinned in
# package-lock.json into pkg/schema/ui (committed: go:embed needs them in
# the module, and a plain go build must not need node_modules).
ui: deps
	cd pkg/schema && $(GO) generate ./

# The robustness suite (infra/robust) sends a bounded corpus under make test;
# here it sends every generated case (ROBUST_BUDGET=0; a number bounds the
# cases per route, ROBUST_SEED picks another sample). Then each Go fuzz
# target, found by name so that a new one is run without being listed
# here, fuzzes for FUZZTIME (go test allows one -fuzz target at a time).
FUZZTIME      ?= 30s
ROBUST_BUDGET ?= 0
ROBUST_SEED   ?= 11

fuzz: deps
	CI=true ROBUST_BUDGET=$(ROBUST_BUDGET) ROBUST_SEED=$(ROBUST_SEED) $(DEVSTACK) test -- \
		$(GO) test -timeout 120m -run '^TestRobustness$$' -v ./infra/robust/
	@set -e; for dir in $$(git grep -l '^func Fuzz' -- '*_test.go' | xargs -n1 dirname | sort -u); do \
		for fn in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "go test -run '^$$' -fuzz '^$$fn\$$' -fuzztime $(FUZZTIME) ./$$dir"; \
			$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) ./$$dir; \
		done; \
	done

run: deps
	$(GO) run ./infra/cmd/tranche dev

# One function's handler, once, on one event file, against make run's stack
# (start make run first) or the TABLE_NAME/AWS_ENDPOINT_URL/SES_ENDPOINT_URL
# of the environment. For reminders and summaries the event's "time" is the
# run's clock; AT= replaces it.
invoke:
	@if [ -z "$(FN)" ] || [ -z "$(EVENT)" ]; then \
		echo 'usage: make invoke FN=reminders EVENT=events/reminders-hourly.json [AT=2025-06-30T15:00:00Z]' >&2; exit 2; \
	fi
	$(GO) run ./infra/cmd/tranche invoke $(if $(AT),--at $(AT)) $(FN) $(EVENT)

bench: deps
	$(DEVSTACK) test -- $(GO) test -run '^$$' -bench . -benchmem ./...

lint: deps
	@out=$$(git ls-files -co --exclude-standard -z -- '*.go' | xargs -0 -r gofmt -l); \
	if [ -n "$$out" ]; then echo "gofmt -l lists files to format:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

build:
	@if [ -z "$(FUNCTIONS)" ]; then echo 'no functions/*/main.go to build'; exit 1; fi
	@set -e; for fn in $(FUNCTIONS); do \
		echo "go build ./functions/$$fn -> bin/lambda/$$fn/bootstrap"; \
		GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags='-s -w' \
			-o bin/lambda/$$fn/bootstrap ./functions/$$fn; \
	done
	@for fn in $(FUNCTIONS); do \
		printf '%-16s %10d bytes\n' "$$fn" "$$(wc -c < bin/lambda/$$fn/bootstrap)"; \
	done

synth: deps build
	$(CDK) synth -q
	@echo 'template: cdk.out/'

# Needs AWS credentials for the target account (and `npx cdk bootstrap` once).
# ENV=prod targets the stack Tranche-prod (default Tranche-dev).
diff: deps build
	$(CDK) diff -c requireBuild=true $(if $(ENV),-c env=$(ENV))

deploy: deps build
	$(CDK) deploy -c requireBuild=true $(if $(ENV),-c env=$(ENV))

# LocalStack is not started here (it needs Docker); point AWS_ENDPOINT_URL at
# a running one.
deploy-local:
	@if [ -z "$$AWS_ENDPOINT_URL" ]; then \
		echo 'deploy-local: no LocalStack endpoint configured: set AWS_ENDPOINT_URL (e.g. http://localhost:4566) to a running LocalStack' >&2; \
		exit 1; \
	fi
	@$(MAKE) --no-print-directory deps build
	npx --yes --package=aws-cdk-local@3.0.4 --package=aws-cdk@2.1148.1 cdklocal deploy
