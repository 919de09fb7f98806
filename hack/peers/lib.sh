# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings are used by the scripts that source this file
# shellcheck disable=SC2154 # work, metric and CORE are set by the scripts that source this file
# peers/lib.sh holds what hack/bench-peers.sh and hack/bench-peers-index.sh
# share: the pinned peers, the raw batch they all read, the timing of
# one run and the check of a goal. Source it after hack/lib.sh; it defines
# variables and functions only. The callers set work (a scratch
# directory), CORE and metric.

ORJSON_VERSION="3.13.0"
DUCKDB_VERSION="2.0.1"
ELASTICSEARCH_PY_VERSION="8.19.3" # the client of the 8.19 node of hack/services.sh
PEERS="$FP_ROOT/hack/peers"
PAIRS="${FAREPIPE_BENCH_PEERS_PAIRS:-5}" # interleaved pairs per comparison

RAW="$FP_CACHE/bench/raw-peers-synthetic-v1.ndjson"
RAW_MIN_BYTES=100000000

# peers_venv_dir NAME VERSION... prints the venv directory of a pinned set
# of PyPI packages.
peers_venv_dir() {
	local dir="$FP_CACHE/peers/venv"
	while (($# >= 2)); do
		dir+="-$1-$2"
		shift 2
	done
	echo "$dir"
}

# peers_venv DIR REQUIREMENT... makes the venv DIR with the pinned
# REQUIREMENTs (name==version) from PyPI, once: a venv whose install did
# not finish is made again.
peers_venv() {
	local dir=$1
	shift
	ensure_cmds taskset:util-linux /usr/bin/time:time python3:python3
	if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
		if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
			die "python3 cannot make a venv: install python3-venv (Debian: apt-get install python3-venv)"
		fi
		log "installing python3-venv with apt-get..."
		apt-get update -qq >&2 || die "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2 ||
			die "apt-get install python3-venv failed"
	fi
	[[ -e "$dir/.complete" ]] && return 0
	log "installing $* from PyPI into $dir (once)..."
	rm -rf "$dir"
	python3 -m venv "$dir" >&2 || die "making the venv $dir"
	"$dir/bin/python" -m pip install -q --disable-pip-version-check "$@" >&2 || die "installing $*"
	touch "$dir/.complete"
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
# $CORE when PIN is 1, standard output to OUT, and sets the globals cpu_s
# (user + sys seconds), value (cpu_s, or wall seconds when $metric is wall)
# and rss (peak, MB).
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
	cpu_s="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
	if [[ "$metric" == wall ]]; then
		value="$wall"
	else
		value="$cpu_s"
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

# goal_verdict STATS GOAL sets verdict to whether the median of STATS (as
# stats prints it) reaches GOAL (a ratio), and failed to 1 when it does not.
goal_verdict() {
	if awk -v r="${1%% *}" -v g="$2" 'BEGIN { exit !(r >= g) }'; then
		verdict="goal >= ${2}x met"
	else
		verdict="goal >= ${2}x MISSED"
		failed=1
	fi
}
