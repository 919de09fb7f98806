# shellcheck shell=bash
# up.sh starts the control plane and the node, and cmd_up the whole cluster.
# Sourced by hack/cluster.sh, which sets the variables used here.

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

# cmd_up starts the cluster; with true as $1, also the farepipe stack.
cmd_up() {
	local with_farepipe=$1
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
	if $with_farepipe; then
		up_farepipe
	fi
	log "cluster up in $((SECONDS - started))s; logs in $LOGS"
	print_env
}
