# shellcheck shell=bash
# import.sh imports image archives into the cluster's containerd.
# Sourced by hack/cluster.sh, which sets the variables used here.

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
