# shellcheck shell=bash
# build.sh builds the cluster's binaries and images into the cache.
# Sourced by hack/cluster.sh, which sets the variables used here.

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
