#!/usr/bin/env bash
# services.sh runs the real backing services on loopback: MinIO for S3, a
# single Elasticsearch 8 node, and ElasticMQ for SQS. See hack/README.md.
#
#   eval "$(hack/services.sh up)"   build if needed, start, print the env
#   hack/services.sh env            print the env (export lines) only
#   hack/services.sh status         say what is running
#   hack/services.sh stopped        print the names of those not running
#   hack/services.sh down [NAME...] stop what up started (or only the named
#                                   services: minio, elasticsearch, elasticmq);
#                                   their data stays for the next up
#   hack/services.sh reset [NAME...] stop them and delete their data
#
# Data lives in the run directory ($FAREPIPE_RUN_DIR) and survives down, a
# crash and up again; only reset deletes it. Give a set that must start
# empty a run directory of its own (and ports of its own, see hack/README.md).
# Only export lines go to stdout; progress and errors go to stderr.
set -euo pipefail

# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MINIO_PID="$FP_RUN/minio.pid"
MINIO_DATA="$FP_RUN/minio-data"
ES_PID="$FP_RUN/es.pid"
ES_HOME="$FP_RUN/es-home"
ES_MAIN="org.elasticsearch.node.EsNode"
SQS_PID="$FP_RUN/sqs.pid"
SQS_CONF="$FP_RUN/elasticmq.conf"
SQS_MAIN="org.elasticmq.server.Main"

usage() {
	log "usage: $0 up|down [NAME...]|reset [NAME...]|env|status|stopped"
	exit 2
}

print_env() {
	printf 'export %s=%q\n' \
		FAREPIPE_S3_ENDPOINT "http://127.0.0.1:$FP_S3_PORT" \
		FAREPIPE_BUCKET "$FP_BUCKET" \
		FAREPIPE_ES_URL "http://127.0.0.1:$FP_ES_PORT" \
		AWS_ACCESS_KEY_ID "$FP_S3_ACCESS_KEY" \
		AWS_SECRET_ACCESS_KEY "$FP_S3_SECRET_KEY" \
		AWS_REGION "$FP_REGION" \
		FAREPIPE_SQS_ENDPOINT "http://127.0.0.1:$FP_SQS_PORT" \
		FAREPIPE_SQS_QUEUE_URL "http://127.0.0.1:$FP_SQS_PORT/$FP_SQS_ACCOUNT/$FP_SQS_QUEUE"
}

# lock_run serialises up and down on a lock file in the run directory.
lock_run() {
	mkdir -p "$FP_RUN"
	exec 9>"$FP_RUN/lock"
	if ! flock -n 9; then
		log "waiting for another services.sh in $FP_RUN..."
		flock -w 1800 9 || die "timed out waiting for $FP_RUN/lock"
	fi
}

# running_pid prints the pid from PIDFILE if that process is alive and its
# command line contains MARKER, so a recycled pid is never taken for ours.
running_pid() {
	local pidfile=$1 marker=$2 pid
	[[ -s "$pidfile" ]] || return 1
	pid="$(<"$pidfile")"
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	ps -ww -o args= -p "$pid" 2>/dev/null | grep -qF -- "$marker" || return 1
	printf '%s\n' "$pid"
}

# start_bg starts a command in its own session, detached from this script,
# and records its pid. The lock descriptors are closed in the child so that a
# long-running server never holds them.
start_bg() {
	local pidfile=$1 logfile=$2
	shift 2
	rm -f "$pidfile"
	# shellcheck disable=SC2016 # $$ and $@ expand in the child shell
	setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" \
		</dev/null >"$logfile" 2>&1 8>&- 9>&- &
	local _
	for _ in {1..50}; do
		[[ -s "$pidfile" ]] && return 0
		sleep 0.1
	done
	die "could not start $1 (see $logfile)"
}

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

require_free_port() {
	local port=$1 var=$2
	if port_in_use "$port"; then
		die "127.0.0.1:$port is in use by a process this script did not start; stop it or set $var"
	fi
}

# wait_http waits until URL answers 2xx, while the process PID lives.
wait_http() {
	local name=$1 url=$2 pid=$3 timeout=$4 logfile=$5 start=$SECONDS
	until curl -sf -o /dev/null -m 5 "$url"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "$name exited while starting; last lines of $logfile:"
			tail -n 20 "$logfile" >&2 || true
			exit 1
		fi
		((SECONDS - start < timeout)) || die "$name not ready after ${timeout}s (see $logfile)"
		sleep 0.3
	done
}

