# shellcheck shell=bash
# host.sh prepares the host: what was there before, the node address,
# forwarding.
# Sourced by hack/cluster.sh, which sets the variables used here.

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
