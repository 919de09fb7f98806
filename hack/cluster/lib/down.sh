# shellcheck shell=bash
# down.sh stops the cluster and undoes what up did on the host.
# Sourced by hack/cluster.sh, which sets the variables used here.

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
	local name f
	# Every forwarder an up started, also on ports other than this
	# environment's (hack/e2e.sh forwards its own).
	for f in "$PIDS"/proxy-*.pid; do
		if [[ -e "$f" ]]; then
			stop "$(basename "$f" .pid)" 10
		fi
	done
	for name in nats-server kubelet kube-proxy; do
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
