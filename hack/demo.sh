#!/usr/bin/env bash
# demo.sh brings up the local stack (MinIO and Elasticsearch on loopback)
# and runs the whole pipeline twice on synthetic fares, a day apart, then
# shows the fare calendar. The services stay up for you to explore; stop
# them with `hack/services.sh down`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

services_env="$(hack/services.sh up)" # a failed start ends the script here
eval "$services_env"
[[ -x bin/farepipe ]] || make build >&2

routes=${ROUTES:-ICN-NRT,ICN-KIX}
from=${FROM:-2027-01-01}
day1=${DAY1:-2026-11-21T06:00:00Z}
day2=${DAY2:-2026-11-22T06:00:00Z}

echo "== day 1: $day1"
bin/farepipe run --routes "$routes" --from "$from" --days 30 --stay 3,7 --observed-at "$day1" --log-level warn
echo
echo "== day 2: $day2 (unchanged prices are folded, not stored again)"
bin/farepipe run --routes "$routes" --from "$from" --days 30 --stay 3,7 --observed-at "$day2" --log-level warn
echo
origin=${routes%%-*}
rest=${routes#*-}
destination=${rest%%,*}
echo "== cheapest round trip per departure date, $origin-$destination"
bin/farepipe calendar --origin "$origin" --destination "$destination" --from "$from" --to "$(date -u -d "$from + 13 days" +%F)"
echo
echo "Services are still running: eval \"\$(hack/services.sh env)\" to use them, hack/services.sh down to stop."
