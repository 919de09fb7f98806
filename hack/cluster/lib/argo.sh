# shellcheck shell=bash
# argo.sh installs Argo Workflows and Argo Events and lets pods reach
# the host's services.
# Sourced by hack/cluster.sh, which sets the variables used here.

# write_manifests copies the kustomizations of hack/cluster/argo, which
# install the Argo controllers from the manifests shipped in their modules
# with the changes a registry-less node needs (local/: pull policies, the
# executor image), and writes the EventBus on the host's nats-server.
write_manifests() {
	local m="$CL_STATE/manifests"
	mkdir -p "$m"
	argo_manifests "$m/argo" "$WF_BIN/manifests" "$EVENTS_BIN/manifests"
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
	apply -f "$CL_SRC/argo/namespaces.yaml"
	apply -k "$CL_STATE/manifests/argo/local/workflows"
	apply -k "$CL_STATE/manifests/argo/local/events"
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
	local d
	for d in "$NS/workflow-controller" "$EVENTS_NS/controller-manager"; do
		kc -n "${d%%/*}" rollout status "deployment/${d#*/}" --timeout=180s >/dev/null ||
			die "deployment $d did not become ready (kubectl -n ${d%%/*} describe deployment ${d#*/})"
	done
	kc -n "$NS" wait --for=jsonpath='{.status.conditions[?(@.type=="Deployed")].status}'=True \
		--timeout=60s eventbus/default >/dev/null || log "warning: eventbus/default is not Deployed yet"
}