# make_bucket creates the bucket with a signed S3 CreateBucket request.
# curl signs it (SigV4, curl 7.75 or newer); MinIO needs no client of its own.
# A MinIO that restarts on its data can answer ready before it has loaded
# it, and 503 XMinioServerNotInitialized until then: that is waited out.
make_bucket() {
	local out="$FP_RUN/mkbucket.out" code tries=0
	while :; do
		code="$(curl -s -o "$out" -w '%{http_code}' -X PUT \
			--aws-sigv4 "aws:amz:$FP_REGION:s3" --user "$FP_S3_ACCESS_KEY:$FP_S3_SECRET_KEY" \
			"http://127.0.0.1:$FP_S3_PORT/$FP_BUCKET")" || die "creating bucket $FP_BUCKET: curl failed"
		[[ "$code" == 503 ]] && ((++tries < 120)) || break
		sleep 0.5
	done
	case "$code" in
	200) log "minio: created bucket $FP_BUCKET" ;;
	409) grep -q BucketAlreadyOwnedByYou "$out" || die "creating bucket $FP_BUCKET: $(cat "$out")" ;;
	403) die "creating bucket $FP_BUCKET: HTTP 403: the running MinIO has other credentials than $FP_S3_CREDENTIALS; restart it with: $0 reset && $0 up" ;;
	*) die "creating bucket $FP_BUCKET: HTTP $code: $(cat "$out")" ;;
	esac
}

up_minio() {
	local pid
	if pid="$(running_pid "$MINIO_PID" "$MINIO_BIN")"; then
		log "minio: already running (pid $pid)"
	else
		require_free_port "$FP_S3_PORT" FAREPIPE_S3_PORT
		require_free_port "$((FP_S3_PORT + 1))" FAREPIPE_S3_PORT
		mkdir -p "$MINIO_DATA"
		log "minio: starting on 127.0.0.1:$FP_S3_PORT..."
		start_bg "$MINIO_PID" "$FP_RUN/minio.log" env \
			MINIO_ROOT_USER="$FP_S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$FP_S3_SECRET_KEY" \
			MINIO_BROWSER=off MINIO_UPDATE=off \
			"$MINIO_BIN" server \
			--address "127.0.0.1:$FP_S3_PORT" \
			--console-address "127.0.0.1:$((FP_S3_PORT + 1))" \
			"$MINIO_DATA"
		pid="$(<"$MINIO_PID")"
	fi
	wait_http minio "http://127.0.0.1:$FP_S3_PORT/minio/health/ready" "$pid" 60 "$FP_RUN/minio.log"
	make_bucket
}

up_es() {
	local pid
	if pid="$(running_pid "$ES_PID" "$ES_MAIN $ES_HOME")"; then
		log "elasticsearch: already running (pid $pid)"
	else
		require_free_port "$FP_ES_PORT" FAREPIPE_ES_PORT
		require_free_port "$FP_ES_TRANSPORT_PORT" "FAREPIPE_ES_PORT (transport uses port+100)"
		mkdir -p "$ES_HOME/tmp"
		log "elasticsearch: starting $ES_VERSION on 127.0.0.1:$FP_ES_PORT (≈10-30s)..."
		# The class path names the launcher's compiled directory itself, not
		# the classes link, which a later build may point elsewhere.
		start_bg "$ES_PID" "$FP_RUN/es.log" java \
			"-Xms$FP_ES_HEAP" "-Xmx$FP_ES_HEAP" -XX:MaxDirectMemorySize=256m \
			-XX:+ExitOnOutOfMemoryError \
			-Djava.io.tmpdir="$ES_HOME/tmp" \
			-Dlog4j2.disable.jmx=true -Dlog4j.shutdownHookEnabled=false \
			-Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
			-Dio.netty.recycler.maxCapacityPerThread=0 \
			-cp "$ES_DIR/$(readlink "$ES_DIR/classes"):$ES_DIR/lib/*" \
			"$ES_MAIN" "$ES_HOME" "$FP_ES_PORT" "$FP_ES_TRANSPORT_PORT"
		pid="$(<"$ES_PID")"
	fi
	wait_http elasticsearch "http://127.0.0.1:$FP_ES_PORT/_cluster/health?wait_for_status=yellow&timeout=5s" \
		"$pid" 180 "$FP_RUN/es.log"
}

