#!/usr/bin/env bash
# Load benchmark of the token API: password grant, refresh grant (rotation committed to
# the database), introspection; on SQLite and PostgreSQL; over HTTP with HTTPS beside it;
# with the Argon2id ceiling measured in the same run and the server's peak RSS.
#
#   tests/bench/token_bench.sh [seconds-per-run]     (needs wrk and a release build)
#
# PHASES=password,refresh,client_credentials,introspection (the default) picks the
# endpoints to load; TOKEN_TYPES="opaque jwt" (the default) the access-token types, each
# on its own key of the same server, so JWT signing is priced beside opaque tokens, each
# phase run for every type back to back (ROUNDS=N repeats that N times, alternating);
# THROTTLE=off (the default: the brute-force throttle off, the bare grant), local (on,
# per node) or shared (on, outcomes shared through the database, as on PostgreSQL by
# default) prices the throttle; SQLITE_ONLY=1 skips PostgreSQL; PORTICO_BIN=path benchmarks that binary instead of
# this checkout's release build (to compare two builds in one session).
# Prints a Markdown table; its last column is the CPU time the hypervisor took from this
# machine during the phase (steal in /proc/stat), which stalls every connection at once.
# Concurrency 64 (wrk -t2 -c64), as in the targets.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS="${1:-15}"
TARGET="${CARGO_TARGET_DIR:-target}"
PG_ADMIN="${PORTICO_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh
if [ -n "${PORTICO_BIN:-}" ]; then
  BIN=$(realpath "$PORTICO_BIN")
else
  cargo build --release --features ssr --quiet
  BIN=$(realpath "$TARGET/release/portico")
fi
ARGON2_CEILING=$(bench_executable argon2_ceiling)
# The raw Argon2id ceiling (2 threads, the server idle). The machine's speed drifts by
# 10-30 % within minutes, so it is measured right before each password phase, and each
# phase's ratio is to the ceiling just before it.
ceiling() { "$ARGON2_CEILING" --seconds="$1" | sed -n 's/.*per_second=\([0-9.]*\).*/\1/p'; }
phase() { [[ ",${PHASES:-password,refresh,client_credentials,introspection}," == *",$1,"* ]]; }

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

