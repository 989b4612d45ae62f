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
IMAGE_REPOSITORY ?= ghcr.io/meridianfed
IMAGE_VERSION    ?=
PLATFORMS        ?= linux/amd64,linux/arm64
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

KUBE_TOOL := hack/tools/kubernetes/go.mod hack/tools/kubernetes/go.sum
# Stamp the version the pinned module is (an unstamped build reports v0.0.0-master).
KUBE_VERSION := $(shell sed -n 's|^\tk8s.io/kubernetes v||p' hack/tools/kubernetes/go.mod)
KUBE_LDFLAGS := -X k8s.io/component-base/version.gitVersion=v$(KUBE_VERSION) \
	-X k8s.io/component-base/version.gitMajor=$(word 1,$(subst ., ,$(KUBE_VERSION))) \
	-X k8s.io/component-base/version.gitMinor=$(word 2,$(subst ., ,$(KUBE_VERSION))) \
	-X k8s.io/component-base/version.gitTreeState=clean

$(BIN)/kube-apiserver: $(KUBE_TOOL) hack/tools/kubernetes/cmd/kube-apiserver/main.go
	@echo ">> building kube-apiserver (pinned in hack/tools/kubernetes/go.mod; first build takes ~10 minutes on 2 cores)"
	cd hack/tools/kubernetes && $(GO) build -ldflags '$(KUBE_LDFLAGS)' -o $@ ./cmd/kube-apiserver

$(BIN)/kube-controller-manager: $(KUBE_TOOL) hack/tools/kubernetes/cmd/kube-controller-manager/main.go
	@echo ">> building kube-controller-manager (same pinned module; a few minutes after kube-apiserver)"
	cd hack/tools/kubernetes && $(GO) build -ldflags '$(KUBE_LDFLAGS)' -o $@ ./cmd/kube-controller-manager

$(BIN)/kubectl: $(KUBE_TOOL) hack/tools/kubernetes/cmd/kubectl/main.go
	@echo ">> building kubectl (same pinned module; the e2e suite uses it, whatever kubectl the machine has)"
	cd hack/tools/kubernetes && $(GO) build -ldflags '$(KUBE_LDFLAGS)' -o $@ ./cmd/kubectl

.PHONY: tools
tools: $(BIN)/etcd $(BIN)/kube-apiserver $(BIN)/kube-controller-manager $(BIN)/kubectl ## Build etcd, kube-apiserver, kube-controller-manager and kubectl into bin/.

##@ Demo
.PHONY: meridianctl
meridianctl: ## Build bin/meridianctl (docs/meridianctl.md).
	$(GO) build -o $(BIN)/meridianctl ./cmd/meridianctl

.PHONY: demo
demo: tools meridianctl ## Start a live local federation (MEMBERS=2 by default); Ctrl-C stops it.
	$(GO) build -o $(BIN)/meridian-apiserver ./cmd/apiserver
	$(GO) build -o $(BIN)/meridian-controller ./cmd/controller
	$(GO) build -o $(BIN)/meridian-demo ./hack/demo
	$(BIN)/meridian-demo --dir $(CURDIR)/.demo --members $(MEMBERS)

##@ Images
.PHONY: images
images: ## Build the container images (apiserver, controller, dashboard) for linux/amd64 and linux/arm64 into bin/images/, without a daemon (IMAGE_REPOSITORY, IMAGE_VERSION, PLATFORMS).
	$(GO) run ./hack/images --out $(BIN)/images --repository $(IMAGE_REPOSITORY) --platforms $(PLATFORMS) $(if $(IMAGE_VERSION),--version $(IMAGE_VERSION))

.PHONY: push-images
push-images: ## make images, then push each multi-platform image to IMAGE_REPOSITORY with docker's or podman's registry login.
	$(GO) run ./hack/images --push --out $(BIN)/images --repository $(IMAGE_REPOSITORY) --platforms $(PLATFORMS) $(if $(IMAGE_VERSION),--version $(IMAGE_VERSION))

