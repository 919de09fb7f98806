#!/usr/bin/env bash
# smoke.sh checks a running hack/cluster.sh cluster end to end: a Workflow
# reaches Succeeded; a step reaches MinIO and Elasticsearch (when
# hack/services.sh runs them); a webhook EventSource → Sensor → Workflow
# reaches Succeeded.
# It runs the argoexec image itself as the step (`argoexec version`), so it
# needs no image of the project's. Run it as `hack/cluster.sh smoke`; it
# deletes what it created, whatever the outcome.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
eval "$("$here/../cluster.sh" env)"
NS="$ARGO_NAMESPACE"
IMAGE="$FAREPIPE_EXECUTOR_IMAGE"

log() { printf '%s\n' "$*" >&2; }
die() { log "smoke: FAIL: $*"; exit 1; }
kc() { "$FAREPIPE_KUBECTL" -n "$NS" "$@"; }

cleanup() {
	kc delete --ignore-not-found --wait=false sensor/smoke eventsource/smoke-webhook \
		serviceaccount/smoke-sensor role/smoke-sensor rolebinding/smoke-sensor >/dev/null 2>&1 || true
	kc delete workflows -l farepipe.dev/smoke --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

# wait_phase SELECTOR TIMEOUT waits until a workflow matching SELECTOR
# finishes; it succeeds only for Succeeded.
wait_phase() {
	local sel=$1 timeout=$2 start=$SECONDS phase
	while ((SECONDS - start < timeout)); do
		phase="$(kc get workflows -l "$sel" -o 'jsonpath={.items[0].status.phase}' 2>/dev/null || true)"
		case "$phase" in
		Succeeded) return 0 ;;
		Failed | Error)
			kc get workflows -l "$sel" -o yaml >&2
			die "workflow ($sel) ended $phase"
			;;
		esac
		sleep 1
	done
	kc get workflows -l "$sel" -o wide >&2 || true
	die "no workflow ($sel) Succeeded within ${timeout}s (last phase: ${phase:-none})"
}

t0=$SECONDS
kc create -f - >/dev/null <<EOF
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: smoke-
  labels:
    farepipe.dev/smoke: plain
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: $IMAGE
        command: [argoexec, version]
EOF
wait_phase farepipe.dev/smoke=plain 180
log "smoke: workflow Succeeded in $((SECONDS - t0))s"

# A step reaches MinIO and Elasticsearch at the addresses pods use, when
# hack/services.sh runs them.
s3_port="${FAREPIPE_CLUSTER_S3_ENDPOINT##*:}"
es_port="${FAREPIPE_CLUSTER_ES_URL##*:}"
if (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$es_port") 2>/dev/null; then
	ts=$SECONDS
	kc create -f - >/dev/null <<EOF
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: smoke-reach-
  labels:
    farepipe.dev/smoke: reach
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: $FAREPIPE_BUSYBOX_IMAGE
        command:
          - /bin/busybox
          - sh
          - -c
          - >-
            /bin/busybox wget -q -O /dev/null $FAREPIPE_CLUSTER_S3_ENDPOINT/minio/health/ready &&
            /bin/busybox wget -q -O - $FAREPIPE_CLUSTER_ES_URL/ | /bin/busybox grep -q '"number"'
EOF
	wait_phase farepipe.dev/smoke=reach 120
	log "smoke: a step reached MinIO and Elasticsearch in $((SECONDS - ts))s"
else
	log "smoke: MinIO/Elasticsearch not running on 127.0.0.1:$s3_port/$es_port (hack/services.sh up); reachability not checked"
fi

t1=$SECONDS
kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ServiceAccount
metadata:
  name: smoke-sensor
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: smoke-sensor
rules:
  - apiGroups: [argoproj.io]
    resources: [workflows]
    verbs: [create, get, list, watch]
  - apiGroups: [argoproj.io]
    resources: [workflowtemplates]
    verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: smoke-sensor
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: smoke-sensor
subjects:
  - kind: ServiceAccount
    name: smoke-sensor
---
apiVersion: argoproj.io/v1alpha1
kind: EventSource
metadata:
  name: smoke-webhook
spec:
  service:
    ports:
      - port: 12000
        targetPort: 12000
  webhook:
    smoke:
      port: "12000"
      endpoint: /smoke
      method: POST
---
apiVersion: argoproj.io/v1alpha1
kind: Sensor
metadata:
  name: smoke
spec:
  template:
    serviceAccountName: smoke-sensor
  dependencies:
    - name: hook
      eventSourceName: smoke-webhook
      eventName: smoke
  triggers:
    - template:
        name: run
        argoWorkflow:
          operation: submit
          source:
            resource:
              apiVersion: argoproj.io/v1alpha1
              kind: Workflow
              metadata:
                generateName: smoke-event-
                labels:
                  farepipe.dev/smoke: event
              spec:
                entrypoint: main
                arguments:
                  parameters:
                    - name: msg
                      value: unset
                templates:
                  - name: main
                    inputs:
                      parameters:
                        - name: msg
                    container:
                      image: $IMAGE
                      command: [argoexec, version]
          parameters:
            - src:
                dependencyName: hook
                dataKey: body.msg
              dest: spec.arguments.parameters.0.value
EOF

# wait_deployment LABEL waits for the deployment the Argo Events controller
# makes for an EventSource or Sensor.
wait_deployment() {
	local sel=$1 start=$SECONDS
	until [[ -n "$(kc get deployment -l "$sel" -o name 2>/dev/null)" ]]; do
		((SECONDS - start < 60)) || die "no deployment for $sel after 60s"
		sleep 1
	done
	kc wait --for=condition=Available deployment -l "$sel" --timeout=120s >/dev/null ||
		die "deployment for $sel not available (kubectl -n $NS describe pods -l $sel)"
}
wait_deployment eventsource-name=smoke-webhook
wait_deployment sensor-name=smoke
log "smoke: event source and sensor running after $((SECONDS - t1))s"

svc="$(kc get service smoke-webhook-eventsource-svc -o 'jsonpath={.spec.clusterIP}')"
[[ -n "$svc" ]] || die "no service for the webhook event source"
# The webhook answers once its server and the bus connection are up; the
# sensor subscribes on its own schedule, so post again until a workflow comes.
t2=$SECONDS
posted=0
until [[ -n "$(kc get workflows -l farepipe.dev/smoke=event -o name 2>/dev/null)" ]]; do
	((SECONDS - t2 < 120)) || die "no workflow from the sensor within 120s (posted $posted events; kubectl -n $NS logs -l sensor-name=smoke)"
	if ((posted == 0 || (SECONDS - t2) % 15 == 0)); then
		if curl -sf -m 5 -X POST -H 'Content-Type: application/json' -d '{"msg":"hello"}' \
			"http://$svc:12000/smoke" >/dev/null; then
			posted=$((posted + 1))
		fi
	fi
	sleep 1
done
wait_phase farepipe.dev/smoke=event 180
msg="$(kc get workflows -l farepipe.dev/smoke=event -o 'jsonpath={.items[0].spec.arguments.parameters[0].value}')"
[[ "$msg" == hello ]] || die "the sensor passed msg=$msg, want hello"
log "smoke: webhook → sensor → workflow Succeeded $((SECONDS - t2))s after the first post (msg=$msg)"
log "smoke: PASS in $((SECONDS - t0))s"
