#!/usr/bin/env bash
# A 2-node OpenSearch cluster on 127.0.0.1 for kliping's scale-out index: tests, benchmarks and a developer's try.
#
# Why a script of our own: the project may fetch only from package registries, so OpenSearch comes from Maven
# Central (deploy/opensearch/pom.xml) and runs on the machine's Java 17, with no Docker and no security plugin.
#
#   deploy/dev-opensearch.sh prepare             fetch and unpack OpenSearch into build/opensearch/ (cached)
#   deploy/dev-opensearch.sh start [DIR]         start 2 nodes with their data under DIR; print the URL
#   deploy/dev-opensearch.sh url [DIR]           print the URLs of the running nodes, one a line
#   deploy/dev-opensearch.sh stop-node N [DIR]   stop node N (1 or 2) only: the other must answer alone
#   deploy/dev-opensearch.sh stop [DIR]          stop every node of the cluster under DIR
#
# DIR defaults to build/opensearch/cluster. Ports are free ones picked at start. Each node has its own data and
# log folders and a 512 MB heap (OPENSEARCH_HEAP overrides it). OpenSearch refuses to run as root; as root the
# nodes run as `nobody`, so DIR must be a folder that `nobody` can reach.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="2.19.6"
CACHE="$ROOT/build/opensearch"
# the distribution with the modules kliping adds (analysis-common, lang-painless); a new name when they change
DIST="$CACHE/opensearch-$VERSION-painless"
HEAP="${OPENSEARCH_HEAP:-512m}"
START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-180}"

die() { echo "dev-opensearch: $*" >&2; exit 1; }

# The descriptor a module folder needs, as the distribution's bundled modules have it.
module_descriptor() {  # dir name classname description
    cat > "$1/plugin-descriptor.properties" <<EOF
description=$4
version=$VERSION
name=$2
classname=$3
java.version=11
opensearch.version=$VERSION
custom.foldername=
extended.plugins=
has.native.controller=false
EOF
}

