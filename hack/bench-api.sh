#!/usr/bin/env bash
# bench-api.sh measures GET /v1/calendar on 1 000 000 observations (100
# routes × 365 departure dates) in a real Elasticsearch node: p50, p90, p99
# and max latency and requests/s at 1 and 4 concurrent clients, for the
# whole year of one route, one-way and round trip, with the shard request
# cache on and off. Goal: p99 < 50 ms. See hack/benchapi.
#
# It runs its own set of services (services.sh with its own run directory
# and ports, 1 GiB heap), never the default set, and stops that set at the
# end if it started it. The set keeps its data across restarts (until
# services.sh reset), so only the first run loads the data (≈ 5-10 min on
# a shared 2-CPU machine) and a rerun skips loading; with
# FAREPIPE_BENCH_API_KEEP=1 the set is also left running.
#
# Settings: FAREPIPE_BENCH_API_N (requests per run, default 2000),
# FAREPIPE_BENCH_API_CLIENTS (default 1,4), FAREPIPE_BENCH_API_CACHE
# (default on,off), FAREPIPE_BENCH_API_KEEP=1, and for the services
# FAREPIPE_BENCH_API_RUN_DIR (default $FAREPIPE_CACHE/bench-api-run),
# FAREPIPE_BENCH_API_S3_PORT (29000), FAREPIPE_BENCH_API_ES_PORT (29200),
# FAREPIPE_BENCH_API_SQS_PORT (29324),
# FAREPIPE_BENCH_API_ES_HEAP (1g).
#
# Exits 1 when an answer was wrong or a run missed the p99 goal.
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
"$work/benchapi" load -es "$es_url"
log "load step took $((SECONDS - t0))s"

log "== measure"
rc=0
"$work/benchapi" measure -es "$es_url" -n "${FAREPIPE_BENCH_API_N:-2000}" \
	-clients "${FAREPIPE_BENCH_API_CLIENTS:-1,4}" -cache "${FAREPIPE_BENCH_API_CACHE:-on,off}" || rc=$?
printf 'bench-api: %s, %s CPUs, %s, %s, load average now %s\n' \
	"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" "$(nproc)" "$(go env GOVERSION)" \
	"$(date -u +%Y-%m-%dT%H:%MZ)" "$(cut -d' ' -f1-3 /proc/loadavg)"
exit "$rc"
