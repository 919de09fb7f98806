#!/usr/bin/env bash
# cluster.sh runs a real single-node Kubernetes with Argo Workflows and Argo
# Events on this machine, without Docker, a registry or the internet: etcd,
# the Kubernetes control plane, containerd and kubelet as host processes, the
# Argo controllers as pods, every address on loopback or a /32 alias on lo.
# See hack/README.md.
#
#   eval "$(hack/cluster.sh up)"       build if needed, start, print the env
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
ARGO_WF_VERSION="v3.7.18"
ARGO_EVENTS_VERSION="v1.9.11"
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
	log "usage: $0 up|down|env|status|build|smoke|import IMAGE.tar..."
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

# ---------------------------------------------------------------- building

# go_build builds PACKAGE of the build module in MODDIR to OUT; the rest of
# the arguments go to go build before the package.
go_build() {
	local moddir=$1 out=$2 pkg=$3
	shift 3
	(cd "$moddir" && go build -trimpath "$@" -o "$out" "$pkg") || die "building $pkg failed"
}

# publish moves a finished temporary build directory to its cache name and
# deletes the builds of the same version made from other pins.
publish() {
	local tmp=$1 dest=$2 old
	rm -rf "$dest"
	mv "$tmp" "$dest"
	for old in "${dest%-*}"-*; do
		[[ "$old" != "$dest" && -d "$old" ]] && rm -rf "$old"
	done
	return 0
}

build_k8s() {
	local c stale=0
	for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
		[[ -x "$K8S_BIN/$c" ]] || stale=1
	done
	[[ "$KUBECTL" != "$K8S_BIN/kubectl" || -x "$KUBECTL" ]] || stale=1
	((stale)) || return 0
	local started=$SECONDS tmp minor="${K8S_VERSION#v1.}"
	minor="${minor%%.*}"
	log "building Kubernetes $K8S_VERSION (first run, ≈2-10 min)..."
	mkdir -p "$CL_HOME/bin"
	tmp="$(mktemp -d "$CL_HOME/bin/.k8s.XXXXXX")"
	local ld="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION"
	ld+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
	ld+=" -X k8s.io/component-base/version.gitTreeState=clean"
	local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)
	[[ "$KUBECTL" == "$K8S_BIN/kubectl" ]] && cmds+=(kubectl)
	for c in "${cmds[@]}"; do
		go_build "$CL_SRC/build/kubernetes" "$tmp/$c" "k8s.io/kubernetes/cmd/$c" -ldflags "$ld"
	done
	publish "$tmp" "$K8S_BIN"
	log "built Kubernetes in $((SECONDS - started))s: $K8S_BIN"
}

build_etcd() {
	[[ -x "$ETCD_BIN/etcd" ]] && return 0
	local started=$SECONDS tmp
	log "building etcd $ETCD_VERSION (first run, ≈1-3 min)..."
	mkdir -p "$CL_HOME/bin"
	tmp="$(mktemp -d "$CL_HOME/bin/.etcd.XXXXXX")"
	go_build "$CL_SRC/build/etcd" "$tmp/etcd" go.etcd.io/etcd/server/v3 -ldflags "-s -w"
	publish "$tmp" "$ETCD_BIN"
	log "built etcd in $((SECONDS - started))s: $ETCD_BIN"
}

# patched_workflows_src prints a directory holding a copy of the Argo
# Workflows module with what its module zip lacks restored:
# workflow/executor/osspecific/signal_linux.go (a git symlink to
# signal_darwin.go, which module zips drop, so argoexec does not compile) and
# ui/dist/app (the UI build, which the argo CLI embeds; a placeholder page).
patched_workflows_src() {
	local dest="$CL_HOME/src/argo-workflows-$ARGO_WF_VERSION" orig tmp
	if [[ ! -f "$dest/.farepipe-patched" ]]; then
		orig="$(cd "$CL_SRC/build/workflows" && go mod download -json github.com/argoproj/argo-workflows/v3 |
			sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
		[[ -d "$orig" ]] || die "cannot find the argo-workflows module directory"
		mkdir -p "$CL_HOME/src"
		tmp="$(mktemp -d "$CL_HOME/src/.argo-workflows.XXXXXX")"
		cp -a "$orig/." "$tmp/"
		chmod -R u+w "$tmp"
		cp "$tmp/workflow/executor/osspecific/signal_darwin.go" "$tmp/workflow/executor/osspecific/signal_linux.go"
		mkdir -p "$tmp/ui/dist/app"
		printf '<!doctype html><title>Argo</title><p>The UI is not built in this copy.</p>\n' >"$tmp/ui/dist/app/index.html"
		touch "$tmp/.farepipe-patched"
		publish "$tmp" "$dest"
	fi
	printf '%s\n' "$dest"
}