bench_backend() { # backend url
  local backend=$1 db=$2 offset=$3
  local dir="$WORK/$backend"; mkdir -p "$dir"
  export PORTICO_DATABASE__URL="$db" PORTICO_SERVER__OFFSET="$offset" PORTICO_LOG__LEVEL=warn
  case "${THROTTLE:-off}" in
    off) export PORTICO_OAUTH__THROTTLING__ENABLED=false ;;
    local) export PORTICO_OAUTH__THROTTLING__ENABLED=true PORTICO_OAUTH__THROTTLING__SHARED=false ;;
    shared) export PORTICO_OAUTH__THROTTLING__ENABLED=true PORTICO_OAUTH__THROTTLING__SHARED=true ;;
    *) echo "THROTTLE must be off, local or shared"; exit 1 ;;
  esac
  export PORTICO_ADMIN_PASSWORD="bench-admin-password"
  ( cd "$dir" && "$BIN" migrate >/dev/null )
  ( cd "$dir" && echo "bench-user-password" | "$BIN" user create --username benchuser --password-stdin --json >/dev/null )
  ( cd "$dir" && exec "$BIN" >/dev/null 2>&1 ) & SERVER_PID=$!
  local http="http://127.0.0.1:$((8280 + offset))" https="https://127.0.0.1:$((8243 + offset))"
  for _ in $(seq 1 100); do curl -sf "$http/health" >/dev/null && break; sleep 0.2; done
  export CLIENT_BASIC BENCH_USER=benchuser BENCH_PASSWORD=bench-user-password

  mint() { curl -s -H "Authorization: Basic $CLIENT_BASIC" -d "grant_type=password&username=benchuser&password=bench-user-password" "$http/token"; }
  seeds() { : > "$1"; for _ in $(seq 1 "$2"); do mint | grep -o '"refresh_token":"[^"]*"' | cut -d'"' -f4 >> "$1"; done; }
  # wrk calls request() once more on its first thread to validate the script: one spare each.
  export SEEDS_PER_THREAD=33 ACCESS_TOKEN

  # One key per access-token type, made first, so each phase runs for every type back to
  # back: the machine's speed drifts by minutes, and adjacent runs see the same machine.
  local tt
  declare -A BASIC TOKEN
  for tt in ${TOKEN_TYPES:-opaque jwt}; do
    local app keys ck cs
    app=$(cd "$dir" && "$BIN" app create --owner benchuser --name "bench-$tt" --json | sed 's/.*"id":"\([^"]*\)".*/\1/')
    keys=$(cd "$dir" && "$BIN" keys generate --app "$app" --token-type "$tt" --json)
    ck=$(sed 's/.*"consumer_key":"\([^"]*\)".*/\1/' <<<"$keys")
    cs=$(sed 's/.*"consumer_secret":"\([^"]*\)".*/\1/' <<<"$keys")
    BASIC[$tt]=$(printf '%s:%s' "$ck" "$cs" | base64 -w0)
    CLIENT_BASIC=${BASIC[$tt]}
    TOKEN[$tt]=$(mint | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  done
  each_type() { # runs "$@" once per token type, with that type's client and token
    for tt in ${TOKEN_TYPES:-opaque jwt}; do
      CLIENT_BASIC=${BASIC[$tt]} ACCESS_TOKEN=${TOKEN[$tt]}
      "$@"
    done
  }
  row() { echo "| $backend | $tt | $proto | $1 | $rps | $p50 | $p99 | $cpu | $err | $steal |"; }
  password_phase() {
    local before; before=$(ceiling 5)
    read -r rps p50 p99 err steal cpu < <(measure "$SERVER_PID" "$base/token" -s tests/bench/password.lua)
    local ratio; ratio=$(awk -v r="$rps" -v c="$before" 'BEGIN {printf "%.2f", r / c}')
    row "password grant ($ratio × ceiling $before/s)"
  }
  refresh_phase() {
    export REFRESH_SEEDS="$WORK/seeds-$backend-$tt-$proto"; seeds "$REFRESH_SEEDS" 66
    read -r rps p50 p99 err steal cpu < <(measure "$SERVER_PID" "$base/token" -s tests/bench/refresh.lua)
    row "refresh grant"
  }
  client_credentials_phase() {
    read -r rps p50 p99 err steal cpu < <(measure "$SERVER_PID" "$base/token" -s tests/bench/client_credentials.lua)
    row "client credentials grant"
  }
  introspection_phase() {
    read -r rps p50 p99 err steal cpu < <(measure "$SERVER_PID" "$base/oauth2/introspect" -s tests/bench/introspect.lua)
    row "introspection"
  }
  local round name
  for proto in http https; do
    local base; base=$([ "$proto" = http ] && echo "$http" || echo "$https")
    for name in password refresh client_credentials introspection; do
      phase "$name" || continue
      for round in $(seq 1 "${ROUNDS:-1}"); do each_type "${name}_phase"; done
    done
  done
  local peak; peak=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$SERVER_PID/status")
  echo "| $backend | | | peak server RSS (MiB) | $peak | | | | | |"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

PG_DB="portico_bench_$$"
psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null
trap 'cleanup; psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null' EXIT

echo "| backend | access token | transport | endpoint | requests/s | p50 | p99 | server CPU µs/req | errors | host steal (ms) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
bench_backend sqlite "sqlite://$WORK/sqlite/portico.db" 31000
[ -n "${SQLITE_ONLY:-}" ] || bench_backend postgres "${PG_ADMIN%/*}/$PG_DB" 32000
