#!/usr/bin/env bash
# e2e.sh runs the end-to-end tests (go test -tags e2e ./e2e) on a real
# single-node Kubernetes with Argo Workflows and Argo Events (cluster.sh),
# with MinIO, Elasticsearch and ElasticMQ from services.sh:
#
#   1. makes a run directory, $FAREPIPE_CACHE/e2e/run-<time>,
#   2. brings the cluster and the stack up with cluster.sh up
#      --with-farepipe, as make cluster does: the step and API images, the
#      real manifests (e2e/overlay: deploy/overlays/local on the ports
#      below), a set of services of its own, in the run directory and on
#      ports of its own (E2E_*_PORT, the ones e2e/overlay names), with
#      MinIO's webhook notification target pointing at the farepipe-webhook
#      EventSource (MinIO reads its targets at start), the S3 credentials
#      Secret and the bucket notifications; the set on the default ports,
#      shared by others, is never stopped or restarted,
#   3. runs the tests, printing a line per test (the whole output goes to
#      go-test.log in the run directory),
#   4. stops its services, and the cluster if it started it. On success the
#      run directory is deleted; on failure it keeps the logs of the
#      services, the cluster's processes and pods, and what kubectl saw,
#      and the script prints where.
#
# FAREPIPE_E2E_KEEP=1 leaves the cluster and the services running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/lib.sh
source hack/lib.sh

# The monitoring test runs Prometheus (Debian's package) against the stack.
ensure_cmds prometheus:prometheus

# The ports of the e2e services, on 127.0.0.1 and, through the cluster's
# forwarders, on the node address; e2e/overlay names them too.
E2E_S3_PORT=39000
E2E_ES_PORT=39200
E2E_SQS_PORT=39324
export FAREPIPE_S3_PORT=$E2E_S3_PORT FAREPIPE_ES_PORT=$E2E_ES_PORT FAREPIPE_SQS_PORT=$E2E_SQS_PORT

mkdir -p "$FP_CACHE/e2e"
run="$(mktemp -d "$FP_CACHE/e2e/run-$(date -u +%Y%m%dT%H%M%SZ)-XXXX")"
export FAREPIPE_RUN_DIR="$run/services"
log "e2e: run directory $run"

# A cluster whose API server runs was started by someone else: leave it up.
cluster_started=true
if hack/cluster.sh status 2>/dev/null | grep -qE '^kube-apiserver +running'; then
	cluster_started=false
fi
services_started=false

# keep_logs copies what explains a failure into the run directory before
# cluster.sh down deletes the cluster's state.
# shellcheck disable=SC2317 # called by cleanup
keep_logs() {
	local state k="$run/kubectl"
	if [[ -z "${KUBECONFIG:-}" ]]; then # the cluster did not come up
		eval "$(hack/cluster.sh env)"
	fi
	state="$(dirname "$KUBECONFIG")"
	[[ -d "$state" ]] || return 0
	mkdir -p "$k"
	cp -r "$state/logs" "$run/cluster-logs" 2>/dev/null || true
	# The kubelet writes the pods' logs under /var/log/pods, which down
	# removes with the cluster.
	mkdir -p "$run/pod-logs"
	cp -rL "$state/pod-logs/." /var/log/pods/. "$run/pod-logs/" 2>/dev/null || true
	kubectl get pods -A -o wide >"$k/pods.txt" 2>&1 || true
	kubectl -n argo get workflows -o yaml >"$k/workflows.yaml" 2>&1 || true
	kubectl get events -A --sort-by=.lastTimestamp >"$k/events.txt" 2>&1 || true
	kubectl -n argo get eventsources,sensors,eventbus -o yaml >"$k/events-objects.yaml" 2>&1 || true
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local code=$?
	if ((code != 0)); then
		keep_logs
	fi
	if [[ "${FAREPIPE_E2E_KEEP:-}" == "" ]]; then
		if $cluster_started; then
			hack/cluster.sh down >&2 || true
		fi
		if $services_started; then
			hack/services.sh down >&2 || true
		fi
		if ((code == 0)); then
			rm -rf "$run"
		fi
	else
		log "e2e: left running; stop the services with:"
		log "  FAREPIPE_RUN_DIR=$FAREPIPE_RUN_DIR FAREPIPE_S3_PORT=$E2E_S3_PORT FAREPIPE_ES_PORT=$E2E_ES_PORT FAREPIPE_SQS_PORT=$E2E_SQS_PORT hack/services.sh down"
	fi
	if ((code != 0)); then
		log "e2e: FAILED; logs are kept in $run (go-test.log, services/, cluster-logs/, pod-logs/, kubectl/)"
	fi
	exit "$code"
}
trap cleanup EXIT

# cluster.sh up --with-farepipe brings up the cluster and the stack as a
# user's make cluster does, with e2e/overlay (the ports above) and this
# run's services, which it starts with MinIO's webhook target set.
services_started=true
cluster_env="$(FAREPIPE_OVERLAY=e2e/overlay hack/cluster.sh up --with-farepipe)" # a failed start ends the script here
eval "$cluster_env"
ip="$(kubectl -n argo get svc farepipe-webhook-eventsource-svc -o jsonpath='{.spec.clusterIP}')"
webhook="http://$ip:12000/raw"

export FAREPIPE_E2E_WEBHOOK="$webhook"
# One line per test and its messages (continuation lines too);
# everything in go-test.log.
set +e
go test -tags e2e -count=1 -timeout 30m -v "$@" ./e2e/ 2>&1 | tee "$run/go-test.log" |
	grep --line-buffered -E '^=== RUN +[^/ ]+$|^ *--- (PASS|FAIL|SKIP)|^(ok|FAIL|PASS)\b|^panic:|^ +[^ ]+\.go:[0-9]+: |^        '
status=${PIPESTATUS[0]}
set -e
exit "$status"