prepare() {
    [ -x "$DIST/bin/opensearch" ] && return 0
    command -v java >/dev/null || die "java not found: install a Java 17 runtime (Debian: openjdk-17-jre-headless)"
    command -v mvn >/dev/null || die "mvn not found: install Maven (Debian: maven)"
    mkdir -p "$CACHE/maven"
    mvn -q -B -f "$ROOT/deploy/opensearch/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$CACHE/maven" >&2 || die "Maven could not fetch OpenSearch $VERSION"
    local tmp="$CACHE/unpack.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    (cd "$tmp" && jar xf "$CACHE/maven/opensearch-$VERSION.zip") || die "could not unpack opensearch-$VERSION.zip"
    # analysis-common as a module: its jar (with the whitespace tokenizer) and a descriptor like the bundled ones
    local module="$tmp/opensearch-$VERSION/modules/analysis-common"
    mkdir -p "$module"
    cp "$CACHE/maven/analysis-common-$VERSION.jar" "$module/"
    module_descriptor "$module" analysis-common org.opensearch.analysis.common.CommonAnalysisPlugin \
        'Adds "built in" analyzers to OpenSearch.'
    # lang-painless as a module: kliping's scores are BM25 computed in a script over its own statistics
    # (search/opensearch/translate.py), and its text fields' similarity is a script too
    module="$tmp/opensearch-$VERSION/modules/lang-painless"
    mkdir -p "$module"
    local jar
    for jar in lang-painless opensearch-scripting-painless-spi antlr4-runtime asm asm-util asm-tree asm-commons \
               asm-analysis; do
        cp "$CACHE/maven/$jar"-[0-9]*.jar "$module/" || die "lang-painless: $jar missing from $CACHE/maven"
    done
    module_descriptor "$module" lang-painless org.opensearch.painless.PainlessPlugin \
        "An easy, safe and fast scripting language for OpenSearch"
    cat > "$module/plugin-security.policy" <<EOF
grant {
  // needed to generate runtime classes
  permission java.lang.RuntimePermission "createClassLoader";
  // needed to find the classloader to load allowlisted classes from
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF
    chmod -R a+rX "$tmp" && chmod a+x "$tmp/opensearch-$VERSION/bin/"*
    mv "$tmp/opensearch-$VERSION" "$DIST" && rm -rf "$tmp"
    echo "dev-opensearch: OpenSearch $VERSION ready in $DIST" >&2
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Run a command as a user OpenSearch accepts: itself when not root, else nobody.
as_node_user() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- "$@"
    else
        "$@"
    fi
}

write_node_config() {  # node_dir name http_port transport_port seed_ports
    local dir="$1" name="$2" http="$3" transport="$4" seeds="$5"
    mkdir -p "$dir/config" "$dir/data" "$dir/logs" "$dir/tmp"
    cp "$DIST/config/log4j2.properties" "$dir/config/"
    cat > "$dir/config/jvm.options" <<EOF
-Xms$HEAP
-Xmx$HEAP
-XX:+UseG1GC
-Djava.io.tmpdir=$dir/tmp
-XX:ErrorFile=$dir/logs/hs_err_pid%p.log
-Xlog:gc*:file=$dir/logs/gc.log:utctime:filecount=2,filesize=8m
18-:-Djava.security.manager=allow
-Djava.util.concurrent.ForkJoinPool.common.threadFactory=org.opensearch.secure_sm.SecuredForkJoinWorkerThreadFactory
EOF
    cat > "$dir/config/opensearch.yml" <<EOF
cluster.name: kliping-dev
node.name: $name
path.data: $dir/data
path.logs: $dir/logs
network.host: 127.0.0.1
http.port: $http
transport.port: $transport
discovery.seed_hosts: [$seeds]
cluster.initial_cluster_manager_nodes: [node-1, node-2]
# a developer's disk may be nearly full; replicas must still be placed
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: false
EOF
}

# Whether the node user can read PATH (as root the nodes run as nobody, who needs every parent folder's x bit).
node_can_read() {
    [ "$(id -u)" != 0 ] || setpriv --reuid=nobody --regid=nogroup --clear-groups -- test -r "$1"
}

start() {
    local dir="$1"
    prepare
    if ! node_can_read "$DIST/bin/opensearch"; then  # a checkout in a private folder (e.g. CI's clone)
        local shared="/var/tmp/kliping-opensearch-$VERSION-painless"
        [ -x "$shared/bin/opensearch" ] || { cp -r "$DIST" "$shared.$$" && chmod -R a+rX "$shared.$$" \
            && mv "$shared.$$" "$shared"; }
        DIST="$shared"
    fi
    if [ -f "$dir/urls" ] && health "$(head -1 "$dir/urls")" >/dev/null 2>&1; then
        cat "$dir/urls"; return 0
    fi
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    local h1 h2 t1 t2
    h1=$(free_port); h2=$(free_port); t1=$(free_port); t2=$(free_port)
    local seeds="\"127.0.0.1:$t1\", \"127.0.0.1:$t2\""
    write_node_config "$dir/node-1" node-1 "$h1" "$t1" "$seeds"
    write_node_config "$dir/node-2" node-2 "$h2" "$t2" "$seeds"
    if [ "$(id -u)" = 0 ]; then
        chown -R nobody:nogroup "$dir"
        node_can_read "$dir/node-1/config/opensearch.yml" \
            || die "$dir is not reachable by the user nobody the nodes run as; give a folder under /var/tmp"
    fi
    printf 'http://127.0.0.1:%s\nhttp://127.0.0.1:%s\n' "$h1" "$h2" > "$dir/urls"
    local n
    for n in 1 2; do
        as_node_user env JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" \
            OPENSEARCH_PATH_CONF="$dir/node-$n/config" OPENSEARCH_TMPDIR="$dir/node-$n/tmp" \
            "$DIST/bin/opensearch" -d -p "$dir/node-$n/pid" \
            > "$dir/node-$n/logs/stdout.log" 2>&1 || true
    done
    for n in 1 2; do
        local i
        for i in $(seq 1 60); do [ -s "$dir/node-$n/pid" ] && break; sleep 0.5; done
        if ! [ -s "$dir/node-$n/pid" ] || ! kill -0 "$(cat "$dir/node-$n/pid")" 2>/dev/null; then
            tail -20 "$dir/node-$n/logs/stdout.log" >&2; stop "$dir"; die "node-$n did not start"
        fi
    done
    local url="http://127.0.0.1:$h1" deadline=$((SECONDS + START_TIMEOUT)) status=""
    while [ $SECONDS -lt $deadline ]; do
        status=$(health "$url" 2>/dev/null || true)
        case "$status" in green|yellow) break ;; esac
        for n in 1 2; do  # a node that died (a bad setting, a port taken) fails the start now, not at the timeout
            if ! kill -0 "$(cat "$dir/node-$n/pid" 2>/dev/null || echo 0)" 2>/dev/null; then
                grep -A3 "ERROR" "$dir/node-$n/logs/kliping-dev.log" 2>/dev/null | head -8 >&2
                stop "$dir"; die "node-$n stopped while starting (log: $dir/node-$n/logs/kliping-dev.log)"
            fi
        done
        sleep 1
    done
    case "$status" in
        green|yellow) ;;
        *) tail -30 "$dir/node-1/logs/kliping-dev.log" >&2 2>/dev/null || true
           stop "$dir"; die "cluster not healthy within ${START_TIMEOUT}s (status: ${status:-no answer})" ;;
    esac
    echo "dev-opensearch: 2 nodes up ($status); stop with: $0 stop $dir" >&2
    cat "$dir/urls"
}

health() {  # url -> green|yellow|red when both nodes joined
    curl -fsS --max-time 5 "$1/_cluster/health?wait_for_nodes=2&timeout=2s" \
        | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h["status"] if h["number_of_nodes"]>=2 else "joining")'
}

stop_node() {  # dir n
    local pidfile="$1/node-$2/pid" pid
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if kill "$pid" 2>/dev/null; then
        local i
        for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

stop() {
    stop_node "$1" 1
    stop_node "$1" 2
}

cmd="${1:-}"; shift || true
case "$cmd" in
    prepare) prepare ;;
    start) start "${1:-$CACHE/cluster}" ;;
    url) cat "${1:-$CACHE/cluster}/urls" ;;
    stop-node) [ -n "${1:-}" ] || die "usage: $0 stop-node N [DIR]"; stop_node "${2:-$CACHE/cluster}" "$1" ;;
    stop) stop "${1:-$CACHE/cluster}" ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || [ "$cmd" = -h ] || [ "$cmd" = --help ] || exit 2 ;;
esac
