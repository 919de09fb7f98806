#!/usr/bin/env bash
# cluster.sh runs a real single-node Kubernetes with Argo Workflows and Argo
# Events on this machine, without Docker, a registry or the internet: etcd,
# the Kubernetes control plane, containerd and kubelet as host processes, the
# Argo controllers as pods, every address on loopback or a /32 alias on lo.
# Its pieces are in hack/cluster/lib, the Argo kustomizations (shared with
# kind.sh) in hack/cluster/argo. See hack/README.md.
#
#   eval "$(hack/cluster.sh up)"       build if needed, start, print the env
#   hack/cluster.sh up --with-farepipe also the farepipe stack, ready to use
#                                      (images, deploy/overlays/local, the
#                                      services, Secret, bucket notifications)
#   hack/cluster.sh env                print the env (export lines) only
#   hack/cluster.sh status             say what is running
#   hack/cluster.sh import IMG.tar...  import image archives into containerd
#   hack/cluster.sh smoke              run a workflow and a webhook-triggered one
#   hack/cluster.sh build              build everything into the cache, start nothing
#   hack/cluster.sh down               stop what up started, delete its state
#
# Needs root (containerd, kubelet, iptables). Only export lines go to stdout;
# progress and errors go to stderr.
set -euo pipefail

# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CL_SRC="$FP_ROOT/hack/cluster"

# Pinned versions. The Go modules that build them are under hack/cluster/build.
K8S_VERSION="v1.32.2"
ETCD_VERSION="v3.5.16"
PAUSE_IMAGE="registry.k8s.io/pause:3.10"
EXECUTOR_IMAGE="quay.io/argoproj/argoexec:$ARGO_WF_VERSION"
WF_CONTROLLER_IMAGE="quay.io/argoproj/workflow-controller:$ARGO_WF_VERSION"
EVENTS_IMAGE="quay.io/argoproj/argo-events:$ARGO_EVENTS_VERSION"
# A static busybox (Debian's busybox-static) for tests and probes in pods.
BUSYBOX_IMAGE="localhost/farepipe/busybox:1.35"

# Addresses. The node gets a /32 alias on lo; nothing listens on any other
# interface. Pods live on the cni0 bridge.
NODE_IP="${FAREPIPE_NODE_IP:-10.99.0.1}"
NODE_NAME="farepipe"
POD_CIDR="10.88.0.0/16"
SVC_CIDR="10.96.0.0/16"
SVC_API_IP="10.96.0.1"
API_PORT=6443
ETCD_PORT=12379
NATS_PORT=4222
# The ports of hack/services.sh (MinIO, Elasticsearch, ElasticMQ) that
# socat forwards from the node address for pods (see up_proxies).
FORWARDED_PORTS=("$FP_S3_PORT" "$FP_ES_PORT" "$FP_SQS_PORT")
NS="argo"
EVENTS_NS="argo-events"

CL_HOME="$FP_CACHE/cluster"
CL_STATE="${FAREPIPE_CLUSTER_DIR:-$CL_HOME/state}"
PKI="$CL_STATE/pki"
LOGS="$CL_STATE/logs"
PIDS="$CL_STATE/pids"
CTRD_SOCK="$CL_STATE/containerd/containerd.sock"
KUBECONFIG_ADMIN="$CL_STATE/kubeconfig"

# Paths that containerd, kubelet and CNI write outside any configured root.
# down removes those that did not exist before the first up.
EXTERNAL_PATHS=(/run/containerd /run/netns /var/lib/cni /var/lib/kubelet /opt/containerd /var/log/containers /var/log/pods)

# modkey prints a short hash of a build module's go.mod and go.sum (and any
# extra files), so a changed pin rebuilds into a new cache directory.
modkey() {
	cat "$@" | sha256sum | cut -c1-10
}

K8S_BIN="$CL_HOME/bin/kubernetes-$K8S_VERSION-$(modkey "$CL_SRC/build/kubernetes/go."{mod,sum})"
ETCD_BIN="$CL_HOME/bin/etcd-$ETCD_VERSION-$(modkey "$CL_SRC/build/etcd/go."{mod,sum})"
WF_BIN="$CL_HOME/bin/argo-workflows-$ARGO_WF_VERSION-$(modkey "$CL_SRC/build/workflows/go."{mod,sum})"
EVENTS_BIN="$CL_HOME/bin/argo-events-$ARGO_EVENTS_VERSION-$(modkey "$CL_SRC/build/events/go."{mod,sum})"
IMGTOOL="$CL_HOME/bin/imgtool-$(modkey "$CL_SRC/build/imgtool/"{go.mod,go.sum,main.go})/imgtool"
PAUSE_BIN="$CL_HOME/bin/pause-$(modkey "$CL_SRC/pause/pause.c")/pause"
IMAGES="$CL_HOME/images"

KUBECTL="$(command -v kubectl || true)"
[[ -n "$KUBECTL" ]] || KUBECTL="$K8S_BIN/kubectl"

usage() {
	log "usage: $0 up [--with-farepipe]|down|env|status|build|smoke|import IMAGE.tar..."
	exit 2
}

need_root() {
	[[ "$(id -u)" == 0 ]] || die "$0 $1 needs root (containerd, kubelet and iptables do)"
}

# lock_cluster serialises up, down and import: there is one cluster per machine.
lock_cluster() {
	mkdir -p "$CL_HOME"
	exec 9>"$CL_HOME/lock"
	if ! flock -n 9; then
		log "waiting for another cluster.sh..."
		flock -w 1800 9 || die "timed out waiting for $CL_HOME/lock"
	fi
}

