# Sourced by scripts/test.sh: start/stop a throw-away PostgreSQL server (Debian's packages).
# Exports OVERSIGHT_TEST_POSTGRES_URL for the tests.
postgres_start() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_DIR=$(mktemp -d /tmp/oversight-pg.XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U oversight --auth=trust -E UTF8 >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  PG_BIN=$bin PG_AS="${as[*]}"
  export PG_DIR PG_PORT PG_BIN PG_AS
  export OVERSIGHT_TEST_POSTGRES_URL="postgresql+psycopg://oversight@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL test server on port $PG_PORT"
}

postgres_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  $PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
