#!/usr/bin/env bash
# build-services.sh builds MinIO and fetches Elasticsearch and ElasticMQ into the cache
# directory without starting anything, so CI or a fresh machine can pay the
# first-run cost up front. services.sh up does the same steps when needed.
set -euo pipefail

# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

with_build_lock build_all
log "cache: $FP_CACHE"