kc() {
	"$KUBECTL" --kubeconfig "$KUBECONFIG_ADMIN" "$@"
}

ctr_k8s() {
	ctr --address "$CTRD_SOCK" --namespace k8s.io "$@"
}

# The pieces, one idea a file; they define functions only.
# shellcheck source=hack/cluster/lib/build.sh
source "$CL_SRC/lib/build.sh"
# shellcheck source=hack/cluster/lib/proc.sh
source "$CL_SRC/lib/proc.sh"
# shellcheck source=hack/cluster/lib/host.sh
source "$CL_SRC/lib/host.sh"
# shellcheck source=hack/cluster/lib/pki.sh
source "$CL_SRC/lib/pki.sh"
# shellcheck source=hack/cluster/lib/config.sh
source "$CL_SRC/lib/config.sh"
# shellcheck source=hack/cluster/lib/up.sh
source "$CL_SRC/lib/up.sh"
# shellcheck source=hack/cluster/lib/argo.sh
source "$CL_SRC/lib/argo.sh"
# shellcheck source=hack/cluster/lib/down.sh
source "$CL_SRC/lib/down.sh"
# shellcheck source=hack/cluster/lib/import.sh
source "$CL_SRC/lib/import.sh"
# shellcheck source=hack/cluster/lib/farepipe.sh
source "$CL_SRC/lib/farepipe.sh"

# ---------------------------------------------------------------- env, status

print_env() {
	printf 'export %s=%q\n' \
		KUBECONFIG "$KUBECONFIG_ADMIN" \
		ARGO_NAMESPACE "$NS" \
		FAREPIPE_ARGO "$WF_BIN/argo" \
		FAREPIPE_KUBECTL "$KUBECTL" \
		CONTAINERD_ADDRESS "$CTRD_SOCK" \
		CONTAINERD_NAMESPACE k8s.io \
		FAREPIPE_NODE_IP "$NODE_IP" \
		FAREPIPE_CLUSTER_S3_ENDPOINT "http://$NODE_IP:$FP_S3_PORT" \
		FAREPIPE_CLUSTER_ES_URL "http://$NODE_IP:$FP_ES_PORT" \
		FAREPIPE_CLUSTER_SQS_ENDPOINT "http://$NODE_IP:$FP_SQS_PORT" \
		FAREPIPE_EXECUTOR_IMAGE "$EXECUTOR_IMAGE" \
		FAREPIPE_BUSYBOX_IMAGE "$BUSYBOX_IMAGE" \
		FAREPIPE_EVENTBUS default
	# argo and kubectl on PATH, once however often this is evaluated.
	local dir
	dir="$(path_dir)"
	# shellcheck disable=SC2016 # $PATH expands where the line is evaluated
	printf 'case ":$PATH:" in *:%q:*) ;; *) export PATH=%q:"$PATH" ;; esac\n' "$dir" "$dir"
	# The services' settings (S3, Elasticsearch, SQS, credentials), and
	# the S3 endpoint for the aws CLI.
	"$FP_ROOT/hack/services.sh" env
	printf 'export AWS_ENDPOINT_URL_S3=%q\n' "http://127.0.0.1:$FP_S3_PORT"
}

cmd_status() {
	local name pid rss total=0 ok=0
	for name in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy \
		nats-server "${FORWARDED_PORTS[@]/#/proxy-}"; do
		if pid="$(running_pid "$name")"; then
			rss="$(ps -o rss= -p "$pid" | tr -d ' ')"
			total=$((total + ${rss:-0}))
			printf '%-24s running  pid %-8s rss %4s MiB\n' "$name" "$pid" "$((${rss:-0} / 1024))"
		else
			printf '%-24s stopped\n' "$name"
			ok=1
		fi
	done
	for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $CTRD_SOCK" || true) \
		$(cat /sys/fs/cgroup/pids/kubepods/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/cgroup.procs \
			/sys/fs/cgroup/pids/kubepods/*/*/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/*/*/cgroup.procs \
			/sys/fs/cgroup/pids/kubepods/*/*/*/*/cgroup.procs 2>/dev/null || true); do
		rss="$(ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ')"
		total=$((total + ${rss:-0}))
	done
	printf 'total rss (host processes, shims, pods): %s MiB\n' "$((total / 1024))"
	if ((ok == 0)); then
		kc get nodes -o wide 2>&1 || ok=1
		kc get pods -A -o wide 2>&1 || ok=1
	fi
	local port
	for port in "$FP_S3_PORT" "$FP_ES_PORT"; do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			printf 'note: nothing listens on 127.0.0.1:%s; start hack/services.sh up for pods to reach it\n' "$port"
		fi
	done
	return "$ok"
}

cmd_build() {
	with_build_lock build_all
	log "cluster binaries and images are in $CL_HOME"
}

main() {
	(($# >= 1)) || usage
	local cmd=$1
	shift
	case "$cmd" in
	up)
		case "$*" in
		"") cmd_up false ;;
		--with-farepipe) cmd_up true ;;
		*) usage ;;
		esac
		;;
	down) (($# == 0)) || usage; cmd_down ;;
	env) (($# == 0)) || usage; print_env ;;
	status) (($# == 0)) || usage; cmd_status ;;
	build) (($# == 0)) || usage; cmd_build ;;
	import) cmd_import "$@" ;;
	smoke) (($# == 0)) || usage; exec "$CL_SRC/smoke.sh" ;;
	*) usage ;;
	esac
}

main "$@"
