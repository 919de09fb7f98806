#!/usr/bin/env bash
# bench.sh measures farepipe's speed and memory against the targets in
# BENCHMARKS.md, prints a summary and exits 1 if a target is missed:
#
#   1. transform: MB/s of raw envelope lines on one core (go test -bench,
#      GOMAXPROCS=1), gzip input as fetch writes it, and plain NDJSON.
#   2. index: observations/s on one core, client side, against a fake
#      Elasticsearch that answers at once, in a process of its own
#      (GOMAXPROCS=1): the encoding side (checked observations in, bulk
#      writes out and their answers classified; the target), and the whole
#      step from a gzip curated object (reported beside it).
#   3. index against the real Elasticsearch node of services.sh (no target;
#      reported beside 2). Services this script starts are stopped at the
#      end; services already running are left running.
#   4. peak resident memory of the transform step binary on a raw object of
#      at least 1 GiB uncompressed, under /usr/bin/time -v.
#   5. transform against its peers (jq, a Python script with orjson, DuckDB)
#      on the same 115 MB of answers, interleaved, as ratios: see
#      hack/bench-peers.sh, which installs the peers into the cache.
#   6. index against its peers (a raw _bulk loader, the Python client's
#      streaming_bulk and parallel_bulk) into the same node, interleaved, as
#      ratios: hack/bench-peers-index.sh.
#   7. GET /v1/calendar against the bare Elasticsearch queries it sends, on
#      1 000 000 observations in a services set of its own, interleaved, as
#      ratios: hack/bench-api.sh (the first run loads the data set).
#   8. end to end on the services of 3: N raw objects uploaded until all
#      are searchable, N = 1, 10, 100 (FAREPIPE_BENCH_E2E_N), with farepipe
#      ingest and with the step binaries chained; a table, and a plot in
#      bin/bench/e2e.png (hack/benche2e).
#
# The machines this runs on are shared, so each go benchmark runs
# FAREPIPE_BENCH_COUNT times (default 5) and the target is checked against
# the best run of the CPU-time figure (per CPU-second of the process, which
# is what "per core" means); wall-clock figures are printed beside it.
#
# Settings: FAREPIPE_BENCH_COUNT, FAREPIPE_CACHE (the 1 GiB object is kept
# in $FAREPIPE_CACHE/bench and reused), FAREPIPE_BENCH_SKIP_ES=1 and
# FAREPIPE_BENCH_SKIP_RSS=1 and FAREPIPE_BENCH_SKIP_PEERS=1 and
# FAREPIPE_BENCH_SKIP_API=1 and FAREPIPE_BENCH_SKIP_E2E=1 to leave out 3
# (and 6 and 8), 4, 5 and 6, 7, or 8 (and the settings of
# hack/bench-peers*.sh and hack/bench-api.sh).
set -euo pipefail

# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FP_ROOT"

COUNT="${FAREPIPE_BENCH_COUNT:-5}"
BENCH_CACHE="$FP_CACHE/bench"

# Targets.
TRANSFORM_MBPS=100         # MB/s of raw JSON per core
INDEX_OBSPS=200000         # observations/s per core, client side
RSS_LIMIT_MB=200           # peak resident memory of the transform step
RAW_MIN_BYTES=$((1 << 30)) # 1 GiB uncompressed

work="$(mktemp -d "${TMPDIR:-/tmp}/farepipe-bench.XXXXXX")"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

failed=0
summary=()
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
report() { summary+=("$(printf '%-44s %s' "$1" "$2")"); }
check() { # check NAME VALUE OP TARGET UNIT
	local name=$1 value=$2 op=$3 target=$4 unit=$5 verdict
	if [[ "$value" =~ ^[0-9]+(\.[0-9]+)?$ ]] &&
		awk -v v="$value" -v t="$target" -v op="$op" 'BEGIN { exit !(op == ">=" ? v >= t : v < t) }'; then
		verdict="ok"
	else
		verdict="MISSED"
		failed=1
	fi
	report "$name" "$(printf '%s %s (target %s %s %s) %s' "$value" "$unit" "$op" "$target" "$unit" "$verdict")"
}

# metric FILE BENCH UNIT AGG prints the AGG (best or median) of the value
# given in UNIT on the result lines of benchmark BENCH in FILE.
metric() {
	local file=$1 bench=$2 unit=$3 agg=$4
	awk -v b="$bench" -v u="$unit" '
		$1 ~ "^"b"(-[0-9]+)?$" { for (i = 3; i <= NF; i++) if ($i == u) print $(i - 1) }' "$file" |
		sort -g | awk -v agg="$agg" '
			{ v[NR] = $1 }
			END {
				if (NR == 0) { print "n/a"; exit }
				if (agg == "best") print v[NR]; else print v[int((NR + 1) / 2)]
			}'
}

