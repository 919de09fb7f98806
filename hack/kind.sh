#!/usr/bin/env bash
# kind.sh is the Docker alternative to hack/cluster.sh, for machines with a
# Docker engine and internet access: a kind cluster with Argo Workflows and
# Argo Events installed from the manifests of the pinned modules (the same
# ones hack/cluster.sh uses), and MinIO and Elasticsearch as pods in the
# cluster. Images are pulled from their public registries. See hack/README.md.
#
#   eval "$(hack/kind.sh up)"        create and install, print the env
#   hack/kind.sh env                 print the env (export lines) only
#   hack/kind.sh import IMG.tar...   load image archives into the kind node
#   hack/kind.sh down                delete the kind cluster
#
# Prints the same variables as hack/cluster.sh plus those of
# hack/services.sh, so tests written against one run against the other.
set -euo pipefail

# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CL_SRC="$FP_ROOT/hack/cluster"
MINIO_IMAGE="${FAREPIPE_KIND_MINIO_IMAGE:-quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z}"
ES_IMAGE="${FAREPIPE_KIND_ES_IMAGE:-docker.elastic.co/elasticsearch/elasticsearch:$ES_VERSION}"
CLUSTER="${FAREPIPE_KIND_NAME:-farepipe}"
STATE="$FP_CACHE/kind-$CLUSTER"
KUBECONFIG_FILE="$STATE/kubeconfig"
NS=argo
# Node ports that kind maps to the host's loopback.
S3_NODEPORT=30900
ES_NODEPORT=30920

usage() {
	log "usage: $0 up|down|env|import IMAGE.tar..."
	exit 2
}

kc() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# module_dir prints where the Go module cache holds MODULE, downloading it
# through the build module of hack/cluster/build/NAME.
module_dir() {
	(cd "$CL_SRC/build/$1" && go mod download -json "$2" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
}

create_cluster() {
	if kind get clusters 2>/dev/null | grep -qxF "$CLUSTER"; then
		log "kind: cluster $CLUSTER exists"
	else
		log "kind: creating cluster $CLUSTER..."
		mkdir -p "$STATE"
		cat >"$STATE/kind.yaml" <<EOF
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - containerPort: $S3_NODEPORT
        hostPort: $FP_S3_PORT
        listenAddress: 127.0.0.1
      - containerPort: $ES_NODEPORT
        hostPort: $FP_ES_PORT
        listenAddress: 127.0.0.1
EOF
		kind create cluster --name "$CLUSTER" --config "$STATE/kind.yaml" --wait 180s >&2
	fi
	mkdir -p "$STATE"
	kind get kubeconfig --name "$CLUSTER" >"$KUBECONFIG_FILE"
	chmod 600 "$KUBECONFIG_FILE"
}

install_argo() {
	local wf ev m="$STATE/manifests"
	wf="$(module_dir workflows "github.com/argoproj/argo-workflows/v3@$ARGO_WF_VERSION")"
	ev="$(module_dir events "github.com/argoproj/argo-events@$ARGO_EVENTS_VERSION")"
	[[ -d "$wf/manifests" && -d "$ev/manifests" ]] || die "cannot find the Argo modules' manifests"
	argo_manifests "$m/argo" "$wf/manifests" "$ev/manifests"
	kc apply --server-side -f "$CL_SRC/argo/namespaces.yaml" >&2
	kc apply --server-side --force-conflicts -k "$m/argo/kind/workflows" >&2
	kc apply --server-side --force-conflicts -k "$m/argo/events" >&2
	kc wait --for condition=established --timeout=60s crd/eventbus.argoproj.io >&2
	kc apply --server-side -f "$CL_SRC/argo/kind/eventbus.yaml" >&2
}

install_services() {
	kc apply --server-side -f - >&2 <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: minio
  namespace: $NS
spec:
  selector:
    matchLabels: {app: minio}
  template:
    metadata:
      labels: {app: minio}
    spec:
      containers:
        - name: minio
          image: $MINIO_IMAGE
          args: [server, /data]
          env:
            - {name: MINIO_ROOT_USER, value: $FP_S3_ACCESS_KEY}
            - {name: MINIO_ROOT_PASSWORD, value: $FP_S3_SECRET_KEY}
            - {name: MINIO_BROWSER, value: "off"}
          ports: [{containerPort: 9000}]
          readinessProbe:
            httpGet: {path: /minio/health/ready, port: 9000}
          volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, emptyDir: {}}]
