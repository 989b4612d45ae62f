# Meridian: everything a fresh machine needs goes through these targets.
#   make demo   a live local federation (real etcd + kube-apiservers), until Ctrl-C
#   make test   unit tests, make verify, and the e2e suite on real clusters

SHELL := /usr/bin/env bash
.SHELLFLAGS := -o errexit -o nounset -o pipefail -c
.DEFAULT_GOAL := help

GO      ?= go
BIN     := $(CURDIR)/bin
MEMBERS ?= 2
E2E_TIMEOUT ?= 40m
export MERIDIAN_BIN_DIR := $(BIN)

.PHONY: help
help: ## List the targets.
	@grep -E '^[a-z0-9/.-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

##@ Pinned real Kubernetes binaries, built from the Go module proxy once.
# Each binary depends on its tool module's go.mod/go.sum, so it is rebuilt
# only when the pinned version changes.
$(BIN)/etcd: hack/tools/etcd/go.mod hack/tools/etcd/go.sum hack/tools/etcd/main.go
	@echo ">> building etcd (pinned in hack/tools/etcd/go.mod; first build takes ~2 minutes)"
	cd hack/tools/etcd && $(GO) build -o $@ .

$(BIN)/kube-apiserver: hack/tools/kube-apiserver/go.mod hack/tools/kube-apiserver/go.sum hack/tools/kube-apiserver/main.go
	@echo ">> building kube-apiserver (pinned in hack/tools/kube-apiserver/go.mod; first build takes ~10 minutes on 2 cores)"
	cd hack/tools/kube-apiserver && $(GO) build -o $@ .

.PHONY: tools
tools: $(BIN)/etcd $(BIN)/kube-apiserver ## Build etcd and kube-apiserver into bin/.

##@ Demo
.PHONY: demo
demo: tools ## Start a live local federation (MEMBERS=2 by default); Ctrl-C stops it.
	$(GO) build -o $(BIN)/meridian-apiserver ./cmd/apiserver
	$(GO) build -o $(BIN)/meridian-demo ./hack/demo
	$(BIN)/meridian-demo --dir $(CURDIR)/.demo --members $(MEMBERS)

##@ Tests
.PHONY: test
test: unit verify e2e ## Everything CI runs: unit tests, verify, e2e.

.PHONY: unit
unit: ## Unit tests of pure logic (no servers).
	$(GO) test -count=1 ./pkg/... ./cmd/... ./hack/...

.PHONY: e2e
e2e: tools ## End-to-end suite (Ginkgo v2) on real etcd and kube-apiservers.
	$(GO) test -count=1 -timeout $(E2E_TIMEOUT) ./test/e2e/... -ginkgo.v

.PHONY: bench
bench: tools ## Benchmarks on the real environment; writes docs/benchmarks.md (BENCH_ARGS="--members 10 --upstreams 1000").
	$(GO) build -o $(BIN)/meridian-apiserver ./cmd/apiserver
	$(GO) run ./hack/bench --apiserver $(BIN)/meridian-apiserver $(BENCH_ARGS) > docs/benchmarks.md.new
	mv docs/benchmarks.md.new docs/benchmarks.md
	cat docs/benchmarks.md

.PHONY: verify
verify: ## Fail when generated code is stale, or gofmt / go vet complain.
	hack/verify.sh

.PHONY: generate
generate: ## Regenerate clients, deepcopy, OpenAPI and CRDs.
	hack/update-codegen.sh

.PHONY: clean
clean: ## Remove built binaries and demo state.
	rm -rf $(BIN) .demo
