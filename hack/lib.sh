# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings are used by the scripts that source this file
# lib.sh holds the settings and build steps shared by the scripts here
# (services.sh, build-services.sh, cluster.sh, kind.sh, ...). Source it; it
# defines variables and functions only.
#
# Everything built or downloaded goes to the cache directory, outside the
# repository, keyed by version, so a second run reuses it.

FP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

FP_CACHE="${FAREPIPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/farepipe}"
FP_RUN="${FAREPIPE_RUN_DIR:-$FP_CACHE/run}"

FP_S3_PORT="${FAREPIPE_S3_PORT:-19000}"
FP_ES_PORT="${FAREPIPE_ES_PORT:-19200}"
FP_ES_TRANSPORT_PORT=$((FP_ES_PORT + 100))
FP_ES_HEAP="${FAREPIPE_ES_HEAP:-512m}"
FP_SQS_PORT="${FAREPIPE_SQS_PORT:-19324}"
FP_SQS_QUEUE="farepipe-raw-created"
FP_SQS_ACCOUNT="000000000000"
FP_BUCKET="${FAREPIPE_BUCKET:-farepipe}"
FP_REGION="us-east-1"

# The root credentials of the loopback MinIO are made at random for each
# run directory by load_s3_credentials; none is written in the repository.
FP_S3_CREDENTIALS="$FP_RUN/s3-credentials"
FP_S3_ACCESS_KEY=""
FP_S3_SECRET_KEY=""

# Pinned versions. MinIO is AGPL: it is built and run as a separate binary,
# never imported. Elasticsearch comes from Maven Central as jars.
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
ES_VERSION="8.19.21"
ELASTICMQ_VERSION="1.6.11"
# Argo, for cluster.sh (built from its Go modules, hack/cluster/build) and
# kind.sh (its released manifests and images).
ARGO_WF_VERSION="v3.7.18"
ARGO_EVENTS_VERSION="v1.9.11"
MVN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

MINIO_BIN="$FP_CACHE/bin/minio-$MINIO_VERSION/minio"
ES_DIR="$FP_CACHE/elasticsearch-$ES_VERSION"
ES_NODE_SRC="$FP_ROOT/hack/esnode/EsNode.java"
ELASTICMQ_DIR="$FP_CACHE/elasticmq-$ELASTICMQ_VERSION"

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# argo_manifests DEST WF EVENTS copies the kustomizations of
# hack/cluster/argo (shared by cluster.sh and kind.sh) to DEST and links
# their bases to the manifests/ directories WF and EVENTS of the pinned Argo
# modules: kustomize reads a module's manifests through the link, so no
# kustomization names a machine path. It refuses YAML that names another
# version than $ARGO_WF_VERSION.
argo_manifests() {
	local dest=$1 wf=$2 ev=$3 stray
	stray="$(grep -rhoE 'v[0-9]+\.[0-9]+\.[0-9]+' "$FP_ROOT/hack/cluster/argo" | sort -u | grep -vxF "$ARGO_WF_VERSION" || true)"
	[[ -z "$stray" ]] || die "hack/cluster/argo names ${stray//$'\n'/, }; the Argo Workflows version built is $ARGO_WF_VERSION"
	rm -rf "$dest"
	mkdir -p "$(dirname "$dest")"
	cp -r "$FP_ROOT/hack/cluster/argo" "$dest"
	ln -s "$wf" "$dest/workflows/upstream"
	ln -s "$ev" "$dest/events/upstream"
}

# with_build_lock runs its arguments while holding the cache's build lock, so
# two scripts never build into the cache at the same time.
with_build_lock() {
	mkdir -p "$FP_CACHE"
	(
		flock -w 1800 8 || die "timed out waiting for $FP_CACHE/build.lock"
		"$@"
	) 8>"$FP_CACHE/build.lock"
}

# load_s3_credentials sets FP_S3_ACCESS_KEY and FP_S3_SECRET_KEY from
# $FP_S3_CREDENTIALS, making them at random (mode 600) the first time. The
# file is never replaced once it exists, so every script using the run
# directory, and the MinIO it started, agree on them.
load_s3_credentials() {
	if [[ ! -s "$FP_S3_CREDENTIALS" ]]; then
		mkdir -p "$FP_RUN"
		local tmp="$FP_S3_CREDENTIALS.$$"
		(
			umask 077
			printf 'farepipe-%s %s\n' "$(random_hex 4)" "$(random_hex 20)" >"$tmp"
		)
		mv -n "$tmp" "$FP_S3_CREDENTIALS" # another script may have made it meanwhile: keep that one
		rm -f "$tmp"
	fi
	read -r FP_S3_ACCESS_KEY FP_S3_SECRET_KEY <"$FP_S3_CREDENTIALS" ||
		die "reading $FP_S3_CREDENTIALS"
	[[ -n "$FP_S3_ACCESS_KEY" && -n "$FP_S3_SECRET_KEY" ]] ||
		die "$FP_S3_CREDENTIALS does not hold an access key and a secret key; delete it and run again"
}

# random_hex prints N random bytes as hex.
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

need() {
	command -v "$1" >/dev/null 2>&1 || die "$1 is required: $2"
}

# ensure_cmds installs the Debian packages of missing commands, given as
# command:package pairs, when it can (root with apt-get); otherwise it says
# what to install. A fresh machine has only Go, git and make.
ensure_cmds() {
	local pair missing=()
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
	done
	((${#missing[@]} == 0)) && return 0
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
		log "installing ${missing[*]} with apt-get..."
		apt-get update -qq >&2 || die "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
			die "apt-get install ${missing[*]} failed"
	else
		die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]})"
	fi
}

