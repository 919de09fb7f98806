#!/usr/bin/env bash
# e2e.sh runs the end-to-end tests (go test -tags e2e ./e2e) on a real
# single-node Kubernetes with Argo Workflows and Argo Events (cluster.sh),
# with MinIO and Elasticsearch from services.sh:
#
#   1. brings the cluster up, builds the step images and imports them,
#   2. applies the real manifests (e2e/overlay: workflows/ and events/ with
#      the local component) and the S3 credentials Secret,
#   3. (re)starts MinIO with a webhook notification target pointing at the
#      farepipe-webhook EventSource, since MinIO reads its targets at start,
#   4. runs the tests, then stops what it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/lib.sh
source hack/lib.sh

cluster_started=false
if ! hack/cluster.sh status >/dev/null 2>&1; then
	cluster_started=true
fi
cleanup() {
	local code=$?
	if [[ "${FAREPIPE_E2E_KEEP:-}" == "" ]]; then
		if $cluster_started; then
			hack/cluster.sh down >&2 || true
		fi
		hack/services.sh down >&2 || true
	fi
	exit "$code"
}
trap cleanup EXIT

cluster_env="$(hack/cluster.sh up)" # a failed start ends the script here
eval "$cluster_env"
hack/images.sh >&2
hack/cluster.sh import bin/images/fetch.tar bin/images/land.tar bin/images/transform.tar bin/images/index.tar >&2

kubectl apply -k e2e/overlay >&2
log "waiting for the webhook EventSource service..."
ip=""
for _ in {1..120}; do
	ip="$(kubectl -n argo get svc farepipe-webhook-eventsource-svc -o jsonpath='{.spec.clusterIP}' 2>/dev/null || true)"
	[[ -n "$ip" ]] && break
	sleep 1
done
[[ -n "$ip" ]] || die "the farepipe-webhook EventSource has no service"
webhook="http://$ip:12000/raw"

# MinIO learns its notification targets at start: restart the services
# with the webhook target set.
hack/services.sh down >&2
env_lines="$(MINIO_NOTIFY_WEBHOOK_ENABLE_FAREPIPE=on MINIO_NOTIFY_WEBHOOK_ENDPOINT_FAREPIPE="$webhook" hack/services.sh up)"
eval "$env_lines"
kubectl -n argo create secret generic farepipe-s3 \
	--from-literal=access-key-id="$AWS_ACCESS_KEY_ID" --from-literal=secret-access-key="$AWS_SECRET_ACCESS_KEY" \
	--dry-run=client -o yaml | kubectl apply -f - >&2
kubectl -n argo wait --for=condition=Available deployment --all --timeout=180s >&2

export FAREPIPE_E2E_WEBHOOK="$webhook"
go test -tags e2e -count=1 -timeout 30m "$@" ./e2e/
