#!/usr/bin/env bash
# bench-peers.sh measures the transform step against what a user would
# write instead, on the same bytes, at the same moment: for every answer of
# a raw batch, the cheapest offer per series key.
#
#   jq        hack/peers/cheapest.jq (jq from apt)
#   python    hack/peers/cheapest.py (orjson from PyPI)
#   duckdb    hack/peers/cheapest.sql (duckdb from PyPI), threads=1
#   duckdb-all  the same query with every thread, against farepipe
#             unpinned: wall clock, not CPU time
#
# Each comparison runs interleaved, farepipe then the peer, PAIRS times.
# Per-core comparisons are pinned to one core (taskset) and compare CPU
# seconds (user + sys); /usr/bin/time gives them and the peak RSS of each
# run. It prints each pair's ratio (peer / farepipe: how many times
# farepipe is faster), then the median [min-max] and the absolute
# medians, and checks the outputs equal: the sorted tab-separated
# (key, amount) lines of each peer against those of farepipe's curated
# object (hack/peers/curated_tsv.py).
#
# The peers go to $FAREPIPE_CACHE/peers (a Python venv with pinned orjson
# and duckdb; jq with apt-get if missing), the raw batch to
# $FAREPIPE_CACHE/bench, once; later runs reuse both.
#
# Standard output is the summary (one line per comparison); progress and
# the per-pair lines go to standard error. Exit status 1 when a goal is
# missed (>= 10x jq and >= 1x DuckDB per core) or a check fails.
#
# Settings: FAREPIPE_BENCH_PEERS_PAIRS (5), FAREPIPE_BENCH_PEERS (the
# comparisons to run, comma-separated; default all four),
# FAREPIPE_BENCH_PEERS_CORE (the core to pin to, 0), FAREPIPE_CACHE.
set -euo pipefail

# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=hack/peers/lib.sh
source "$FP_ROOT/hack/peers/lib.sh"
cd "$FP_ROOT"

ONLY="${FAREPIPE_BENCH_PEERS:-jq,python,duckdb,duckdb-all}"
CORE="${FAREPIPE_BENCH_PEERS_CORE:-0}"

# Pinned peers. jq is Debian's (bookworm: 1.6); a different version is
# reported, not refused.
JQ_VERSION="jq-1.6"
VENV="$(peers_venv_dir orjson "$ORJSON_VERSION" duckdb "$DUCKDB_VERSION")"

# Goals of issue 11, per core.
GOAL_JQ=10
GOAL_DUCKDB=1

work="$(mktemp -d "${TMPDIR:-/tmp}/farepipe-bench-peers.XXXXXX")"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# peer_cmd NAME sets cmd to the command line of a peer.
peer_cmd() {
	case $1 in
	jq) cmd=(jq -r -f "$PEERS/cheapest.jq" "$RAW") ;;
	python) cmd=("$VENV/bin/python" "$PEERS/cheapest.py" "$RAW") ;;
	duckdb) cmd=("$VENV/bin/python" "$PEERS/duckdb_run.py" "$PEERS/cheapest.sql" "$RAW" 1) ;;
	duckdb-all) cmd=("$VENV/bin/python" "$PEERS/duckdb_run.py" "$PEERS/cheapest.sql" "$RAW" "$(nproc)") ;;
	*) die "unknown comparison $1 (want jq, python, duckdb or duckdb-all)" ;;
	esac
}

# check_equal PEER compares the peer's output of the first pair with
# farepipe's curated observations, as sorted (key, amount) lines.
check_equal() {
	local peer=$1
	if [[ ! -s "$work/farepipe.tsv" ]]; then
		"$VENV/bin/python" "$PEERS/curated_tsv.py" "$work/curated.ndjson.gz" | LC_ALL=C sort >"$work/farepipe.tsv"
	fi
	LC_ALL=C sort "$work/$peer.out" >"$work/$peer.tsv"
	local n
	n="$(wc -l <"$work/farepipe.tsv")"
	if cmp -s "$work/farepipe.tsv" "$work/$peer.tsv"; then
		checks+=("$peer: the same $n (key, amount) lines as farepipe's observations")
	else
		checks+=("$peer: DIFFERS from farepipe's $n observations ($(wc -l <"$work/$peer.tsv") lines; $(diff "$work/farepipe.tsv" "$work/$peer.tsv" | grep -c '^[<>]') lines differ)")
		failed=1
	fi
}

