#!/usr/bin/env bash
# test.sh runs every test: the unit tests and the integration tests against
# a real MinIO and a real Elasticsearch node that services.sh builds (first
# run only) and starts on loopback. Services this script started are
# stopped again at the end; services that were already running are left
# running. The web page's test drives a real headless Chromium through
# chromedriver; both are installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/lib.sh
source hack/lib.sh

ensure_cmds chromium:chromium chromedriver:chromium-driver

started=false
if ! hack/services.sh status >/dev/null 2>&1; then
	started=true
fi
env_lines="$(hack/services.sh up)"
if $started; then
	trap 'hack/services.sh down' EXIT
fi
eval "$env_lines"

go test -count=1 "$@" ./...
