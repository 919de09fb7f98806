# shellcheck shell=bash
# farepipe.sh puts the farepipe stack on the running cluster, for
# cmd_up --with-farepipe: the step and API images, the local overlay,
# the services of hack/services.sh with MinIO's webhook target, the S3
# Secret and the bucket notifications. Sourced by hack/cluster.sh, which
# sets the variables used here.

# up_farepipe leaves a playground README's commands work on. The overlay
# is $FAREPIPE_OVERLAY (default deploy/overlays/local, which expects the
# services on the default ports; make e2e passes e2e/overlay).
up_farepipe() {
	local overlay="${FAREPIPE_OVERLAY:-$FP_ROOT/deploy/overlays/local}" ip="" env_lines
	log "building the farepipe images..."
	(cd "$FP_ROOT" && hack/images.sh) >&2 || die "building the farepipe images failed"
	import_images "$FP_ROOT"/bin/images/{fetch,land,transform,index,farepipe}.tar
	log "applying $overlay..."
	apply -k "$overlay"
	for _ in {1..120}; do
		ip="$(kc -n "$NS" get svc farepipe-webhook-eventsource-svc -o jsonpath='{.spec.clusterIP}' 2>/dev/null || true)"
		[[ -n "$ip" ]] && break
		sleep 1
	done
	[[ -n "$ip" ]] || die "the farepipe-webhook EventSource has no Service (kubectl -n $NS get eventsource farepipe-webhook -o yaml)"

	# MinIO reads its notification targets when it starts: services.sh
	# starts it with the webhook target FAREPIPE set. A MinIO already
	# running keeps the targets it started with (see hack/README.md).
	env_lines="$(MINIO_NOTIFY_WEBHOOK_ENABLE_FAREPIPE=on MINIO_NOTIFY_WEBHOOK_ENDPOINT_FAREPIPE="http://$ip:12000/raw" \
		"$FP_ROOT/hack/services.sh" up)" || die "hack/services.sh up failed"
	eval "$env_lines"
	kc -n "$NS" create secret generic farepipe-s3 \
		--from-literal=access-key-id="$AWS_ACCESS_KEY_ID" --from-literal=secret-access-key="$AWS_SECRET_ACCESS_KEY" \
		--dry-run=client -o yaml | kc apply -f - >/dev/null || die "creating Secret farepipe-s3 failed"
	(cd "$FP_ROOT" && go run ./hack/notify -endpoint "$FAREPIPE_S3_ENDPOINT" -bucket "$FAREPIPE_BUCKET") ||
		die "setting the bucket notifications failed; if MinIO on port $FP_S3_PORT was started without the webhook target, stop it (hack/services.sh down minio) and run this again"
	log "waiting for the farepipe deployments..."
	kc -n "$NS" wait --for=condition=Available deployment --all --timeout=180s >/dev/null ||
		die "a deployment in $NS is not Available (kubectl -n $NS get deployments,pods)"
}

# path_dir prints a directory that holds argo and kubectl (links), for PATH.
path_dir() {
	local d="$CL_HOME/path"
	mkdir -p "$d"
	ln -sfn "$WF_BIN/argo" "$d/argo"
	ln -sfn "$KUBECTL" "$d/kubectl"
	printf '%s\n' "$d"
}
