#!/usr/bin/env bash
# bench-peers-index.sh measures the index step against what a user would
# run instead, into the same Elasticsearch node (the one of
# hack/services.sh, which must be running), with the same documents:
#
#   bulk      hack/peers/bulk_load.py posting prebuilt _bulk bodies back to
#             back (hack/peers/bulk_bodies.py: a create of each document,
#             FlushBytes-sized bodies, as many requests in flight as
#             farepipe's bulk workers of one index): no deduplication, no
#             reads; the node's ceiling
#   python    the official client, elasticsearch.helpers.streaming_bulk
#             (hack/peers/es_streaming_bulk.py), create-only ids
#
# Both write the very documents farepipe wrote: a first, untimed run of
# the index step is dumped from the node.
#
# Each comparison runs interleaved, farepipe then the peer, PAIRS times,
# each run into fresh indices (a prefix of its own, with farepipe's
# templates copied to it; deleted afterwards). The input is the curated
# object the transform step makes of the raw batch of bench-peers.sh
# (74 825 observations of as many new series). It prints per pair and as the
# median [min-max] the ratio of farepipe's documents/s to the peer's, and
# each side's documents/s and client CPU seconds per 100 000 observations.
#
# Settings: FAREPIPE_BENCH_PEERS_PAIRS (5), FAREPIPE_BENCH_PEERS_INDEX (the
# comparisons, comma-separated; default bulk,python),
# FAREPIPE_BENCH_PEERS_INDEX_WORKERS (requests in flight of the bulk
# loader, 2; the index step runs 2 bulk workers per index it writes, and
# writes two), FAREPIPE_CACHE.
set -euo pipefail

# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=hack/peers/lib.sh
source "$FP_ROOT/hack/peers/lib.sh"
cd "$FP_ROOT"

ONLY="${FAREPIPE_BENCH_PEERS_INDEX:-bulk,python}"
FLUSH_BYTES=$((5 << 20)) # esindex's default FlushBytes
WORKERS="${FAREPIPE_BENCH_PEERS_INDEX_WORKERS:-2}" # esindex's default bulk workers per index
CHUNK=500                # streaming_bulk's default chunk_size
VENV="$(peers_venv_dir orjson "$ORJSON_VERSION" elasticsearch "$ELASTICSEARCH_PY_VERSION")"
metric=wall

work="$(mktemp -d "${TMPDIR:-/tmp}/farepipe-bench-peers-index.XXXXXX")"
prefixes=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local p
	for p in "${prefixes[@]}"; do
		"$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" delete "$p" || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

hack/services.sh status >/dev/null 2>&1 ||
	die "the services are not running: eval \"\$(hack/services.sh up)\" first"
eval "$(hack/services.sh env)"
peers_venv "$VENV" "orjson==$ORJSON_VERSION" "elasticsearch==$ELASTICSEARCH_PY_VERSION"
make_raw
go build -o "$work/transform" ./steps/transform
go build -o "$work/index" ./steps/index
"$work/transform" --in "file://$RAW" --curated "file://$work/curated.ndjson.gz" \
	--quarantine "file://$work/quarantine.ndjson.gz" --log-level warn >/dev/null
obs="$(gzip -dc "$work/curated.ndjson.gz" | wc -l)"

run=0
# fresh prints a new index prefix (remember it in prefixes for the
# cleanup).
fresh() {
	run=$((run + 1))
	echo "fpbench-$(random_hex 3)-$run"
}

# A first, untimed run of the index step gives the documents the peers
# write (dumped from the node) and the templates their prefixes copy.
template_from="$(fresh)"
prefixes+=("$template_from")
"$work/index" --in "file://$work/curated.ndjson.gz" --index-prefix "$template_from" --es-url "$FAREPIPE_ES_URL" \
	--dead-letter "file://$work/dead.ndjson.gz" --log-level warn >/dev/null