build_workflows() {
	[[ -x "$WF_BIN/argoexec" && -x "$WF_BIN/workflow-controller" && -x "$WF_BIN/argo" && -d "$WF_BIN/manifests" ]] && return 0
	local started=$SECONDS tmp src c
	log "building Argo Workflows $ARGO_WF_VERSION (first run, ≈4-10 min)..."
	src="$(patched_workflows_src)"
	mkdir -p "$CL_HOME/bin"
	tmp="$(mktemp -d "$CL_HOME/bin/.argo-workflows.XXXXXX")"
	# A copy of the build module's go.mod that replaces the module with the
	# patched copy; the committed go.mod stays free of machine paths.
	cp "$CL_SRC/build/workflows/go.mod" "$tmp/build.mod"
	cp "$CL_SRC/build/workflows/go.sum" "$tmp/build.sum"
	go mod edit -modfile="$tmp/build.mod" -replace="github.com/argoproj/argo-workflows/v3=$src"
	local ld="-s -w -X github.com/argoproj/argo-workflows/v3.version=$ARGO_WF_VERSION"
	for c in workflow-controller argoexec argo; do
		CGO_ENABLED=0 go_build "$CL_SRC/build/workflows" "$tmp/$c" "github.com/argoproj/argo-workflows/v3/cmd/$c" \
			-modfile="$tmp/build.mod" -ldflags "$ld"
	done
	rm -f "$tmp/build.mod" "$tmp/build.sum"
	cp -a "$src/manifests" "$tmp/manifests"
	publish "$tmp" "$WF_BIN"
	log "built Argo Workflows in $((SECONDS - started))s: $WF_BIN"
}

build_events() {
	[[ -x "$EVENTS_BIN/argo-events" && -d "$EVENTS_BIN/manifests" ]] && return 0
	local started=$SECONDS tmp moddir
	log "building Argo Events $ARGO_EVENTS_VERSION (first run, ≈10-15 min)..."
	mkdir -p "$CL_HOME/bin"
	tmp="$(mktemp -d "$CL_HOME/bin/.argo-events.XXXXXX")"
	# timetzdata embeds the time zone database (calendar event sources).
	CGO_ENABLED=0 go_build "$CL_SRC/build/events" "$tmp/argo-events" github.com/argoproj/argo-events/cmd \
		-tags timetzdata -ldflags "-s -w -X github.com/argoproj/argo-events.version=$ARGO_EVENTS_VERSION"
	moddir="$(cd "$CL_SRC/build/events" && go list -m -f '{{.Dir}}' github.com/argoproj/argo-events)"
	cp -a "$moddir/manifests" "$tmp/manifests"
	chmod -R u+w "$tmp/manifests"
	publish "$tmp" "$EVENTS_BIN"
	log "built Argo Events in $((SECONDS - started))s: $EVENTS_BIN"
}

build_tools() {
	if [[ ! -x "$IMGTOOL" ]]; then
		log "building imgtool..."
		mkdir -p "$(dirname "$IMGTOOL")"
		go_build "$CL_SRC/build/imgtool" "$IMGTOOL.tmp" . && mv "$IMGTOOL.tmp" "$IMGTOOL"
	fi
	if [[ ! -x "$PAUSE_BIN" ]]; then
		log "building pause..."
		mkdir -p "$(dirname "$PAUSE_BIN")"
		gcc -static -O2 -s -o "$PAUSE_BIN.tmp" "$CL_SRC/pause/pause.c" || die "building pause failed (needs gcc and libc6-dev)"
		mv "$PAUSE_BIN.tmp" "$PAUSE_BIN"
	fi
}

# image_tar prints the cache path of the archive for an image made from DIR.
image_tar() {
	local name=$1 dir=$2
	printf '%s/%s-%s.tar\n' "$IMAGES" "$name" "$(basename "$dir")"
}

# make_image NAME REF DIR IMGTOOL-ARGS... writes the image archive once.
make_image() {
	local name=$1 ref=$2 dir=$3 out
	shift 3
	out="$(image_tar "$name" "$dir")"
	[[ -s "$out" ]] && return 0
	log "writing image $ref..."
	mkdir -p "$IMAGES"
	"$IMGTOOL" -o "$out" -name "$ref" "$@" || die "writing image $ref failed"
}

CERTS=/etc/ssl/certs/ca-certificates.crt

busybox_key() {
	printf 'busybox-%s\n' "$(modkey "$(command -v busybox)")"
}