# up_sqs starts ElasticMQ with the queue farepipe-raw-created. Queue URLs
# name the host a request was sent to, so a pod reaching the server at the
# node address is given URLs at that address.
up_sqs() {
	local pid
	if pid="$(running_pid "$SQS_PID" "config.file=$SQS_CONF")"; then
		log "elasticmq: already running (pid $pid)"
	else
		require_free_port "$FP_SQS_PORT" FAREPIPE_SQS_PORT
		cat >"$SQS_CONF" <<EOF
include classpath("application.conf")
node-address { protocol = "http", host = "*", port = $FP_SQS_PORT, context-path = "" }
rest-sqs { enabled = true, bind-port = $FP_SQS_PORT, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
aws { region = "$FP_REGION", accountId = "$FP_SQS_ACCOUNT" }
queues { $FP_SQS_QUEUE {} }
EOF
		log "elasticmq: starting $ELASTICMQ_VERSION on 127.0.0.1:$FP_SQS_PORT..."
		start_bg "$SQS_PID" "$FP_RUN/sqs.log" java -Xmx96m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
			"-Dconfig.file=$SQS_CONF" -cp "$ELASTICMQ_DIR/lib/*" "$SQS_MAIN"
		pid="$(<"$SQS_PID")"
	fi
	wait_http elasticmq "http://127.0.0.1:$FP_SQS_PORT/?Action=GetQueueUrl&QueueName=$FP_SQS_QUEUE" \
		"$pid" 60 "$FP_RUN/sqs.log"
}

# stop ends the process recorded in PIDFILE: TERM, up to 30 s, then KILL.
stop() {
	local name=$1 pidfile=$2 marker=$3 pid _
	if ! pid="$(running_pid "$pidfile" "$marker")"; then
		log "$name: not running"
		rm -f "$pidfile"
		return 0
	fi
	log "$name: stopping pid $pid..."
	kill -TERM "$pid" 2>/dev/null || true
	for _ in {1..150}; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "$name: still running after 30s; killing pid $pid"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$pidfile"
}

show() {
	local name=$1 pidfile=$2 marker=$3 url=$4 pid rss
	if pid="$(running_pid "$pidfile" "$marker")"; then
		rss="$(ps -o rss= -p "$pid" | tr -d ' ')"
		printf '%-14s running  pid %-8s %s  rss %s MiB\n' "$name" "$pid" "$url" "$((${rss:-0} / 1024))"
		return 0
	fi
	printf '%-14s stopped\n' "$name"
	return 1
}

cmd_up() {
	lock_run
	built_all || with_build_lock build_all
	# The launcher's class directory of this source, in case the build was
	# skipped.
	ln -sfn "classes-$(sha256sum "$ES_NODE_SRC" | cut -c1-12)" "$ES_DIR/classes"
	up_minio
	up_es
	up_sqs
	log "services up; logs in $FP_RUN"
	print_env
}

SERVICES=(minio elasticsearch elasticmq)

# service NAME sets what down, reset, status and stopped need of one of
# SERVICES: its pid file, the marker its command line holds (see
# running_pid), its URL and its data (removed by reset).
service() {
	case "$1" in
	minio) SVC_PID=$MINIO_PID SVC_MARKER=$MINIO_BIN SVC_URL="http://127.0.0.1:$FP_S3_PORT" SVC_DATA=$MINIO_DATA ;;
	elasticsearch) SVC_PID=$ES_PID SVC_MARKER="$ES_MAIN $ES_HOME" SVC_URL="http://127.0.0.1:$FP_ES_PORT" SVC_DATA=$ES_HOME ;;
	elasticmq) SVC_PID=$SQS_PID SVC_MARKER="config.file=$SQS_CONF" SVC_URL="http://127.0.0.1:$FP_SQS_PORT" SVC_DATA=$SQS_CONF ;;
	*) die "unknown service $1 (${SERVICES[*]})" ;;
	esac
}

# cmd_down stops the named services (all without names); with --reset it
# also deletes their data.
cmd_down() {
	local wipe=false name
	if [[ "${1:-}" == --reset ]]; then
		wipe=true
		shift
	fi
	local names=("$@")
	((${#names[@]} > 0)) || names=("${SERVICES[@]}")
	for name in "${names[@]}"; do
		service "$name" # an unknown name stops nothing
	done
	lock_run
	for name in "${names[@]}"; do
		service "$name"
		stop "$name" "$SVC_PID" "$SVC_MARKER"
		if $wipe; then
			rm -rf "$SVC_DATA"
			log "$name: data deleted"
		fi
	done
}

# stopped_services prints the names of the services not running.
stopped_services() {
	local name
	for name in "${SERVICES[@]}"; do
		service "$name"
		running_pid "$SVC_PID" "$SVC_MARKER" >/dev/null || echo "$name"
	done
}

cmd_status() {
	local ok=0 name
	for name in "${SERVICES[@]}"; do
		service "$name"
		show "$name" "$SVC_PID" "$SVC_MARKER" "$SVC_URL" || ok=1
	done
	return "$ok"
}

main() {
	[[ $# -ge 1 ]] || usage
	local cmd=$1
	shift
	[[ "$cmd" == down || "$cmd" == reset || $# -eq 0 ]] || usage
	load_s3_credentials
	case "$cmd" in
	up) cmd_up ;;
	down) cmd_down "$@" ;;
	reset) cmd_down --reset "$@" ;;
	env) print_env ;;
	status) cmd_status ;;
	stopped) stopped_services ;;
	*) usage ;;
	esac
}

main "$@"
