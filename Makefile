# farepipe — make help lists the targets. Scripts live in hack/.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/farepipe/farepipe/internal/version.Version=$(VERSION)
GOFLAGS_BUILD := -trimpath -ldflags "$(LDFLAGS)"
BINARIES := fetch land transform index farepipe

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## build bin/fetch bin/land bin/transform bin/index bin/farepipe
	@mkdir -p bin
	CGO_ENABLED=0 go build $(GOFLAGS_BUILD) -o bin/ ./steps/fetch ./steps/land ./steps/transform ./steps/index ./cmd/farepipe

.PHONY: images
images: ## build the step and CLI images as OCI tarballs in bin/images (TAG=dev) for ctr images import
	hack/images.sh

.PHONY: lint-manifests
lint-manifests: ## check workflows/, events/, deploy/base and deploy/overlays (each overlay rendered) with farepipe lint
	go run ./cmd/farepipe lint workflows events deploy/base deploy/overlays

.PHONY: test
test: ## run every test against real MinIO and Elasticsearch (builds them the first time)
	hack/test.sh

.PHONY: unit
unit: ## run the unit tests only (no services)
	go test -short ./...

.PHONY: e2e
e2e: ## end-to-end tests on a real single-node Kubernetes with Argo (hack/cluster.sh; first run builds it)
	hack/e2e.sh

.PHONY: cluster
cluster: ## a local playground (as root): single-node Kubernetes with Argo and the farepipe stack (then evaluate hack/cluster.sh env)
	hack/cluster.sh up --with-farepipe >/dev/null
	@echo 'ready: eval "$$(hack/cluster.sh env)", then see "On one machine" in README.md' >&2

.PHONY: demo
demo: build ## bring up the local stack and run the whole pipeline on synthetic fares
	hack/demo.sh

.PHONY: lint
lint: ## gofmt, go vet and staticcheck
	hack/lint.sh

.PHONY: bench
bench: ## run the benchmarks (see BENCHMARKS.md)
	hack/bench.sh

.PHONY: services-up
services-up: ## start MinIO, Elasticsearch and ElasticMQ on loopback (prints export lines)
	@hack/services.sh up

.PHONY: services-down
services-down: ## stop the services started by services-up
	hack/services.sh down

.PHONY: clean
clean: ## remove build output
	rm -rf bin