# comparison WHAT CMD... runs a comparison script, whose standard output
# is its summary, adds that to the summary, and a line when the script
# says a goal was missed or a check failed.
comparison() {
	local what=$1 rc=0 line
	shift
	"$@" >"$work/comparison.txt" || rc=$?
	while IFS= read -r line; do summary+=("$line"); done <"$work/comparison.txt"
	((rc == 0)) || { report "$what" "a goal MISSED or a check failed (exit $rc)"; failed=1; }
}

run_go_bench() { # run_go_bench OUT ARGS...: go test -bench, echoed and kept; a failure is reported, and the sections after it still run
	local out=$1
	shift
	log "+ $*"
	if ! "$@" | tee "$out" >&2; then
		report "go test ${*: -1}" "FAILED: $(grep -m1 -E '^\s+\S+_test\.go:[0-9]+:' "$out" | sed 's/^[[:space:]]*//' || true)"
		failed=1
	fi
}

log "== 1. transform, one core (GOMAXPROCS=1, -count $COUNT)"
run_go_bench "$work/transform.txt" env GOMAXPROCS=1 go test -run '^$' -bench . -benchmem -count "$COUNT" ./internal/transform
gz_cpu="$(metric "$work/transform.txt" BenchmarkTransformRawGzip MB/cpu-s best)"
check "transform gzip, MB/s per core (best)" "$gz_cpu" ">=" "$TRANSFORM_MBPS" MB/s
report "  median; wall-clock best / median" "$(metric "$work/transform.txt" BenchmarkTransformRawGzip MB/cpu-s median) MB/s; $(metric "$work/transform.txt" BenchmarkTransformRawGzip MB/s best) / $(metric "$work/transform.txt" BenchmarkTransformRawGzip MB/s median) MB/s"
report "transform plain NDJSON, MB/s per core (best)" "$(metric "$work/transform.txt" BenchmarkTransformRawPlain MB/cpu-s best) MB/s (wall-clock best $(metric "$work/transform.txt" BenchmarkTransformRawPlain MB/s best) MB/s)"

log "== 2. index client side against an instant fake server, one core (GOMAXPROCS=1, -count $COUNT)"
run_go_bench "$work/index.txt" env GOMAXPROCS=1 go test -run '^$' -bench 'BenchmarkIndex(Encode|InstantServer)$' -benchmem -count "$COUNT" ./internal/esindex
ix_cpu="$(metric "$work/index.txt" BenchmarkIndexEncode obs/cpu-s best)"
check "index client-side encoding, obs/s per core (best)" "${ix_cpu%.*}" ">=" "$INDEX_OBSPS" obs/s
report "  median; wall-clock best / median" "$(metric "$work/index.txt" BenchmarkIndexEncode obs/cpu-s median) obs/s; $(metric "$work/index.txt" BenchmarkIndexEncode obs/s best) / $(metric "$work/index.txt" BenchmarkIndexEncode obs/s median) obs/s"
report "index whole step from gzip, obs/s per core (best)" "$(metric "$work/index.txt" BenchmarkIndexInstantServer obs/cpu-s best) obs/s (median $(metric "$work/index.txt" BenchmarkIndexInstantServer obs/cpu-s median); wall-clock best $(metric "$work/index.txt" BenchmarkIndexInstantServer obs/s best)) (no target)"

if [[ "${FAREPIPE_BENCH_SKIP_ES:-}" != 1 ]]; then
	log "== 3. index against the real Elasticsearch node"
	if hack/services.sh status >/dev/null 2>&1; then
		env_lines="$(hack/services.sh env)" # running: no need to wait for the build lock
	else
		# Stop only what this up starts, as test.sh does.
		mapfile -t started < <(hack/services.sh stopped)
		env_lines="$(hack/services.sh up)"
		trap 'hack/services.sh down "${started[@]}"; cleanup' EXIT
	fi
	eval "$env_lines"
	run_go_bench "$work/es.txt" go test -run '^$' -bench 'BenchmarkIndexElasticsearch$' -benchtime 1x ./internal/esindex
	report "index into real Elasticsearch, obs/s" "$(metric "$work/es.txt" BenchmarkIndexElasticsearch obs/s best) obs/s, $(metric "$work/es.txt" BenchmarkIndexElasticsearch docs/s best) docs/s (no target)"
	run_go_bench "$work/steady.txt" go test -run '^$' -bench 'BenchmarkIndexSteadyState$' -benchtime 1x ./internal/esindex
	report "index a daily poll of 20,000 series with 30 polls, obs/s" "$(metric "$work/steady.txt" BenchmarkIndexSteadyState obs/s best) obs/s (no target)"
fi

