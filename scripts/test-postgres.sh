#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the tests, installing Debian's package when
# it is missing. Sourced by scripts/test.sh: exports SYNOD_TEST_POSTGRES (an Npgsql connection
# string) and registers a trap that stops the server and deletes its files when the shell exits.
# fsync stays on: the crash tests must mean something.

synod_pg_fail() { echo "scripts/test-postgres.sh: $*" >&2; exit 1; }

synod_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }

if [ -z "$(synod_pg_bin)" ] || [ ! -x "$(synod_pg_bin)/initdb" ]; then
  echo "Installing PostgreSQL from Debian's packages (needed by the storage tests)..."
  if [ "$(id -u)" -ne 0 ]; then synod_pg_fail "PostgreSQL is missing and installing it needs root (apt-get install -y postgresql)."; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; } \
    || synod_pg_fail "apt-get install postgresql failed."
fi
SYNOD_PGBIN=$(synod_pg_bin)
[ -x "$SYNOD_PGBIN/initdb" ] || synod_pg_fail "no initdb under /usr/lib/postgresql/*/bin after installing."

SYNOD_PGROOT=$(mktemp -d /tmp/synod-pg.XXXXXX)
synod_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$SYNOD_PGROOT"; fi

# A free port: start at 55432 and step past ports something else already listens on.
SYNOD_PGPORT=55432
while (exec 3<>"/dev/tcp/127.0.0.1/$SYNOD_PGPORT") 2>/dev/null; do SYNOD_PGPORT=$((SYNOD_PGPORT + 1)); done

synod_pg_stop() {
  synod_pg_as_owner "$SYNOD_PGBIN/pg_ctl" -D "$SYNOD_PGROOT/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$SYNOD_PGROOT"
}
trap synod_pg_stop EXIT

synod_pg_as_owner "$SYNOD_PGBIN/initdb" -D "$SYNOD_PGROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$SYNOD_PGROOT/initdb.log" 2>&1 \
  || { cat "$SYNOD_PGROOT/initdb.log" >&2; synod_pg_fail "initdb failed."; }
synod_pg_as_owner "$SYNOD_PGBIN/pg_ctl" -D "$SYNOD_PGROOT/data" -l "$SYNOD_PGROOT/server.log" -w -t 30 \
  -o "-p $SYNOD_PGPORT -c listen_addresses=127.0.0.1 -k $SYNOD_PGROOT -c max_connections=200" start >/dev/null \
  || { cat "$SYNOD_PGROOT/server.log" >&2; synod_pg_fail "the PostgreSQL server did not start."; }
"$SYNOD_PGBIN/createdb" -h 127.0.0.1 -p "$SYNOD_PGPORT" -U postgres synod_test || synod_pg_fail "createdb failed."

export SYNOD_TEST_POSTGRES="Host=127.0.0.1;Port=$SYNOD_PGPORT;Username=postgres;Database=synod_test"
echo "PostgreSQL for tests: $SYNOD_TEST_POSTGRES (files in $SYNOD_PGROOT)"
