#!/usr/bin/env bash
# Gateway benchmark: a small GET proxied to a local backend with a valid token, beside
# the same backend called directly, in the same run (wrk -t2 -c64). Token cache warm
# (the default) and cold ([gateway] cache_seconds = 0: every request reads the token and
# the subscription from the database); on SQLite and PostgreSQL; with opaque tokens and
# with JWT access tokens (RFC 9068: checked by signature, never read from the database;
# warm, a token already verified costs a hash; cold, every request verifies the RS256
# signature and reads the subscription).
#
#   tests/bench/gateway_bench.sh [seconds-per-run]     (needs wrk)
#   ONLY=warm tests/bench/gateway_bench.sh             (only the setups whose label has "warm")
#   BIN=/path/to/portico tests/bench/gateway_bench.sh  (that build instead of this tree's)
#
# Prints a Markdown table. When nginx is installed (`apt-get install nginx-light`), the
# same backend is also measured through nginx as a plain reverse proxy (no token checks,
# keep-alive to the backend, one worker per core): a reference for what proxying costs
# on this machine. So is `plain_proxy` (tests/bench/plain_proxy.rs): the gateway's own
# parts (axum, hyper's pooled client) forwarding with no checks. Each proxy's CPU time
# per request (all its threads or workers) is reported beside its throughput: unlike the
# ratio to direct, it does not depend on how wrk, the backend and the proxy share the
# cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS="${1:-10}"
TARGET="${CARGO_TARGET_DIR:-target}"
PG_ADMIN="${PORTICO_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
BACKEND_PORT="${BACKEND_PORT:-19090}"
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh
[ -n "${BIN:-}" ] || cargo build --release --features ssr --quiet
ECHO=$(bench_executable echo_backend)
PLAIN_PROXY=$(bench_executable plain_proxy)
BIN="${BIN:-$(cd "$TARGET/release" && pwd)/portico}"

WORK=$(mktemp -d)
mkdir -p "$WORK/db"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

"$ECHO" --port="$BACKEND_PORT" & BACKEND_PID=$!; PIDS+=("$BACKEND_PID")
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$BACKEND_PORT/" >/dev/null && break; sleep 0.1; done

PLAIN_PORT=$((BACKEND_PORT + 2))
"$PLAIN_PROXY" --port="$PLAIN_PORT" --backend="http://127.0.0.1:$BACKEND_PORT" & PLAIN_PID=$!; PIDS+=("$PLAIN_PID")
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PLAIN_PORT/" >/dev/null && break; sleep 0.1; done

NGINX_PORT=$((BACKEND_PORT + 1))
NGINX_URL=""
if command -v nginx >/dev/null; then
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    keepalive_requests 1000000;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
  nginx -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log"
  trap 'nginx -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" -s stop 2>/dev/null || true; cleanup' EXIT
  NGINX_URL="http://127.0.0.1:$NGINX_PORT/bench/1/menu"
fi