"$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" dump "$template_from" "$work/docs.ndjson"
docs="$(wc -l <"$work/docs.ndjson")"
"$VENV/bin/python" "$PEERS/bulk_bodies.py" "$work/docs.ndjson" "$work/bodies" "$FLUSH_BYTES"
log "data: $obs observations, $docs documents, $(find "$work/bodies" -name '*.ndjson' | wc -l) bulk bodies; load average $(cut -d' ' -f1-3 /proc/loadavg)"

lines=()
IFS=, read -r -a comparisons <<<"$ONLY"
for peer in "${comparisons[@]}"; do
	log "== farepipe index vs $peer, $PAIRS pairs (fresh indices each run)"
	: >"$work/ratios"
	fp_rates=() peer_rates=() fp_cpus=() peer_cpus=()
	for ((i = 1; i <= PAIRS; i++)); do
		p="$(fresh)"
		prefixes+=("$p")
		measure farepipe 0 "$work/farepipe.out" "$work/index" --in "file://$work/curated.ndjson.gz" \
			--index-prefix "$p" --es-url "$FAREPIPE_ES_URL" --dead-letter "file://$work/dead.ndjson.gz" --log-level warn
		fp_wall=$value fp_cpu=$cpu_s
		got="$("$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" count "$p")"
		((got == docs)) || die "farepipe wrote $got documents under $p, want $docs"

		q="$(fresh)"
		prefixes+=("$q")
		"$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" clone-templates "$template_from" "$q"
		case $peer in
		bulk) cmd=("$VENV/bin/python" "$PEERS/bulk_load.py" "$FAREPIPE_ES_URL" "$q" "$work/bodies" "$WORKERS") ;;
		python) cmd=("$VENV/bin/python" "$PEERS/es_streaming_bulk.py" "$FAREPIPE_ES_URL" "$q" "$work/docs.ndjson" "$CHUNK") ;;
		*) die "unknown comparison $peer (want bulk or python)" ;;
		esac
		measure "$peer" 0 "$work/$peer.out" "${cmd[@]}"
		peer_wall=$value peer_cpu=$cpu_s
		got="$("$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" count "$q")"
		((got == docs)) || die "$peer wrote $got documents under $q, want $docs"

		"$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" delete "$p"
		"$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" delete "$q"

		fp_rate="$(awk -v d="$docs" -v t="$fp_wall" 'BEGIN { printf "%.0f", d / t }')"
		peer_rate="$(awk -v d="$docs" -v t="$peer_wall" 'BEGIN { printf "%.0f", d / t }')"
		ratio="$(awk -v f="$fp_rate" -v p="$peer_rate" 'BEGIN { printf "%.2f", f / p }')"
		echo "$ratio" >>"$work/ratios"
		fp_rates+=("$fp_rate") peer_rates+=("$peer_rate")
		fp_cpus+=("$(awk -v c="$fp_cpu" -v n="$obs" 'BEGIN { printf "%.2f", c * 100000 / n }')")
		peer_cpus+=("$(awk -v c="$peer_cpu" -v n="$obs" 'BEGIN { printf "%.2f", c * 100000 / n }')")
		log "pair $i: farepipe $fp_rate docs/s (${fp_cpus[-1]} CPU-s per 100k obs), $peer $peer_rate docs/s (${peer_cpus[-1]}): ${ratio}x"
	done
	lines+=("$(printf '%-7s %sx  farepipe %s docs/s, %s client CPU-s per 100k obs  %s %s docs/s, %s client CPU-s per 100k obs' "$peer" \
		"$(stats <"$work/ratios")" \
		"$(printf '%s\n' "${fp_rates[@]}" | median | cut -d. -f1)" "$(printf '%s\n' "${fp_cpus[@]}" | median)" \
		"$peer" "$(printf '%s\n' "${peer_rates[@]}" | median | cut -d. -f1)" "$(printf '%s\n' "${peer_cpus[@]}" | median)")")
done

printf 'index vs peers, %s observations (%s documents) into %s (%s pairs, medians; ratio = farepipe docs/s / peer docs/s, median [min-max]); %s, load %s\n' \
	"$obs" "$docs" "$FAREPIPE_ES_URL" "$PAIRS" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %s\n' "${lines[@]}"
