#!/usr/bin/env bash
# lint.sh checks formatting, runs go vet and staticcheck (pinned as a tool
# in go.mod).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

unformatted="$(git ls-files -z '*.go' | xargs -0 gofmt -l)"
if [[ -n "$unformatted" ]]; then
	echo "gofmt would change:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
go tool staticcheck ./...