if [[ "${FAREPIPE_BENCH_SKIP_RSS:-}" != 1 ]]; then
	log "== 4. transform step on a raw object of at least 1 GiB"
	ensure_cmds /usr/bin/time:time
	go build -o "$work/transform" ./steps/transform
	raw="$BENCH_CACHE/raw-1gib-synthetic-v1.ndjson.gz"
	if [[ ! -s "$raw" || ! -s "$raw.bytes" ]]; then
		# 42 routes × 300 departure dates × 8 stays ≈ 100 000 searches of
		# the synthetic provider, ≈ 1.15 GiB of envelope lines.
		log "writing $raw with the fetch step (once; ≈1-2 min)..."
		mkdir -p "$BENCH_CACHE"
		go build -o "$work/fetch" ./steps/fetch
		routes="ICN-NRT,ICN-KIX,ICN-CJU,GMP-HND,PUS-FUK,ICN-PVG,ICN-HKG,ICN-TPE,ICN-SIN,ICN-BKK,ICN-MNL,ICN-SGN"
		routes+=",NRT-HNL,HND-SFO,KIX-TPE,HKG-SIN,SIN-SYD,BKK-DXB,KUL-CGK,SYD-LAX,DXB-LHR,DOH-CDG,IST-FRA,LHR-JFK"
		routes+=",CDG-JFK,FRA-ORD,AMS-ATL,MAD-BOS,FCO-EWR,MUC-DEN,JFK-LAX,EWR-SFO,BOS-SEA,ATL-DFW,ORD-DEN,LAX-HNL"
		routes+=",SFO-YVR,SEA-ICN,YVR-NRT,HNL-SYD,KWI-LHR,DOH-BKK"
		"$work/fetch" --provider synthetic --seed 1 --observed-at 2026-11-21T06:00:00Z \
			--routes "$routes" --from 2026-11-22 --days 300 --stay 1,2,3,5,7,10,14,21 \
			--concurrency 2 --log-level warn --out "file://$raw.tmp" >/dev/null
		bytes="$(gzip -dc "$raw.tmp" | wc -c)"
		((bytes >= RAW_MIN_BYTES)) || die "$raw.tmp holds $bytes bytes uncompressed, want at least $RAW_MIN_BYTES"
		mv "$raw.tmp" "$raw"
		rm -f "$raw.tmp.meta.json"
		echo "$bytes" >"$raw.bytes"
	fi
	raw_bytes="$(<"$raw.bytes")"
	log "+ /usr/bin/time -v transform --in file://$raw ..."
	/usr/bin/time -v "$work/transform" --in "file://$raw" --curated "file://$work/curated.ndjson.gz" \
		--quarantine "file://$work/quarantine.ndjson.gz" --log-level warn >/dev/null 2>"$work/time.txt" ||
		{ cat "$work/time.txt" >&2; die "the transform step failed"; }
	grep -E 'Maximum resident|Elapsed|User time|System time|Exit status' "$work/time.txt" >&2
	rss_kb="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")"
	wall="$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$work/time.txt")"
	check "transform step, peak RSS on $((raw_bytes / 1000000)) MB raw" "$((rss_kb * 1024 / 1000000))" "<" "$RSS_LIMIT_MB" MB
	report "  wall time; compressed object" "$wall; $(($(stat -c %s "$raw") / 1000000)) MB gzip"
fi

if [[ "${FAREPIPE_BENCH_SKIP_PEERS:-}" != 1 ]]; then
	log "== 5. transform against its peers, interleaved pairs"
	comparison "transform against its peers" hack/bench-peers.sh
fi

if [[ "${FAREPIPE_BENCH_SKIP_PEERS:-}" != 1 && "${FAREPIPE_BENCH_SKIP_ES:-}" != 1 ]]; then
	log "== 6. index against its peers into the Elasticsearch node, interleaved pairs"
	if hack/services.sh status >/dev/null 2>&1; then
		comparison "index against its peers" hack/bench-peers-index.sh
	else
		report "index against its peers" "skipped: the services are not running"
	fi
fi

if [[ "${FAREPIPE_BENCH_SKIP_API:-}" != 1 ]]; then
	log "== 7. GET /v1/calendar against its bare Elasticsearch queries, interleaved pairs"
	comparison "calendar against its bare queries" hack/bench-api.sh
fi

if [[ "${FAREPIPE_BENCH_SKIP_E2E:-}" != 1 && "${FAREPIPE_BENCH_SKIP_ES:-}" != 1 ]]; then
	log "== 8. end to end: raw objects uploaded until all are searchable"
	if hack/services.sh status >/dev/null 2>&1; then
		mkdir -p bin/bench
		comparison "end to end" go run ./hack/benche2e -n "${FAREPIPE_BENCH_E2E_N:-1,10,100}" -png bin/bench/e2e.png
	else
		report "end to end" "skipped: the services are not running"
	fi
fi

printf '\nfarepipe benchmarks (%s, %s CPUs, %s, %s; load average %s at the start, %s at the end)\n' \
	"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" "$(nproc)" "$(go env GOVERSION)" \
	"$(date -u +%Y-%m-%dT%H:%MZ)" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${summary[@]}"
exit "$failed"