ensure_cmds jq:jq
peers_venv "$VENV" "orjson==$ORJSON_VERSION" "duckdb==$DUCKDB_VERSION"
make_raw
go build -o "$work/transform" ./steps/transform
raw_mb="$(($(stat -c %s "$RAW") / 1000000))"
jq_version="$(jq --version)"
[[ "$jq_version" == "$JQ_VERSION" ]] || log "note: jq is $jq_version, the figures in BENCHMARKS.md are of $JQ_VERSION"
log "peers: $jq_version, orjson $("$VENV/bin/python" -c 'import orjson; print(orjson.__version__)'), duckdb $("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)'), $("$VENV/bin/python" --version)"
log "data: $RAW ($raw_mb MB); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

farepipe=("$work/transform" --in "file://$RAW" --curated "file://$work/curated.ndjson.gz"
	--quarantine "file://$work/quarantine.ndjson.gz" --log-level warn)
failed=0
checks=()
lines=()
IFS=, read -r -a comparisons <<<"$ONLY"
for peer in "${comparisons[@]}"; do
	peer_cmd "$peer"
	pin=1 metric=cpu unit="CPU-s"
	if [[ "$peer" == duckdb-all ]]; then
		pin=0 metric=wall unit="s wall"
	fi
	log "== farepipe transform vs $peer, $PAIRS pairs ($([[ $pin == 1 ]] && echo "pinned to core $CORE, CPU time" || echo "unpinned, wall clock"))"
	: >"$work/ratios"
	: >"$work/fp"
	: >"$work/peer"
	fp_rss=() peer_rss=()
	for ((i = 1; i <= PAIRS; i++)); do
		measure farepipe "$pin" "$work/farepipe.out" "${farepipe[@]}"
		fp="$value" fp_rss+=("$rss")
		measure "$peer" "$pin" "$work/$peer.out" "${cmd[@]}"
		pv="$value" peer_rss+=("$rss")
		((i == 1)) && check_equal "$peer"
		ratio="$(awk -v p="$pv" -v f="$fp" 'BEGIN { printf "%.2f", p / f }')"
		echo "$ratio" >>"$work/ratios"
		echo "$fp" >>"$work/fp"
		echo "$pv" >>"$work/peer"
		log "pair $i: farepipe $fp $unit (${fp_rss[-1]} MB), $peer $pv $unit (${peer_rss[-1]} MB): ${ratio}x"
	done
	r="$(stats <"$work/ratios")"
	fp_med="$(median <"$work/fp")" peer_med="$(median <"$work/peer")"
	fp_mbps="$(awk -v b="$raw_mb" -v t="$fp_med" 'BEGIN { printf "%.0f", b / t }')"
	peer_mbps="$(awk -v b="$raw_mb" -v t="$peer_med" 'BEGIN { printf "%.0f", b / t }')"
	goal=""
	case $peer in
	jq) goal=$GOAL_JQ ;;
	duckdb) goal=$GOAL_DUCKDB ;;
	esac
	verdict=""
	if [[ -n "$goal" ]]; then
		if awk -v r="${r%% *}" -v g="$goal" 'BEGIN { exit !(r >= g) }'; then
			verdict="goal >= ${goal}x met"
		else
			verdict="goal >= ${goal}x MISSED"
			failed=1
		fi
	fi
	lines+=("$(printf '%-11s %sx  farepipe %s %s (%s MB/s, peak %s MB)  %s %s %s (%s MB/s, peak %s MB)  %s' \
		"$peer" "$r" "$fp_med" "$unit" "$fp_mbps" "$(printf '%s\n' "${fp_rss[@]}" | median | cut -d. -f1)" \
		"$peer" "$peer_med" "$unit" "$peer_mbps" "$(printf '%s\n' "${peer_rss[@]}" | median | cut -d. -f1)" "$verdict")")
done

log "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'transform vs peers on %s MB of answers (%s pairs, medians; ratio = peer / farepipe, median [min-max]); %s, %s\n' \
	"$raw_mb" "$PAIRS" "$(date -u +%Y-%m-%dT%H:%MZ)" "load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %s\n' "${lines[@]}"
printf '  check: %s\n' "${checks[@]}"
exit "$failed"
