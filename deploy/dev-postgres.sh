#!/usr/bin/env bash
# A throwaway PostgreSQL server for development and tests, on 127.0.0.1 and a free port, in a directory of its
# own. It finds the server binaries (Debian's postgresql package), installing the package when it is missing and
# we are root. initdb refuses to run as root, so as root the server runs as the `postgres` user (or a
# `kliping-pg` user created for it). The server trusts local connections: it is for tests, never for data.
#
#   deploy/dev-postgres.sh start [DIR]   start one (DIR: a new directory under /tmp when omitted); prints
#                                        KLIPING_PG_DIR=... and KLIPING_PG_URL=postgresql://... on stdout
#   deploy/dev-postgres.sh stop DIR      stop it and delete DIR
#   deploy/dev-postgres.sh bindir        print the directory of the server binaries (installing them if needed)
#
# Exit codes: 0 ok, 3 no PostgreSQL binaries and no way to install them, 1 the server failed to start.
set -euo pipefail

log() { echo "dev-postgres: $*" >&2; }

find_bindir() {
    local dir
    if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/pg_ctl" ]; then echo "$PG_BINDIR"; return 0; fi
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    fi
    # Debian keeps the server binaries out of PATH, one directory per major version: take the newest.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    done
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"; return 0
    fi
    return 1
}

ensure_bindir() {
    local dir
    if dir=$(find_bindir); then echo "$dir"; return 0; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "PostgreSQL is not installed; installing Debian's postgresql package"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2 \
            || { log "apt-get install postgresql failed"; return 3; }
        # Debian's package starts a cluster of its own; we do not use it (ours runs in its own directory).
        if dir=$(find_bindir); then echo "$dir"; return 0; fi
    fi
    log "no PostgreSQL server binaries (initdb, pg_ctl) found; install Debian's postgresql package"
    return 3
}

# The user the server runs as: ourselves, or as root the postgres user (created by Debian's package) or our own.
server_user() {
    if [ "$(id -u)" != 0 ]; then id -un; return; fi
    if id postgres >/dev/null 2>&1; then echo postgres; return; fi
    if ! id kliping-pg >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin kliping-pg
    fi
    echo kliping-pg
}

as_user() {
    local user=$1; shift
    if [ "$(id -un)" = "$user" ]; then "$@"; else runuser -u "$user" -- "$@"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir=${1:-} bindir user port tries
    bindir=$(ensure_bindir) || exit $?
    if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/kliping-pg.XXXXXX); fi
    mkdir -p "$dir"
    user=$(server_user)
    chown "$user" "$dir" 2>/dev/null || true
    chmod 700 "$dir"
    as_user "$user" "$bindir/initdb" -D "$dir/data" -U kliping --auth=trust --encoding=UTF8 --no-locale \
        >"$dir/initdb.log" 2>&1 || { log "initdb failed:"; cat "$dir/initdb.log" >&2; exit 1; }
    for tries in 1 2 3; do
        port=$(free_port)
        # fsync off and friends: a throwaway server loses nothing worth keeping if the machine dies.
        if as_user "$user" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
            -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                -c max_connections=200" >/dev/null; then
            "$bindir/psql" -h 127.0.0.1 -p "$port" -U kliping -d postgres -v ON_ERROR_STOP=1 -q \
                -c "CREATE DATABASE kliping" >&2
            echo "KLIPING_PG_DIR=$dir"
            echo "KLIPING_PG_URL=postgresql://kliping@127.0.0.1:$port/kliping"
            return 0
        fi
        log "pg_ctl start failed on port $port (try $tries):"; tail -5 "$dir/server.log" >&2 || true
    done
    exit 1
}

stop() {
    local dir=${1:?usage: $0 stop DIR} bindir user
    bindir=$(find_bindir) || exit 3
    if [ -f "$dir/data/postmaster.pid" ]; then
        user=$(stat -c %U "$dir/data")
        as_user "$user" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop "${2:-}" ;;
    bindir) ensure_bindir ;;
    *) echo "usage: $0 start [DIR] | stop DIR | bindir" >&2; exit 2 ;;
esac
