#!/usr/bin/env bash
# test.sh runs every test: the unit tests and the integration tests against
# the real MinIO, Elasticsearch node and ElasticMQ that services.sh builds
# (first run only) and starts on loopback. Services this script started are
# stopped again at the end; services that were already running are left
# running. The web page's test drives a real headless Chromium through
# chromedriver, and the alerting rules' tests run promtool; all three are
# installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/lib.sh
source hack/lib.sh

ensure_cmds chromium:chromium chromedriver:chromium-driver promtool:prometheus

# The services up is about to start, and so this script is to stop.
mapfile -t started < <(hack/services.sh stopped)
env_lines="$(hack/services.sh up)"
if ((${#started[@]} > 0)); then
	trap 'hack/services.sh down "${started[@]}"' EXIT
fi
eval "$env_lines"

go test -count=1 "$@" ./...
# The index benchmarks that need no real node run once, so a change that
# breaks them (or the instant server they run against) shows here, not at
# the next make bench.
go test -count=1 -run '^$' -bench 'InstantServer|Encode' -benchtime 1x ./internal/esindex
