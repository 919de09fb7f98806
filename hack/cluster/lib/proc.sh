# shellcheck shell=bash
# proc.sh starts, finds and stops the cluster's host processes by pid file.
# Sourced by hack/cluster.sh, which sets the variables used here.

pidfile() { printf '%s/%s.pid\n' "$PIDS" "$1"; }

# running_pid prints the pid recorded for NAME if that process is alive and
# its command line names this cluster's state directory, so a recycled pid is
# never taken for ours.
running_pid() {
	local name=$1 f pid
	f="$(pidfile "$name")"
	[[ -s "$f" ]] || return 1
	pid="$(<"$f")"
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	ps -ww -o args= -p "$pid" 2>/dev/null | grep -qF -- "$CL_STATE" || return 1
	printf '%s\n' "$pid"
}

# start NAME CMD... starts CMD in its own session unless NAME runs already.
# The command line must mention $CL_STATE (see running_pid).
start() {
	local name=$1 f
	shift
	if running_pid "$name" >/dev/null; then
		return 0
	fi
	f="$(pidfile "$name")"
	rm -f "$f"
	mkdir -p "$PIDS" "$LOGS"
	# shellcheck disable=SC2016 # $$ and $@ expand in the child shell
	setsid bash -c 'echo $$ >"$0"; exec "$@"' "$f" "$@" \
		</dev/null >>"$LOGS/$name.log" 2>&1 8>&- 9>&- &
	local _
	for _ in {1..50}; do
		[[ -s "$f" ]] && return 0
		sleep 0.1
	done
	die "could not start $name (see $LOGS/$name.log)"
}

# wait_for NAME TIMEOUT CMD... runs CMD until it succeeds while NAME lives.
wait_for() {
	local name=$1 timeout=$2 start=$SECONDS
	shift 2
	until "$@" >/dev/null 2>&1; do
		# Looked at twice: while a process is in exec, its command line
		# can read empty for a moment.
		if ! running_pid "$name" >/dev/null && ! { sleep 0.5 && running_pid "$name" >/dev/null; }; then
			log "$name exited while starting; last lines of $LOGS/$name.log:"
			tail -n 20 "$LOGS/$name.log" >&2 || true
			exit 1
		fi
		((SECONDS - start < timeout)) || die "$name not ready after ${timeout}s (see $LOGS/$name.log)"
		sleep 0.3
	done
}

# stop NAME [GRACE] sends TERM, waits up to GRACE seconds (default 20), then KILL.
stop() {
	local name=$1 grace=${2:-20} pid i
	if ! pid="$(running_pid "$name")"; then
		rm -f "$(pidfile "$name")"
		return 0
	fi
	log "$name: stopping pid $pid..."
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < grace * 5; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$(pidfile "$name")"
}
