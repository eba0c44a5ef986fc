#!/usr/bin/env bash
# Starts a local PostgreSQL for the journal tests and prints the connection string they read (DCSIM_TEST_POSTGRES):
# installs Debian's postgresql if missing, starts its first cluster, creates the role and database if missing. Prints
# nothing and exits 1 when it cannot (the journal tests then run on SQLite only; .ci/run says so).
set -uo pipefail
user=dcsim_ci password=dcsim_ci database=dcsim_ci_journal
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2 || exit 1
fi
read -r version cluster < <(pg_lsclusters --no-header 2>/dev/null | awk 'NR == 1 { print $1, $2 }')
[ -n "${version:-}" ] || exit 1
pg_ctlcluster "$version" "$cluster" start >/dev/null 2>&1 || pg_lsclusters --no-header | grep -q online || exit 1
port=$(pg_lsclusters --no-header | awk 'NR == 1 { print $3 }')
as_postgres() { su postgres -c "psql -p $port -tAc \"$1\"" 2>/dev/null; }
for _ in $(seq 1 20); do as_postgres 'select 1' | grep -q 1 && break; sleep 0.5; done
[ "$(as_postgres "select 1 from pg_roles where rolname = '$user'")" = 1 ] || as_postgres "create role $user login password '$password'" >/dev/null || exit 1
[ "$(as_postgres "select 1 from pg_database where datname = '$database'")" = 1 ] || as_postgres "create database $database owner $user" >/dev/null || exit 1
echo "Host=127.0.0.1;Port=$port;Username=$user;Password=$password;Database=$database"