build_images() {
	make_image pause "$PAUSE_IMAGE" "$(dirname "$PAUSE_BIN")" \
		-entrypoint /pause "$PAUSE_BIN=/pause"
	make_image busybox "$BUSYBOX_IMAGE" "$(busybox_key)" \
		-entrypoint /bin/sh "$(command -v busybox)=/bin/busybox" "$(command -v busybox)=/bin/sh" /tmp/
	make_image argoexec "$EXECUTOR_IMAGE" "$WF_BIN" \
		-entrypoint argoexec "$WF_BIN/argoexec=/bin/argoexec" "$CERTS=$CERTS" /tmp/
	make_image workflow-controller "$WF_CONTROLLER_IMAGE" "$WF_BIN" -user 8737 \
		-entrypoint workflow-controller "$WF_BIN/workflow-controller=/bin/workflow-controller" "$CERTS=$CERTS" /tmp/
	# The sensor's argoWorkflow trigger runs the argo CLI, as upstream's image has it.
	make_image argo-events "$EVENTS_IMAGE" "$EVENTS_BIN" \
		-entrypoint /bin/argo-events "$EVENTS_BIN/argo-events=/bin/argo-events" \
		"$WF_BIN/argo=/usr/local/bin/argo" "$CERTS=$CERTS" /tmp/
}

build_all() {
	ensure_cmds containerd:containerd runc:runc containerd-shim-runc-v2:containerd \
		iptables:iptables conntrack:conntrack socat:socat nats-server:nats-server \
		ip:iproute2 openssl:openssl gcc:gcc curl:curl ps:procps findmnt:util-linux
	[[ -x /usr/lib/cni/bridge ]] || ensure_cmds __no_cni__:containernetworking-plugins
	ensure_cmds busybox:busybox-static
	[[ "$(ldd "$(command -v busybox)" 2>&1 || true)" == *"not a dynamic"* ]] ||
		die "$(command -v busybox) is not static; install busybox-static"
	need go "install Go (see hack/cluster/build/*/go.mod for the versions)"
	build_tools
	build_k8s
	build_etcd
	build_workflows
	build_events
	build_images
}

# ---------------------------------------------------------------- processes

pidfile() { printf '%s/%s.pid\n' "$PIDS" "$1"; }

# running_pid prints the pid recorded for NAME if that process is alive and
# its command line names this cluster's state directory, so a recycled pid is
# never taken for ours.
running_pid() {
	local name=$1 f pid
	f="$(pidfile "$name")"
	[[ -s "$f" ]] || return 1
	pid="$(<"$f")"
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	ps -ww -o args= -p "$pid" 2>/dev/null | grep -qF -- "$CL_STATE" || return 1
	printf '%s\n' "$pid"
}

# start NAME CMD... starts CMD in its own session unless NAME runs already.
# The command line must mention $CL_STATE (see running_pid).
start() {
	local name=$1 f
	shift
	if running_pid "$name" >/dev/null; then
		return 0
	fi
	f="$(pidfile "$name")"
	rm -f "$f"
	mkdir -p "$PIDS" "$LOGS"
	# shellcheck disable=SC2016 # $$ and $@ expand in the child shell
	setsid bash -c 'echo $$ >"$0"; exec "$@"' "$f" "$@" \
		</dev/null >>"$LOGS/$name.log" 2>&1 8>&- 9>&- &
	local _
	for _ in {1..50}; do
		[[ -s "$f" ]] && return 0
		sleep 0.1
	done
	die "could not start $name (see $LOGS/$name.log)"
}

# wait_for NAME TIMEOUT CMD... runs CMD until it succeeds while NAME lives.
wait_for() {
	local name=$1 timeout=$2 start=$SECONDS
	shift 2
	until "$@" >/dev/null 2>&1; do
		# Looked at twice: while a process is in exec, its command line
		# can read empty for a moment.
		if ! running_pid "$name" >/dev/null && ! { sleep 0.5 && running_pid "$name" >/dev/null; }; then
			log "$name exited while starting; last lines of $LOGS/$name.log:"
			tail -n 20 "$LOGS/$name.log" >&2 || true
			exit 1
		fi
		((SECONDS - start < timeout)) || die "$name not ready after ${timeout}s (see $LOGS/$name.log)"
		sleep 0.3
	done
}

# stop NAME [GRACE] sends TERM, waits up to GRACE seconds (default 20), then KILL.
stop() {
	local name=$1 grace=${2:-20} pid i
	if ! pid="$(running_pid "$name")"; then
		rm -f "$(pidfile "$name")"
		return 0
	fi
	log "$name: stopping pid $pid..."
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < grace * 5; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$(pidfile "$name")"
}

# ---------------------------------------------------------------- host setup

