#!/usr/bin/env bash
# bench-api.sh measures GET /v1/calendar on 1 000 000 observations (100
# routes × 365 departure dates) in a real Elasticsearch node, for the whole
# year of one route, one-way and round trip (see hack/benchapi):
#
#   compare  the cost of farepipe's layer: interleaved pairs, the API then
#            the very Elasticsearch requests it sent for the same
#            calendars sent straight to the node (recorded once), p50 and
#            p99 ratios at 1 and 4 clients. Goals: farepipe's p50 under
#            1.10x the bare queries', its p99 under 50 ms.
#   measure  p50, p90, p99 and max latency and requests/s at 1 and 4
#            clients with the shard request cache on and off. Goal: p99 <
#            50 ms.
#
# It runs its own set of services (services.sh with its own run directory
# and ports, 1 GiB heap), never the default set, and stops that set at the
# end if it started it. The set keeps its data across restarts (until
# services.sh reset), so only the first run loads the data (≈ 5-10 min on
# a shared 2-CPU machine) and a rerun skips loading; with
# FAREPIPE_BENCH_API_KEEP=1 the set is also left running.
#
# Standard output is the summary of compare; everything, the pairs
# included, goes to standard error as it runs.
#
# Settings: FAREPIPE_BENCH_API_MODES (compare, measure or both, default
# compare), FAREPIPE_BENCH_API_PAIRS (compare's pairs, default 5),
# FAREPIPE_BENCH_API_COMPARE_N (requests per run of compare, default 200),
# FAREPIPE_BENCH_API_N (requests per run of measure, default 2000),
# FAREPIPE_BENCH_API_CLIENTS (default 1,4), FAREPIPE_BENCH_API_CACHE
# (measure's, default on,off), FAREPIPE_BENCH_API_KEEP=1, and for the
# services FAREPIPE_BENCH_API_RUN_DIR (default
# $FAREPIPE_CACHE/bench-api-run), FAREPIPE_BENCH_API_S3_PORT (29000),
# FAREPIPE_BENCH_API_ES_PORT (29200), FAREPIPE_BENCH_API_SQS_PORT (29324),
# FAREPIPE_BENCH_API_ES_HEAP (1g).
#
# Exits 1 when an answer was wrong or a goal was missed.
set -euo pipefail

# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FP_ROOT"

services() {
	FAREPIPE_RUN_DIR="${FAREPIPE_BENCH_API_RUN_DIR:-$FP_CACHE/bench-api-run}" \
		FAREPIPE_S3_PORT="${FAREPIPE_BENCH_API_S3_PORT:-29000}" \
		FAREPIPE_ES_PORT="${FAREPIPE_BENCH_API_ES_PORT:-29200}" \
		FAREPIPE_SQS_PORT="${FAREPIPE_BENCH_API_SQS_PORT:-29324}" \
		FAREPIPE_ES_HEAP="${FAREPIPE_BENCH_API_ES_HEAP:-1g}" \
		hack/services.sh "$@"
}

work="$(mktemp -d "${TMPDIR:-/tmp}/farepipe-bench-api.XXXXXX")"
started=0
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if ((started)) && [[ "${FAREPIPE_BENCH_API_KEEP:-}" != 1 ]]; then
		services down || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

log "+ go build ./hack/benchapi"
go build -o "$work/benchapi" ./hack/benchapi

if services status >/dev/null 2>&1; then
	env_lines="$(services env)"
	log "using the bench services already running"
else
	started=1
	env_lines="$(services up)"
fi
es_url="$(sed -n 's/^export FAREPIPE_ES_URL=//p' <<<"$env_lines")"
[[ -n "$es_url" ]] || die "services.sh printed no FAREPIPE_ES_URL"

log "== load (skipped when the index already holds the data set)"
t0=$SECONDS
"$work/benchapi" load -es "$es_url" >&2
log "load step took $((SECONDS - t0))s"

rc=0
IFS=, read -r -a modes <<<"${FAREPIPE_BENCH_API_MODES:-compare}"
for mode in "${modes[@]}"; do
	case $mode in
	compare)
		log "== compare: the API against its bare queries, interleaved pairs"
		"$work/benchapi" compare -es "$es_url" -n "${FAREPIPE_BENCH_API_COMPARE_N:-200}" \
			-pairs "${FAREPIPE_BENCH_API_PAIRS:-5}" -clients "${FAREPIPE_BENCH_API_CLIENTS:-1,4}" | tee "$work/compare.txt" >&2 || rc=1
		grep -v '^compare: ' "$work/compare.txt" || true
		;;
	measure)
		log "== measure"
		"$work/benchapi" measure -es "$es_url" -n "${FAREPIPE_BENCH_API_N:-2000}" \
			-clients "${FAREPIPE_BENCH_API_CLIENTS:-1,4}" -cache "${FAREPIPE_BENCH_API_CACHE:-on,off}" >&2 || rc=1
		;;
	*) die "FAREPIPE_BENCH_API_MODES: unknown mode $mode (want compare, measure)" ;;
	esac
done
printf 'bench-api: %s, %s CPUs, %s, %s, load average now %s\n' \
	"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" "$(nproc)" "$(go env GOVERSION)" \
	"$(date -u +%Y-%m-%dT%H:%MZ)" "$(cut -d' ' -f1-3 /proc/loadavg)"
exit "$rc"