##@ Tests
.PHONY: test
test: unit fuzz-short verify e2e ## Everything CI runs: unit tests (with the fuzz seed corpora), short fuzz runs, verify, e2e.

.PHONY: unit
unit: ## Unit tests of pure logic (no servers).
	$(GO) test -count=1 ./pkg/... ./cmd/... ./hack/...

# Fuzz targets (func Fuzz* in ./pkg/...; seeds in each package's
# testdata/fuzz/<FuzzName>, run by `make unit` like any test). go runs one
# -fuzz target per package at a time, so each runs in turn for FUZZTIME; a
# failing input is written to testdata/fuzz/<FuzzName>/ (commit it with the fix).
# vet is off here: make unit and make verify vet the same code.
FUZZTIME       ?= 10s
# make test's runs are bounded by executions, not time: a duration can end
# a run with a spurious "context deadline exceeded" on a loaded machine, a
# race in Go's fuzzing coordinator (https://go.dev/issue/75804, fixed in
# Go 1.27). 1000 inputs take under a second per target here, once built.
FUZZTIME_SHORT ?= 1000x

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each (10s by default: FUZZTIME=2m for a longer search).
	@targets=$$(grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]* *\(' pkg | sed -E 's|^(.*)/[^/]*:func (Fuzz[A-Za-z0-9_]*).*|./\1:\2|' | sort -u); \
	if [[ -z "$${targets}" ]]; then echo "no fuzz targets found" >&2; exit 1; fi; \
	for t in $${targets}; do \
		echo ">> $${t##*:} ($${t%%:*}, $(FUZZTIME))"; \
		$(GO) test -vet=off -run '^$$' -fuzz "^$${t##*:}\$$" -fuzztime $(FUZZTIME) "$${t%%:*}" || exit 1; \
	done

.PHONY: fuzz-short
fuzz-short: ## make fuzz with FUZZTIME_SHORT (1000 inputs) per target: what make test runs (about 2 minutes for all targets, builds cached).
	$(MAKE) fuzz FUZZTIME=$(FUZZTIME_SHORT)

.PHONY: browser
browser: ## Make sure a headless Chromium is here for the dashboard's browser tests (installs Debian's chromium-headless-shell where none is).
	hack/install-browser.sh

.PHONY: e2e
e2e: tools browser ## End-to-end suite (Ginkgo v2) on real etcd and kube-apiservers; the dashboard's specs in headless Chromium.
	$(GO) test -count=1 -timeout $(E2E_TIMEOUT) ./test/e2e/... -ginkgo.v

.PHONY: test-fresh
test-fresh: ## make test (then make demo) from a clean clone of HEAD with empty Go caches, as a newcomer or CI meets it.
	hack/test-fresh.sh

.PHONY: bench
bench: tools browser ## Benchmarks on the real environment; writes docs/benchmarks.md (BENCH_ARGS="--members 10 --upstreams 1000", BENCH_PLACEMENT_ARGS="--members 10 --objects 1000", BENCH_FAILOVER_ARGS="--rounds 40").
	$(GO) build -o $(BIN)/meridian-apiserver ./cmd/apiserver
	$(GO) build -o $(BIN)/meridian-controller ./cmd/controller
	$(GO) run ./hack/bench --apiserver $(BIN)/meridian-apiserver --controller $(BIN)/meridian-controller $(BENCH_ARGS) > docs/benchmarks.md.new
	$(GO) run ./hack/bench-placement --apiserver $(BIN)/meridian-apiserver --controller $(BIN)/meridian-controller $(BENCH_PLACEMENT_ARGS) >> docs/benchmarks.md.new
	$(GO) run ./hack/bench-failover --apiserver $(BIN)/meridian-apiserver --controller $(BIN)/meridian-controller $(BENCH_FAILOVER_ARGS) >> docs/benchmarks.md.new
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
