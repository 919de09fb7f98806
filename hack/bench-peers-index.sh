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
#   python-parallel  the same through helpers.parallel_bulk, WORKERS threads
#
# All write the very documents farepipe wrote (a first, untimed run of the
# index step is dumped from the node), and each refreshes at the end as the
# index step does.
#
# The runs are interleaved: farepipe, then each peer, PAIRS rounds, each
# run into fresh indices (a prefix of its own, with farepipe's templates
# copied to it; deleted afterwards), its document count checked. The input
# is the curated object the transform step makes of the raw batch of
# bench-peers.sh (74 825 observations of as many new series: 149 650
# documents). It prints per round and as the median [min-max] the ratio of
# farepipe's documents/s to each peer's (the same documents, so the ratio
# of the peer's wall time to farepipe's), and each side's documents/s and
# client CPU seconds (user + sys of the process) per 100 000 observations.
#
# Standard output is the summary; progress and the rounds go to standard
# error. Exit status 1 when a goal of issue 11 is missed (farepipe >= 0.9x
# the raw loader, >= 2x the Python client) or a check fails.
#
# Settings: FAREPIPE_BENCH_PEERS_PAIRS (5 rounds), FAREPIPE_BENCH_PEERS_INDEX
# (the comparisons, comma-separated; default bulk,python,python-parallel),
# FAREPIPE_BENCH_PEERS_INDEX_WORKERS (requests in flight of the bulk
# loader and threads of parallel_bulk, 2: the index step runs 2 bulk
# workers for each of the two indices it writes, one index at a time),
# FAREPIPE_CACHE.
set -euo pipefail

# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=hack/peers/lib.sh
source "$FP_ROOT/hack/peers/lib.sh"
cd "$FP_ROOT"

ONLY="${FAREPIPE_BENCH_PEERS_INDEX:-bulk,python,python-parallel}"
FLUSH_BYTES=$((5 << 20)) # esindex's default FlushBytes
WORKERS="${FAREPIPE_BENCH_PEERS_INDEX_WORKERS:-2}" # esindex's default bulk workers per index
CHUNK=500                # streaming_bulk's default chunk_size
VENV="$(peers_venv_dir orjson "$ORJSON_VERSION" elasticsearch "$ELASTICSEARCH_PY_VERSION")"
metric=wall

# Goals of issue 11: farepipe's rate at least 90 % of the raw loader's
# (the same documents, so the ratio of wall times) and twice the Python
# client's.
GOAL_BULK=0.9
GOAL_PYTHON=2

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

# fresh prints a new index prefix (remember it in prefixes for the
# cleanup).
fresh() { echo "fpbench-$(random_hex 4)"; }

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

# index_run NAME PREFIX CMD... times CMD (unpinned, wall clock and client
# CPU), adds the node's CPU seconds per 100 000 observations over the run
# to $work/NAME.node (the node's whole process: other users of the node
# count too), checks that it wrote every document under PREFIX and deletes
# them; it sets wall and cpu.
index_run() {
	local name=$1 prefix=$2 got
	shift 2
	local before
	before="$("$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" cpu)"
	measure "$name" 0 "$work/$name.out" "$@"
	wall=$value cpu=$cpu_s
	node_cpu="$(($("$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" cpu) - before))"
	awk -v c="$node_cpu" -v n="$obs" 'BEGIN { printf "%.2f\n", c / 1000 * 100000 / n }' >>"$work/$name.node"
	got="$("$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" count "$prefix")"
	((got == docs)) || die "$name wrote $got documents under $prefix, want $docs"
	"$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" delete "$prefix"
}

IFS=, read -r -a comparisons <<<"$ONLY"
for peer in "${comparisons[@]}"; do
	case $peer in
	bulk | python | python-parallel) ;;
	*) die "unknown comparison $peer (want bulk, python or python-parallel)" ;;
	esac
	: >"$work/$peer.ratios"
	: >"$work/$peer.rates"
	: >"$work/$peer.cpus"
	: >"$work/$peer.node"