build_minio() {
	[[ -x "$MINIO_BIN" ]] && return 0
	need go "install Go (see go.mod for the version)"
	local started=$SECONDS tmp
	log "building minio $MINIO_VERSION (first run, ≈5-9 min)..."
	mkdir -p "$FP_CACHE/bin"
	tmp="$(mktemp -d "$FP_CACHE/bin/.minio-build.XXXXXX")"
	GOBIN="$tmp" go install "github.com/minio/minio@$MINIO_VERSION" ||
		{ rm -rf "$tmp"; die "building minio failed"; }
	mkdir -p "$(dirname "$MINIO_BIN")"
	mv "$tmp/minio" "$MINIO_BIN"
	rm -rf "$tmp"
	log "built minio in $((SECONDS - started))s: $MINIO_BIN"
}

# es_dependencies prints the Maven dependencies that are the node's class
# path: the server, its HTTP transport, and the test framework for the class
# that loads plugins from the class path. The framework's own dependencies
# (JUnit, randomizedtesting, Mockito) stay out: with randomizedtesting on the
# class path the server believes it runs inside a unit test and refuses to
# start.
es_dependencies() {
	cat <<EOF
    <dependency>
      <groupId>org.elasticsearch</groupId>
      <artifactId>elasticsearch</artifactId>
      <version>$ES_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.elasticsearch.plugin</groupId>
      <artifactId>transport-netty4</artifactId>
      <version>$ES_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.elasticsearch.test</groupId>
      <artifactId>framework</artifactId>
      <version>$ES_VERSION</version>
      <exclusions>
        <exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion>
      </exclusions>
    </dependency>
EOF
}

# fetch_jars DIR NAME DEPENDENCIES copies the Maven DEPENDENCIES (XML
# elements) and theirs, from Maven Central through the cache's own Maven
# repository, into DIR/lib.
fetch_jars() {
	local dir=$1 name=$2 dependencies=$3
	need mvn "install Maven (apt-get install maven)"
	mkdir -p "$dir"
	cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.farepipe</groupId>
  <artifactId>$name</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
$dependencies
  </dependencies>
</project>
EOF
	rm -rf "$dir/lib.tmp"
	# Maven's own output goes to a file: Debian's Maven 3.8 prints stray
	# ANSI codes even in quiet batch mode.
	if ! mvn -B -q -f "$dir/pom.xml" -Dmaven.repo.local="$FP_CACHE/m2" \
		"$MVN_DEPENDENCY_PLUGIN:copy-dependencies" -DoutputDirectory="$dir/lib.tmp" \
		>"$dir/mvn.log" 2>&1; then
		tail -n 30 "$dir/mvn.log" >&2
		die "fetching $name jars failed (log: $dir/mvn.log)"
	fi
	mv "$dir/lib.tmp" "$dir/lib"
}

build_es() {
	need java "install a JDK 17+ (apt-get install openjdk-17-jdk-headless)"
	need javac "install a JDK 17+ (apt-get install openjdk-17-jdk-headless)"
	local started=$SECONDS jdk
	jdk="$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')"
	((${jdk:-0} >= 17)) || die "Elasticsearch $ES_VERSION needs JDK 17 or newer; javac reports '${jdk:-unknown}'"
	if [[ ! -d "$ES_DIR/lib" ]]; then
		log "fetching elasticsearch $ES_VERSION jars from Maven Central (first run, ≈40 s)..."
		fetch_jars "$ES_DIR" elasticsearch "$(es_dependencies)"
	fi
	# The launcher is compiled once per version of its source.
	local sum classes
	sum="$(sha256sum "$ES_NODE_SRC" | cut -c1-12)"
	classes="$ES_DIR/classes-$sum"
	if [[ ! -d "$classes" ]]; then
		log "compiling hack/esnode/EsNode.java..."
		rm -rf "$classes.tmp"
		mkdir -p "$classes.tmp"
		javac -nowarn -d "$classes.tmp" -cp "$ES_DIR/lib/*" "$ES_NODE_SRC" >&2 ||
			die "compiling $ES_NODE_SRC failed"
		mv "$classes.tmp" "$classes"
	fi
	ln -sfn "classes-$sum" "$ES_DIR/classes"
	if ((SECONDS - started > 1)); then
		log "elasticsearch $ES_VERSION prepared in $((SECONDS - started))s: $ES_DIR"
	fi
}

# build_elasticmq fetches ElasticMQ, an SQS-compatible server, from Maven
# Central: the local stand-in for AWS SQS, as MinIO is for S3.
build_elasticmq() {
	if [[ ! -d "$ELASTICMQ_DIR/lib" ]]; then
		log "fetching elasticmq $ELASTICMQ_VERSION jars from Maven Central (first run, ≈20 s)..."
		fetch_jars "$ELASTICMQ_DIR" elasticmq "    <dependency>
      <groupId>org.elasticmq</groupId>
      <artifactId>elasticmq-server_2.13</artifactId>
      <version>$ELASTICMQ_VERSION</version>
    </dependency>"
	fi
}

# built_all reports whether every service is already in the cache, so that
# a caller can skip the build lock (which a long cluster build may hold).
built_all() {
	local sum
	sum="$(sha256sum "$ES_NODE_SRC" | cut -c1-12)"
	[[ -x "$MINIO_BIN" && -d "$ES_DIR/lib" && -d "$ES_DIR/classes-$sum" && -d "$ELASTICMQ_DIR/lib" ]] &&
		command -v java >/dev/null && command -v curl >/dev/null
}

build_all() {
	ensure_cmds curl:curl java:openjdk-17-jdk-headless javac:openjdk-17-jdk-headless mvn:maven ps:procps
	build_minio
	build_es
	build_elasticmq
}
