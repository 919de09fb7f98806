#!/usr/bin/env bash
# images.sh builds the container images of the steps (fetch, land,
# transform, index) and of the farepipe CLI, without Docker or a registry:
# static binaries (CGO_ENABLED=0, -trimpath) packed by hack/imagebuild into
# OCI image tarballs, bin/images/<name>.tar, each tagged farepipe/<name>:TAG.
#
#   hack/images.sh                 # all five, tag dev
#   TAG=v1.4.0 hack/images.sh      # another tag
#   hack/images.sh fetch index     # only these
#
# Load one into a node's containerd for the kubelet:
#   ctr -n k8s.io images import bin/images/fetch.tar
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TAG="${TAG:-dev}"
REPO="${IMAGE_REPO:-farepipe}"
VERSION="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
GOARCH="${GOARCH:-$(go env GOARCH)}"
OUT="${IMAGES_DIR:-bin/images}"

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
	names=(fetch land transform index farepipe)
fi
pkgs=()
for n in "${names[@]}"; do
	case "$n" in
	fetch | land | transform | index) pkgs+=("./steps/$n") ;;
	farepipe) pkgs+=(./cmd/farepipe) ;;
	*)
		echo "images.sh: unknown image $n (want fetch, land, transform, index or farepipe)" >&2
		exit 2
		;;
	esac
done

bindir="$OUT/linux-$GOARCH"
mkdir -p "$bindir"
echo "building ${names[*]} for linux/$GOARCH" >&2
CGO_ENABLED=0 GOOS=linux GOARCH="$GOARCH" go build -trimpath \
	-ldflags "-s -w -X github.com/farepipe/farepipe/internal/version.Version=$VERSION" \
	-o "$bindir/" "${pkgs[@]}"

bins=()
for n in "${names[@]}"; do
	bins+=("$bindir/$n")
done
go run ./hack/imagebuild -out "$OUT" -repo "$REPO" -tag "$TAG" -version "$VERSION" -arch "$GOARCH" "${bins[@]}"
