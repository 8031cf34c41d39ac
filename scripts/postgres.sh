# Sourced by scripts/test.sh (or by hand: `source scripts/postgres.sh; postgres_start`):
# start/stop a throw-away PostgreSQL server from Debian's packages, in a temporary directory, on a
# free port of 127.0.0.1. Exports OVERSIGHT_TEST_POSTGRES_URL for the tests.
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
postgres_start() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/oversight-pg.XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  PG_BIN=$bin PG_AS="${as[*]}"
  export PG_DIR PG_PORT PG_BIN PG_AS
  # `cd /`: the server user may not be allowed into the caller's working directory.
  if ! (cd / && "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U oversight --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1); then
    cat "$PG_DIR/initdb.log" >&2
    return 1
  fi
  # fsync off: a test server's data is thrown away, durability only costs time.
  if ! (cd / && "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off \
          -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null); then
    cat "$PG_DIR/log" >&2
    return 1
  fi
  export OVERSIGHT_TEST_POSTGRES_URL="postgresql+psycopg://oversight@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL test server on port $PG_PORT ($PG_DIR)"
}

postgres_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  # shellcheck disable=SC2086  # PG_AS is a command prefix, empty or "runuser -u postgres --"
  (cd / && $PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -t 30 stop >/dev/null 2>&1) ||
    (cd / && $PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1) || true
  rm -rf "$PG_DIR"
  unset PG_DIR
}