bench() { # label database-url cache-seconds offset [token-type]
  local label=$1 db=$2 cache=$3 offset=$4 token_type=${5:-opaque}
  [[ -z "${ONLY:-}" || "$label" == *"$ONLY"* ]] || return 0
  local dir="$WORK/$label"; mkdir -p "$dir"
  export PORTICO_DATABASE__URL="$db" PORTICO_SERVER__OFFSET="$offset" PORTICO_LOG__LEVEL=warn
  export PORTICO_GATEWAY__CACHE_SECONDS="$cache" PORTICO_ADMIN_PASSWORD="bench-admin-password"
  # The setups share a database and so its signing keys: one sealing key for them all.
  export PORTICO_OAUTH__SIGNING__KEY_ENCRYPTION_KEY="bench-key-encryption-key-0123456789abcdef"
  local p="$BIN"
  ( cd "$dir" && "$p" migrate >/dev/null
    echo "bench-user-password" | "$p" user create --username benchuser --password-stdin >/dev/null
    "$p" scope create read >/dev/null ) 2>/dev/null || true
  local api app keys
  api=$(cd "$dir" && "$p" api list --json | { grep -o '"id":"[^"]*"' || true; } | head -n1 | cut -d'"' -f4)
  if [ -z "$api" ]; then
    api=$(cd "$dir" && "$p" api create --name Bench --version 1 --context /bench/1 \
      --backend "http://127.0.0.1:$BACKEND_PORT" --publish --json | grep -o '"id":"[^"]*"' | head -n1 | cut -d'"' -f4)
    ( cd "$dir" && "$p" api resource --api "$api" --method GET --path /menu --scopes read >/dev/null )
  fi
  app=$(cd "$dir" && "$p" app create --owner benchuser --name "bench-$label" --json | sed 's/.*"id":"\([^"]*\)".*/\1/')
  ( cd "$dir" && "$p" app subscribe --app "$app" --api "$api" >/dev/null )
  keys=$(cd "$dir" && "$p" keys generate --app "$app" --token-type "$token_type" --json)
  local basic
  basic=$(printf '%s:%s' "$(sed 's/.*"consumer_key":"\([^"]*\)".*/\1/' <<<"$keys")" \
    "$(sed 's/.*"consumer_secret":"\([^"]*\)".*/\1/' <<<"$keys")" | base64 -w0)
  ( cd "$dir" && exec "$p" >/dev/null 2>&1 ) & local server=$!; PIDS+=("$server")
  local http="http://127.0.0.1:$((8280 + offset))"
  for _ in $(seq 1 100); do curl -sf "$http/health" >/dev/null && break; sleep 0.2; done
  local token
  token=$(curl -s -H "Authorization: Basic $basic" \
    -d "grant_type=password&username=benchuser&password=bench-user-password&scope=read" "$http/token" \
    | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$http/bench/1/menu")" = 200 ] \
    || { echo "gateway call failed for $label" >&2; exit 1; }

  read -r drps dp50 dp99 derr _ dcpu < <(measure "$BACKEND_PID" "http://127.0.0.1:$BACKEND_PORT/bench/1/menu")
  read -r grps gp50 gp99 gerr _ gcpu < <(measure "$server" "$http/bench/1/menu" -H "Authorization: Bearer $token")
  local ratio; ratio=$(awk -v g="$grps" -v d="$drps" 'BEGIN { printf "%.2f", g / d }')
  local reference="–" ncpu="–"
  if [ -n "$NGINX_URL" ]; then
    read -r nrps np50 _ nerr _ ncpu < <(measure "$(pgrep -d' ' -P "$(cat "$WORK/nginx/nginx.pid")")" "$NGINX_URL")
    reference="$nrps ($np50; $(awk -v n="$nrps" -v d="$drps" 'BEGIN { printf "%.2f", n / d }') × direct)"
    derr=$((derr + nerr))
  fi
  read -r prps _ _ perr _ pcpu < <(measure "$PLAIN_PID" "http://127.0.0.1:$PLAIN_PORT/bench/1/menu")
  echo "| $label | $drps ($dp50 / $dp99) | $dcpu | $grps ($gp50 / $gp99) | $gcpu | $ratio | $reference | $ncpu | $prps ($pcpu) | $((derr + gerr + perr)) |"
  kill "$server"; wait "$server" 2>/dev/null || true
}

PG_DB="portico_gw_bench_$$"
psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null
PG_URL="${PG_ADMIN%/*}/$PG_DB"

echo "| setup | direct req/s (p50 / p99) | backend CPU µs/req | gateway req/s (p50 / p99) | gateway CPU µs/req | gateway / direct | nginx proxy req/s (p50; / direct) | nginx CPU µs/req | plain hyper proxy req/s (CPU µs/req) | errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
bench "SQLite, token cache warm" "sqlite://$WORK/db/portico.db" 5 31000
bench "SQLite, JWT, token cache warm" "sqlite://$WORK/db/portico.db" 5 31000 jwt
bench "SQLite, token cache cold" "sqlite://$WORK/db/portico.db" 0 31000
bench "SQLite, JWT, token cache cold" "sqlite://$WORK/db/portico.db" 0 31000 jwt
bench "PostgreSQL, token cache warm" "$PG_URL" 5 32000
bench "PostgreSQL, JWT, token cache warm" "$PG_URL" 5 32000 jwt
bench "PostgreSQL, token cache cold" "$PG_URL" 0 32000
bench "PostgreSQL, JWT, token cache cold" "$PG_URL" 0 32000 jwt
psql "$PG_ADMIN" -qc "DROP DATABASE $PG_DB WITH (FORCE)" >/dev/null
