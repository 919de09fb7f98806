# shellcheck shell=bash
# pki.sh makes the cluster's CA, certificates and kubeconfigs.
# Sourced by hack/cluster.sh, which sets the variables used here.

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