# record_preexisting notes, once per state directory, which outside paths and
# settings were there before this cluster, so down restores exactly those.
record_preexisting() {
	[[ -f "$CL_STATE/preexisting" ]] && return 0
	mkdir -p "$CL_STATE"
	local p
	{
		for p in "${EXTERNAL_PATHS[@]}"; do
			[[ -e "$p" ]] && printf 'path %s\n' "$p"
		done
		printf 'sysctl net.ipv4.ip_forward %s\n' "$(sysctl -n net.ipv4.ip_forward)"
		if [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then
			printf 'sysctl net.bridge.bridge-nf-call-iptables %s\n' "$(sysctl -n net.bridge.bridge-nf-call-iptables)"
		else
			printf 'sysctl net.bridge.bridge-nf-call-iptables 0\n'
		fi
		ip -4 addr show dev lo | grep -qF " $NODE_IP/" && printf 'alias %s\n' "$NODE_IP"
	} >"$CL_STATE/preexisting.tmp"
	mv "$CL_STATE/preexisting.tmp" "$CL_STATE/preexisting"
}

net_up() {
	if ! ip -4 addr show dev lo | grep -qF " $NODE_IP/"; then
		ip addr add "$NODE_IP/32" dev lo || die "adding $NODE_IP/32 to lo failed"
	fi
	modprobe br_netfilter 2>/dev/null || true
	sysctl -qw net.ipv4.ip_forward=1 || die "cannot enable net.ipv4.ip_forward"
	sysctl -qw net.bridge.bridge-nf-call-iptables=1 ||
		die "cannot set net.bridge.bridge-nf-call-iptables (is the br_netfilter module available?)"
}

# ---------------------------------------------------------------- PKI

# sign NAME SUBJECT EXTENSIONS makes an EC key and a certificate signed by the CA.
sign() {
	local name=$1 subj=$2 ext=$3
	openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
	openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
	printf '%s\n' "$ext" >"$PKI/$name.ext"
	openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
		-set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 \
		-extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null || die "signing $name failed"
	rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

client_ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

server_ext() {
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$1"
}

# kubeconfig NAME USER writes NAME.kubeconfig for the certificate USER.
kubeconfig() {
	local name=$1 user=$2 out
	out="$CL_STATE/$name.kubeconfig"
	[[ "$name" == admin ]] && out="$KUBECONFIG_ADMIN"
	cat >"$out" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: farepipe
  cluster:
    server: https://$NODE_IP:$API_PORT
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$user.crt")
    client-key-data: $(base64 -w0 <"$PKI/$user.key")
contexts:
- name: farepipe
  context:
    cluster: farepipe
    user: $name
    namespace: $NS
current-context: farepipe
EOF
	chmod 600 "$out"
}

pki_up() {
	[[ -f "$PKI/done" ]] && return 0
	rm -rf "$PKI"
	mkdir -p "$PKI"
	chmod 700 "$PKI"
	openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=farepipe-local-ca" -days 3650 -sha256 \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
		-out "$PKI/ca.crt" 2>/dev/null || die "making the CA failed"
	sign apiserver "/CN=kube-apiserver" "$(server_ext "IP:$NODE_IP,IP:$SVC_API_IP,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local")"
	sign kubelet-serving "/CN=$NODE_NAME" "$(server_ext "IP:$NODE_IP,DNS:$NODE_NAME")"
	sign nats "/CN=nats" "$(server_ext "IP:$NODE_IP")"
	sign admin "/O=system:masters/CN=farepipe-admin" "$client_ext"
	sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client_ext"
	sign controller-manager "/CN=system:kube-controller-manager" "$client_ext"
	sign scheduler "/CN=system:kube-scheduler" "$client_ext"
	sign kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "$client_ext"
	sign kube-proxy "/CN=system:kube-proxy" "$client_ext"
	openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key" 2>/dev/null
	openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
	kubeconfig admin admin
	kubeconfig controller-manager controller-manager
	kubeconfig scheduler scheduler
	kubeconfig kubelet kubelet
	kubeconfig kube-proxy kube-proxy
	touch "$PKI/done"
}

# ---------------------------------------------------------------- configs

# put FILE writes standard input to FILE unless FILE holds exactly that
# already: kube-proxy exits when its configuration file changes, so a second
# up must leave the files of a running cluster alone.
put() {
	cat >"$1.tmp"
	if cmp -s "$1.tmp" "$1"; then
		rm -f "$1.tmp"
	else
		mv "$1.tmp" "$1"
	fi
}

write_configs() {
	local cfg="$CL_STATE/config"
	mkdir -p "$cfg" "$CL_STATE/cni/net.d" "$CL_STATE/containerd" "$CL_STATE/pod-logs" "$CL_STATE/nats"
	put "$CL_STATE/cni/net.d/10-farepipe.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "farepipe",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$CL_STATE/cni/networks",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
	# restrict_oom_score_adj: this VM denies CAP_SYS_RESOURCE, so runc
	# cannot lower the sandbox's oom_score_adj and would fail every pod.
	put "$cfg/containerd.toml" <<EOF
version = 2
root = "$CL_STATE/containerd/root"
state = "$CL_STATE/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "$CTRD_SOCK"

[ttrpc]
  address = "$CL_STATE/containerd/containerd.sock.ttrpc"

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$CL_STATE/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CL_STATE/cni/net.d"
EOF
	put "$cfg/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI/ca.crt
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$CTRD_SOCK
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
# Images come from archives, never from a registry: nothing may be collected.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: "1%"
  nodefs.inodesFree: "1%"
  imagefs.available: "1%"
serializeImagePulls: false
resolvConf: /etc/resolv.conf
podLogsDirectory: $CL_STATE/pod-logs
clusterDomain: cluster.local
maxPods: 110
EOF
	# localhostNodePorts off and conntrack left alone: kube-proxy changes no
	# sysctl, and node ports answer on the node address only.
	put "$cfg/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $CL_STATE/kube-proxy.kubeconfig
mode: iptables
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["$NODE_IP/32"]
iptables:
  localhostNodePorts: false
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
	put "$cfg/nats.conf" <<EOF
listen: "$NODE_IP:$NATS_PORT"
server_name: "farepipe"
jetstream {
  store_dir: "$CL_STATE/nats"
  max_memory_store: 67108864
  max_file_store: 1073741824
}
tls {
  cert_file: "$PKI/nats.crt"
  key_file: "$PKI/nats.key"
}
EOF
}

# ---------------------------------------------------------------- control plane

api_ready() {
	curl -sf -m 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
		"https://$NODE_IP:$API_PORT/readyz" >/dev/null
}

up_etcd() {
	start etcd "$ETCD_BIN/etcd" --name farepipe --data-dir "$CL_STATE/etcd" \
		--listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
		--listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
		--initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
		--initial-cluster "farepipe=http://127.0.0.1:$((ETCD_PORT + 1))" \
		--unsafe-no-fsync --log-level warn
	wait_for etcd 60 curl -sf -m 2 "http://127.0.0.1:$ETCD_PORT/health"
}

up_apiserver() {
	start kube-apiserver "$K8S_BIN/kube-apiserver" \
		--etcd-servers="http://127.0.0.1:$ETCD_PORT" \
		--bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port="$API_PORT" \
		--service-cluster-ip-range="$SVC_CIDR" \
		--tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
		--client-ca-file="$PKI/ca.crt" \
		--kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
		--kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
		--kubelet-certificate-authority="$PKI/ca.crt" \
		--kubelet-preferred-address-types=InternalIP,Hostname \
		--service-account-issuer=https://kubernetes.default.svc.cluster.local \
		--service-account-key-file="$PKI/sa.pub" \
		--service-account-signing-key-file="$PKI/sa.key" \
		--authorization-mode=Node,RBAC \
		--enable-admission-plugins=NodeRestriction \
		--allow-privileged=true --profiling=false --event-ttl=1h
	wait_for kube-apiserver 120 api_ready
}

up_controllers() {
	start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
		--kubeconfig="$CL_STATE/controller-manager.kubeconfig" \
		--authentication-kubeconfig="$CL_STATE/controller-manager.kubeconfig" \
		--authorization-kubeconfig="$CL_STATE/controller-manager.kubeconfig" \
		--bind-address=127.0.0.1 --leader-elect=false --profiling=false \
		--root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
		--use-service-account-credentials=true \
		--cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key"
	start kube-scheduler "$K8S_BIN/kube-scheduler" \
		--kubeconfig="$CL_STATE/scheduler.kubeconfig" \
		--authentication-kubeconfig="$CL_STATE/scheduler.kubeconfig" \
		--authorization-kubeconfig="$CL_STATE/scheduler.kubeconfig" \
		--bind-address=127.0.0.1 --leader-elect=false --profiling=false
}

# ---------------------------------------------------------------- node

up_containerd() {
	start containerd containerd --config "$CL_STATE/config/containerd.toml"
	wait_for containerd 60 ctr --address "$CTRD_SOCK" version
}

# import_images imports archives into containerd's k8s.io namespace (the
# one the kubelet uses), skipping images already there.
import_images() {
	local tar ref have
	have="$(ctr_k8s images ls -q)"
	for tar in "$@"; do
		ref="$(image_ref "$tar")"
		if [[ -n "$ref" ]] && grep -qxF -- "$ref" <<<"$have"; then
			continue
		fi
		log "importing $(basename "$tar")${ref:+ ($ref)}..."
		ctr_k8s images import "$tar" >&2 || die "importing $tar failed"
	done
}

# image_ref prints the containerd image name an archive of ours carries, or
# nothing for other archives (those are always imported).
image_ref() {
	case "$(basename "$1")" in
	pause-*) printf '%s\n' "$PAUSE_IMAGE" ;;
	busybox-*) printf '%s\n' "$BUSYBOX_IMAGE" ;;
	argoexec-*) printf '%s\n' "$EXECUTOR_IMAGE" ;;
	workflow-controller-*) printf '%s\n' "$WF_CONTROLLER_IMAGE" ;;
	argo-events-*) printf '%s\n' "$EVENTS_IMAGE" ;;
	esac
}

