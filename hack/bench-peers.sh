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
cd "$FP_ROOT"

PAIRS="${FAREPIPE_BENCH_PEERS_PAIRS:-5}"
ONLY="${FAREPIPE_BENCH_PEERS:-jq,python,duckdb,duckdb-all}"
CORE="${FAREPIPE_BENCH_PEERS_CORE:-0}"

# Pinned peers. jq is Debian's (bookworm: 1.6); a different version is
# reported, not refused.
JQ_VERSION="jq-1.6"
ORJSON_VERSION="3.13.0"
DUCKDB_VERSION="2.0.1"
VENV="$FP_CACHE/peers/venv-orjson-$ORJSON_VERSION-duckdb-$DUCKDB_VERSION"
PEERS="$FP_ROOT/hack/peers"

RAW="$FP_CACHE/bench/raw-peers-synthetic-v1.ndjson"
RAW_MIN_BYTES=100000000

# Goals of issue 11, per core.
GOAL_JQ=10
GOAL_DUCKDB=1

work="$(mktemp -d "${TMPDIR:-/tmp}/farepipe-bench-peers.XXXXXX")"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

install_peers() {
	ensure_cmds jq:jq taskset:util-linux /usr/bin/time:time python3:python3
	if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
		if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
			die "python3 cannot make a venv: install python3-venv (Debian: apt-get install python3-venv)"
		fi
		log "installing python3-venv with apt-get..."
		apt-get update -qq >&2 || die "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2 ||
			die "apt-get install python3-venv failed"
	fi
	if [[ ! -e "$VENV/.complete" ]]; then
		log "installing orjson $ORJSON_VERSION and duckdb $DUCKDB_VERSION from PyPI into $VENV (once)..."
		rm -rf "$VENV"
		python3 -m venv "$VENV" >&2 || die "making the venv $VENV"
		"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
			"orjson==$ORJSON_VERSION" "duckdb==$DUCKDB_VERSION" >&2 ||
			die "installing orjson==$ORJSON_VERSION duckdb==$DUCKDB_VERSION"
		touch "$VENV/.complete"
	fi
}

# make_raw writes the raw batch once with the fetch step (synthetic
# provider): 42 routes (KRW, JPY, USD, EUR, GBP and KWD fares) × 50
# departure dates, one way and 3, 7, 14 and 21-day round trips: 10 500
# answers, ≈ 115 MB of envelope lines, kept plain so that every program
# reads the same bytes.
make_raw() {
	[[ -s "$RAW" ]] && return 0
	log "writing $RAW with the fetch step (once; ≈ 5 s)..."
	mkdir -p "$(dirname "$RAW")"
	go build -o "$work/fetch" ./steps/fetch
	local routes
	routes="ICN-NRT,ICN-KIX,ICN-CJU,GMP-HND,PUS-FUK,ICN-PVG,ICN-HKG,ICN-TPE,ICN-SIN,ICN-BKK,ICN-MNL,ICN-SGN"
	routes+=",NRT-HNL,HND-SFO,KIX-TPE,HKG-SIN,SIN-SYD,BKK-DXB,KUL-CGK,SYD-LAX,DXB-LHR,DOH-CDG,IST-FRA,LHR-JFK"
	routes+=",CDG-JFK,FRA-ORD,AMS-ATL,MAD-BOS,FCO-EWR,MUC-DEN,JFK-LAX,EWR-SFO,BOS-SEA,ATL-DFW,ORD-DEN,LAX-HNL"
	routes+=",SFO-YVR,SEA-ICN,YVR-NRT,HNL-SYD,KWI-LHR,DOH-BKK"
	local common=(--provider synthetic --seed 1 --observed-at 2026-11-21T06:00:00Z --routes "$routes"
		--from 2026-11-22 --days 50 --concurrency 2 --log-level warn)
	"$work/fetch" "${common[@]}" --out "file://$work/one-way.ndjson.gz" >/dev/null
	"$work/fetch" "${common[@]}" --stay 3,7,14,21 --out "file://$work/round-trip.ndjson.gz" >/dev/null
	gzip -dc "$work/one-way.ndjson.gz" "$work/round-trip.ndjson.gz" >"$RAW.tmp"
	local bytes
	bytes="$(stat -c %s "$RAW.tmp")"
	((bytes >= RAW_MIN_BYTES)) || die "$RAW.tmp holds $bytes bytes, want at least $RAW_MIN_BYTES"
	mv "$RAW.tmp" "$RAW"
}

# measure NAME PIN OUT CMD... runs CMD under /usr/bin/time, pinned to
# $CORE when PIN is 1, standard output to OUT, and sets the globals value
# (user + sys seconds, or wall seconds when $metric is wall) and rss
# (peak, MB).
measure() {
	local name=$1 pin=$2 out=$3
	shift 3
	local pre=()
	[[ "$pin" == 1 ]] && pre=(taskset -c "$CORE")
	if ! /usr/bin/time -f '%U %S %e %M' -o "$work/time" "${pre[@]}" "$@" >"$out" 2>"$work/stderr"; then
		tail -n 20 "$work/stderr" >&2
		die "$name failed: $*"
	fi
	local user sys wall kb
	read -r user sys wall kb <"$work/time"
	if [[ "$metric" == wall ]]; then
		value="$wall"
	else
		value="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
	fi
	rss="$(((kb + 512) / 1024))"
}

# stats prints the median [min-max] of the numbers on standard input.
stats() {
	sort -g | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.2f [%.2f-%.2f]", m, v[1], v[NR] }'
}

# median prints the median of the numbers on standard input.
median() { stats | cut -d' ' -f1; }

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

install_peers
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
