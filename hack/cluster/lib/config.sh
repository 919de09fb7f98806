# shellcheck shell=bash
# config.sh writes the configuration files of CNI, containerd, kubelet,
# kube-proxy and nats-server.
# Sourced by hack/cluster.sh, which sets the variables used here.

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