up_node() {
	start kubelet "$K8S_BIN/kubelet" --config="$CL_STATE/config/kubelet.yaml" \
		--kubeconfig="$CL_STATE/kubelet.kubeconfig" --root-dir="$CL_STATE/kubelet" \
		--hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
	start kube-proxy "$K8S_BIN/kube-proxy" --config="$CL_STATE/config/kube-proxy.yaml"
}

node_ready() {
	[[ "$(kc get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

# ---------------------------------------------------------------- Argo

# write_manifests writes the kustomizations that install the Argo
# controllers from the manifests shipped in their modules, with the changes
# a registry-less node needs (pull policies, the executor image).
write_manifests() {
	local m="$CL_STATE/manifests" wf ev
	mkdir -p "$m/workflows" "$m/events"
	# kustomize takes bases by relative path only.
	wf="$(realpath -m --relative-to="$m/workflows" "$WF_BIN/manifests")"
	ev="$(realpath -m --relative-to="$m/events" "$EVENTS_BIN/manifests")"
	cp "$CL_SRC/manifests/executor-rbac.yaml" "$m/workflows/"
	cat >"$m/workflows/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: $NS
resources:
  - $wf/base/crds/minimal
  - $wf/base/workflow-controller
  - $wf/namespace-install/workflow-controller-rbac
  - executor-rbac.yaml
images:
  - name: quay.io/argoproj/workflow-controller
    newTag: $ARGO_WF_VERSION
patches:
  - target:
      kind: ConfigMap
      name: workflow-controller-configmap
    patch: |-
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: workflow-controller-configmap
      data:
        executor: |
          imagePullPolicy: IfNotPresent
        images: |
          $EXECUTOR_IMAGE:
            entrypoint: [argoexec]
  - target:
      kind: Deployment
      name: workflow-controller
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: workflow-controller
      spec:
        template:
          spec:
            containers:
              - name: workflow-controller
                imagePullPolicy: IfNotPresent
                args:
                  - --namespaced
                  - --managed-namespace=$NS
                  - --executor-image=$EXECUTOR_IMAGE
                  - --executor-image-pull-policy=IfNotPresent
                env:
                  - name: LEADER_ELECTION_DISABLE
                    value: "true"
                  - name: DEFAULT_REQUEUE_TIME
                    value: 1s
EOF
	cat >"$m/events/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $ev/cluster-install
patches:
  - target:
      kind: Deployment
      name: controller-manager
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/imagePullPolicy
        value: IfNotPresent
      - op: add
        path: /spec/template/spec/containers/0/env/-
        value:
          name: IMAGE_PULL_POLICY
          value: IfNotPresent
EOF
	cat >"$m/eventbus.yaml" <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: eventbus-ca
  namespace: $NS
stringData:
  ca.crt: |
$(sed 's/^/    /' "$PKI/ca.crt")
---
# The host's nats-server (JetStream, TLS) as the event bus of namespace $NS.
apiVersion: argoproj.io/v1alpha1
kind: EventBus
metadata:
  name: default
  namespace: $NS
spec:
  jetstreamExotic:
    url: nats://$NODE_IP:$NATS_PORT
    tls:
      caCertSecret:
        name: eventbus-ca
        key: ca.crt
    streamConfig: |
      maxMsgs: 100000
      maxAge: 24h
      maxBytes: -1
      replicas: 1
      duplicates: 300s
EOF
}

apply() {
	kc apply --server-side --force-conflicts "$@" >"$LOGS/apply.log" 2>&1 || {
		tail -n 20 "$LOGS/apply.log" >&2
		die "kubectl apply $* failed"
	}
}

up_argo() {
	write_manifests
	apply -f "$CL_SRC/manifests/namespaces.yaml"
	apply -k "$CL_STATE/manifests/workflows"
	apply -k "$CL_STATE/manifests/events"
	kc wait --for condition=established --timeout=60s crd/eventbus.argoproj.io >/dev/null
	apply -f "$CL_STATE/manifests/eventbus.yaml"
}

up_nats() {
	start nats-server nats-server -c "$CL_STATE/config/nats.conf"
	wait_for nats-server 30 bash -c "exec 3<>/dev/tcp/$NODE_IP/$NATS_PORT"
}

# up_proxies lets pods reach the host's MinIO, Elasticsearch and ElasticMQ
# (from hack/services.sh, on 127.0.0.1) at the node address.
up_proxies() {
	local port
	for port in "${FORWARDED_PORTS[@]}"; do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			log "note: nothing listens on 127.0.0.1:$port yet; pods reach it once hack/services.sh up runs"
		fi
		# -lp names the state directory on the command line (see running_pid).
		start "proxy-$port" socat -lp "proxy:$CL_STATE" \
			"TCP-LISTEN:$port,bind=$NODE_IP,reuseaddr,fork" "TCP:127.0.0.1:$port"
	done
}

wait_rollouts() {
	local start=$SECONDS d
	for d in "$NS/workflow-controller" "$EVENTS_NS/controller-manager"; do
		kc -n "${d%%/*}" rollout status "deployment/${d#*/}" --timeout=180s >/dev/null ||
			die "deployment $d did not become ready (kubectl -n ${d%%/*} describe deployment ${d#*/})"
	done
	kc -n "$NS" wait --for=jsonpath='{.status.conditions[?(@.type=="Deployed")].status}'=True \
		--timeout=60s eventbus/default >/dev/null || log "warning: eventbus/default is not Deployed yet"
}

cmd_up() {
	need_root up
	lock_cluster
	local started=$SECONDS
	with_build_lock build_all
	log "starting the cluster in $CL_STATE..."
	record_preexisting
	net_up
	pki_up
	write_configs
	up_etcd
	up_apiserver
	up_containerd
	import_images "$(image_tar pause "$(dirname "$PAUSE_BIN")")" "$(image_tar busybox "$(busybox_key)")" \
		"$(image_tar argoexec "$WF_BIN")" "$(image_tar workflow-controller "$WF_BIN")" \
		"$(image_tar argo-events "$EVENTS_BIN")"
	up_controllers
	up_node
	up_nats
	up_proxies
	up_argo
	local t=$SECONDS
	until node_ready; do
		((SECONDS - t < 120)) || die "node $NODE_NAME not Ready after 120s (see $LOGS/kubelet.log)"
		running_pid kubelet >/dev/null || die "kubelet exited (see $LOGS/kubelet.log)"
		sleep 0.5
	done
	wait_rollouts
	log "cluster up in $((SECONDS - started))s; logs in $LOGS"
	print_env
}

# ---------------------------------------------------------------- down

kill_pods() {
	local procs
	# Every container process lives in the kubelet's kubepods cgroup.
	procs="$(cat /sys/fs/cgroup/pids/kubepods/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/cgroup.procs \
		/sys/fs/cgroup/pids/kubepods/*/*/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/*/*/cgroup.procs \
		/sys/fs/cgroup/pids/kubepods/*/*/*/*/cgroup.procs 2>/dev/null || true)"
	if [[ -z "$procs" ]] && [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
		procs="$(find /sys/fs/cgroup/kubepods.slice /sys/fs/cgroup/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null || true)"
	fi
	if [[ -n "$procs" ]]; then
		log "killing $(wc -w <<<"$procs") container processes..."
		# shellcheck disable=SC2086 # one pid per word
		kill -KILL $procs 2>/dev/null || true
	fi
}

kill_shims() {
	local pid
	for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $CTRD_SOCK" || true); do
		kill -KILL "$pid" 2>/dev/null || true
	done
}

unmount_all() {
	local m
	# Deepest first: kubelet volumes, container root file systems, netns.
	while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "warning: cannot unmount $m"
	done < <(findmnt -rn -o TARGET | grep -E "^($CL_STATE/|/run/containerd/|/run/netns/cni-)" | sort -r)
}

preexisting() {
	grep -qxF -- "$1" "$CL_STATE/preexisting" 2>/dev/null
}

net_down() {
	local t rules
	for t in iptables ip6tables; do
		command -v "$t-save" >/dev/null || continue
		rules="$("$t-save" 2>/dev/null || true)"
		[[ "$rules" == *KUBE-* || "$rules" == *CNI-* ]] || continue
		# Everything else is restored as it was.
		grep -vE -- '(^:(KUBE-|CNI-))|(-A (KUBE-|CNI-))|(-j (KUBE-|CNI-))' <<<"$rules" | "$t-restore" ||
			log "warning: could not remove the $t chains KUBE-*/CNI-*"
	done
	ip link show cni0 >/dev/null 2>&1 && ip link delete cni0
	if ! preexisting "alias $NODE_IP" && ip -4 addr show dev lo | grep -qF " $NODE_IP/"; then
		ip addr del "$NODE_IP/32" dev lo || true
	fi
	local key value
	while read -r _ key value; do
		sysctl -qw "$key=$value" 2>/dev/null || true
	done < <(grep '^sysctl ' "$CL_STATE/preexisting" 2>/dev/null || true)
}

remove_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods.slice; do
		if [[ -d "$d" ]]; then
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
		fi
	done
}

remove_external() {
	local p l
	for p in "${EXTERNAL_PATHS[@]}"; do
		[[ -e "$p" ]] || continue
		# Another containerd (ours is stopped by now) may share these.
		if [[ "$p" == */containerd ]] && pgrep -x containerd >/dev/null; then
			log "note: another containerd runs; leaving $p"
			continue
		fi
		if preexisting "path $p"; then
			case "$p" in
			/var/log/containers)
				# Links the kubelet made into this cluster's pod logs.
				for l in "$p"/*; do
					[[ -L "$l" && "$(readlink "$l")" == "$CL_STATE/"* ]] && rm -f "$l"
				done
				;;
			/run/netns) rm -f "$p"/cni-* ;;
			esac
			continue
		fi
		rm -rf "$p"
	done
}

cmd_down() {
	need_root down
	lock_cluster
	if [[ ! -d "$CL_STATE" ]]; then
		log "cluster: not running (no $CL_STATE)"
		return 0
	fi
	local name
	for name in "${FORWARDED_PORTS[@]/#/proxy-}" nats-server kubelet kube-proxy; do
		stop "$name" 10
	done
	kill_pods
	stop containerd 10
	kill_shims
	# The API server takes ≈60 s to exit on TERM; its data goes anyway.
	for name in kube-scheduler kube-controller-manager kube-apiserver; do
		stop "$name" 3
	done
	stop etcd 10
	sleep 0.5
	unmount_all
	net_down
	remove_cgroups
	remove_external
	rm -rf "$CL_STATE"
	log "cluster down"
}

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

# archive_names prints the image names an OCI archive carries: its index's
# io.containerd.image.name annotations, or else its
# org.opencontainers.image.ref.name ones. It prints "docker-archive" for a
# docker-save archive (ctr normalizes their RepoTags itself).
archive_names() {
	local tar=$1 index key names
	index="$(tar -xOf "$tar" index.json 2>/dev/null || tar -xOf "$tar" ./index.json 2>/dev/null || true)"
	if [[ -n "$index" ]]; then
		for key in io.containerd.image.name org.opencontainers.image.ref.name; do
			names="$(grep -oE "\"${key//./\\.}\"[[:space:]]*:[[:space:]]*\"[^\"]*\"" <<<"$index" |
				sed -E 's/.*:[[:space:]]*"([^"]*)"$/\1/' || true)"
			if [[ -n "$names" ]]; then
				printf '%s\n' "$names"
				return 0
			fi
		done
		return 0
	fi
	tar -tf "$tar" 2>/dev/null | grep -qxE '(\./)?manifest\.json' || return 1
	printf 'docker-archive\n'
}

# check_archive refuses an OCI archive whose image names containerd's CRI
# would not find: the CRI looks images up by normalized name
# (docker.io/library/x:tag), and a short name such as farepipe/x:tag that
# ctr stores as given even breaks the CRI's image cache until containerd
# restarts.
check_archive() {
	local tar=$1 names name first
	names="$(archive_names "$tar")" || die "$tar is neither an OCI image layout nor a docker-save archive"
	[[ -n "$names" ]] || die "$tar names no image"
	while read -r name; do
		[[ "$name" == docker-archive ]] && continue
		first="${name%%/*}"
		if [[ -z "$name" || "$name" != */* || ("$first" != *.* && "$first" != *:* && "$first" != localhost) ]]; then
			die "$tar: image name '${name:-<none>}' is not a full reference; name it e.g. docker.io/farepipe/step:dev or localhost/farepipe/step:dev (annotation io.containerd.image.name or org.opencontainers.image.ref.name in index.json)"
		fi
	done <<<"$names"
}

cmd_import() {
	need_root import
	(($# > 0)) || usage
	running_pid containerd >/dev/null || die "the cluster is not up (hack/cluster.sh up)"
	local tar
	for tar in "$@"; do
		[[ -f "$tar" ]] || die "$tar: no such file"
		check_archive "$tar"
	done
	lock_cluster
	for tar in "$@"; do
		log "importing $tar..."
		ctr_k8s images import "$tar" >&2 || die "importing $tar failed"
	done
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
	up) (($# == 0)) || usage; cmd_up ;;
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