---
apiVersion: v1
kind: Service
metadata:
  name: minio
  namespace: $NS
spec:
  type: NodePort
  selector: {app: minio}
  ports: [{port: 9000, targetPort: 9000, nodePort: $S3_NODEPORT}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: elasticsearch
  namespace: $NS
spec:
  selector:
    matchLabels: {app: elasticsearch}
  template:
    metadata:
      labels: {app: elasticsearch}
    spec:
      containers:
        - name: elasticsearch
          image: $ES_IMAGE
          env:
            - {name: discovery.type, value: single-node}
            - {name: xpack.security.enabled, value: "false"}
            - {name: ES_JAVA_OPTS, value: "-Xms$FP_ES_HEAP -Xmx$FP_ES_HEAP"}
            - {name: cluster.routing.allocation.disk.threshold_enabled, value: "false"}
          ports: [{containerPort: 9200}]
          readinessProbe:
            httpGet: {path: "/_cluster/health?wait_for_status=yellow&timeout=1s", port: 9200}
---
apiVersion: v1
kind: Service
metadata:
  name: elasticsearch
  namespace: $NS
spec:
  type: NodePort
  selector: {app: elasticsearch}
  ports: [{port: 9200, targetPort: 9200, nodePort: $ES_NODEPORT}]
EOF
}

wait_ready() {
	local d
	for d in "$NS/workflow-controller" "argo-events/controller-manager" "$NS/minio" "$NS/elasticsearch"; do
		kc -n "${d%%/*}" rollout status "deployment/${d#*/}" --timeout=600s >&2
	done
	local code
	code="$(curl -s -o /dev/null -w '%{http_code}' -X PUT \
		--aws-sigv4 "aws:amz:$FP_REGION:s3" --user "$FP_S3_ACCESS_KEY:$FP_S3_SECRET_KEY" \
		"http://127.0.0.1:$FP_S3_PORT/$FP_BUCKET")" || die "creating bucket $FP_BUCKET: curl failed"
	[[ "$code" == 200 || "$code" == 409 ]] || die "creating bucket $FP_BUCKET: HTTP $code"
}

print_env() {
	printf 'export %s=%q\n' \
		KUBECONFIG "$KUBECONFIG_FILE" \
		ARGO_NAMESPACE "$NS" \
		FAREPIPE_ARGO "$(command -v argo || echo argo)" \
		FAREPIPE_KUBECTL "$(command -v kubectl)" \
		FAREPIPE_CLUSTER_S3_ENDPOINT "http://minio.$NS.svc.cluster.local:9000" \
		FAREPIPE_CLUSTER_ES_URL "http://elasticsearch.$NS.svc.cluster.local:9200" \
		FAREPIPE_EXECUTOR_IMAGE "quay.io/argoproj/argoexec:$ARGO_WF_VERSION" \
		FAREPIPE_EVENTBUS default \
		FAREPIPE_S3_ENDPOINT "http://127.0.0.1:$FP_S3_PORT" \
		FAREPIPE_BUCKET "$FP_BUCKET" \
		FAREPIPE_ES_URL "http://127.0.0.1:$FP_ES_PORT" \
		AWS_ACCESS_KEY_ID "$FP_S3_ACCESS_KEY" \
		AWS_SECRET_ACCESS_KEY "$FP_S3_SECRET_KEY" \
		AWS_REGION "$FP_REGION"
}

main() {
	(($# >= 1)) || usage
	load_s3_credentials
	local cmd=$1
	shift
	case "$cmd" in
	up)
		need docker "install Docker"
		need kind "install kind (https://kind.sigs.k8s.io)"
		need kubectl "install kubectl"
		need go "install Go (to fetch the Argo modules' manifests)"
		create_cluster
		install_argo
		install_services
		wait_ready
		print_env
		;;
	env) print_env ;;
	import)
		(($# > 0)) || usage
		local tar
		for tar in "$@"; do
			kind load image-archive "$tar" --name "$CLUSTER" >&2
		done
		;;
	down)
		kind delete cluster --name "$CLUSTER" >&2
		rm -rf "$STATE"
		;;
	*) usage ;;
	esac
}

main "$@"