done
: >"$work/farepipe.rates"
: >"$work/farepipe.cpus"
: >"$work/farepipe.node"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
log "== farepipe index, then ${comparisons[*]}, $PAIRS rounds (fresh indices each run); load average $load_start"
for ((i = 1; i <= PAIRS; i++)); do
	p="$(fresh)"
	prefixes+=("$p")
	index_run farepipe "$p" "$work/index" --in "file://$work/curated.ndjson.gz" \
		--index-prefix "$p" --es-url "$FAREPIPE_ES_URL" --dead-letter "file://$work/dead.ndjson.gz" --log-level warn
	fp_rate="$(awk -v d="$docs" -v t="$wall" 'BEGIN { printf "%.0f", d / t }')"
	echo "$fp_rate" >>"$work/farepipe.rates"
	awk -v c="$cpu" -v n="$obs" 'BEGIN { printf "%.2f\n", c * 100000 / n }' >>"$work/farepipe.cpus"
	line="round $i: farepipe $fp_rate docs/s (client $(tail -n1 "$work/farepipe.cpus"), node $(tail -n1 "$work/farepipe.node") CPU-s per 100k obs)"
	for peer in "${comparisons[@]}"; do
		q="$(fresh)"
		prefixes+=("$q")
		"$VENV/bin/python" "$PEERS/es_admin.py" "$FAREPIPE_ES_URL" clone-templates "$template_from" "$q"
		case $peer in
		bulk) cmd=("$VENV/bin/python" "$PEERS/bulk_load.py" "$FAREPIPE_ES_URL" "$q" "$work/bodies" "$WORKERS") ;;
		python) cmd=("$VENV/bin/python" "$PEERS/es_streaming_bulk.py" "$FAREPIPE_ES_URL" "$q" "$work/docs.ndjson" "$CHUNK") ;;
		python-parallel) cmd=("$VENV/bin/python" "$PEERS/es_streaming_bulk.py" "$FAREPIPE_ES_URL" "$q" "$work/docs.ndjson" "$CHUNK" "$WORKERS") ;;
		esac
		index_run "$peer" "$q" "${cmd[@]}"
		rate="$(awk -v d="$docs" -v t="$wall" 'BEGIN { printf "%.0f", d / t }')"
		echo "$rate" >>"$work/$peer.rates"
		awk -v c="$cpu" -v n="$obs" 'BEGIN { printf "%.2f\n", c * 100000 / n }' >>"$work/$peer.cpus"
		awk -v f="$fp_rate" -v p="$rate" 'BEGIN { printf "%.2f\n", f / p }' >>"$work/$peer.ratios"
		line+=", $peer $rate docs/s ($(tail -n1 "$work/$peer.cpus"), $(tail -n1 "$work/$peer.node")): $(tail -n1 "$work/$peer.ratios")x"
	done
	log "$line; load $(cut -d' ' -f1-3 /proc/loadavg)"
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

failed=0
fp_rate="$(median <"$work/farepipe.rates" | cut -d. -f1)"
fp_obs="$(awk -v r="$fp_rate" -v d="$docs" -v n="$obs" 'BEGIN { printf "%.0f", r * n / d }')"
lines=()
for peer in "${comparisons[@]}"; do
	r="$(stats <"$work/$peer.ratios")"
	case $peer in
	bulk) goal_verdict "$r" "$GOAL_BULK" ;;
	*) goal_verdict "$r" "$GOAL_PYTHON" ;;
	esac
	lines+=("$(printf '%-15s %sx  farepipe %s docs/s (%s obs/s), CPU-s per 100k obs: client %s, node %s  %s %s docs/s, client %s, node %s  %s' \
		"$peer" "$r" "$fp_rate" "$fp_obs" "$(median <"$work/farepipe.cpus")" "$(median <"$work/farepipe.node")" \
		"$peer" "$(median <"$work/$peer.rates" | cut -d. -f1)" "$(median <"$work/$peer.cpus")" "$(median <"$work/$peer.node")" "$verdict")")
done

printf 'index vs peers, %s observations (%s documents) into %s (%s rounds, medians; ratio = farepipe docs/s / peer docs/s, median [min-max]); %s, load %s -> %s\n' \
	"$obs" "$docs" "$FAREPIPE_ES_URL" "$PAIRS" "$(date -u +%Y-%m-%dT%H:%MZ)" "$load_start" "$load_end"
printf '  %s\n' "${lines[@]}"
exit "$failed"
