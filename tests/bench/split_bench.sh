#!/usr/bin/env bash
# The key-manager split, measured against one `all` node in the same run, on PostgreSQL
# (wrk -t2 -c64, HTTP gateway listener, a small GET to a local backend):
#   - gateway calls with the token cache warm: a gateway-profile node whose key manager
#     is another process, beside an `all` node; requests/s and CPU µs per call;
#   - the same with the cache off ([gateway] cache_seconds = 0): every call a token
#     check, by the database on the `all` node and by the internal API on the gateway;
#   - the password grant through the gateway node's /token beside the key manager's own
#     /oauth2/token, four rounds, alternating which goes first (the machine's speed
#     drifts within minutes), and their mean.
#
#   tests/bench/split_bench.sh [seconds-per-run]     (needs wrk and a release build)
#   BIN=/path/to/portico tests/bench/split_bench.sh  (that build instead of this tree's)
#   PASSWORD_ONLY=1 tests/bench/split_bench.sh       (only the password-grant rounds)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS="${1:-10}"
TARGET="${CARGO_TARGET_DIR:-target}"
PG_ADMIN="${PORTICO_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
BACKEND_PORT="${BACKEND_PORT:-19190}"
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh
[ -n "${BIN:-}" ] || cargo build --release --features ssr --quiet
ECHO=$(bench_executable echo_backend)
BIN="${BIN:-$(cd "$TARGET/release" && pwd)/portico}"

WORK=$(mktemp -d)
PIDS=()
PG_DB="portico_split_bench_$$"
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null
DB="${PG_ADMIN%/*}/$PG_DB"
KM=33000 ALL=34000 GW=35000
unset PORTICO_DATABASE__URL PORTICO_SERVER__OFFSET

"$ECHO" --port="$BACKEND_PORT" & PIDS+=("$!")
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$BACKEND_PORT/" >/dev/null && break; sleep 0.1; done

node_dir() { # name profile offset
  mkdir -p "$WORK/$1"
  printf '[server]\nprofile = "%s"\noffset = %s\nbind_address = "127.0.0.1"\n[database]\nurl = "%s"\n[log]\nlevel = "warn"\n' \
    "$2" "$3" "$DB" > "$WORK/$1/deployment.toml"
}
cli() { ( cd "$WORK/km" && "$BIN" "$@" ); }
start() { # name [env...] -> pid in STARTED
  local name=$1; shift
  ( cd "$WORK/$name" && exec env "$@" "$BIN" serve >"$WORK/$name.log" 2>&1 ) & STARTED=$!
  PIDS+=("$STARTED")
}
wait_for() { for _ in $(seq 1 150); do curl -skf "$1" >/dev/null && return 0; sleep 0.2; done; echo "no answer: $1" >&2; exit 1; }

node_dir km key-manager $KM
node_dir all all $ALL
node_dir gw gateway $GW
PORTICO_ADMIN_PASSWORD=bench-admin-password cli migrate >/dev/null
echo "bench-user-password" | cli user create --username benchuser --password-stdin >/dev/null
cli scope create read >/dev/null
api=$(cli api create --name Bench --version 1 --context /bench/1 --backend "http://127.0.0.1:$BACKEND_PORT" --publish --json | sed 's/.*"id":"\([^"]*\)".*/\1/')
cli api resource --api "$api" --method GET --path /menu --scopes read >/dev/null
app=$(cli app create --owner benchuser --name bench --json | sed 's/.*"id":"\([^"]*\)".*/\1/')
cli app subscribe --app "$app" --api "$api" >/dev/null
keys=$(cli keys generate --app "$app" --json)
CLIENT_BASIC=$(printf '%s:%s' "$(sed 's/.*"consumer_key":"\([^"]*\)".*/\1/' <<<"$keys")" \
  "$(sed 's/.*"consumer_secret":"\([^"]*\)".*/\1/' <<<"$keys")" | base64 -w0)
cred=$(cli key-manager credential create bench --json)
(umask 077; sed 's/.*"password":"\([^"]*\)".*/\1/' <<<"$cred" > "$WORK/km-password")
start km; KM_PID=$STARTED
wait_for "https://127.0.0.1:$((9443 + KM))/health"
printf '[apim.key_manager]\nservice_url = "https://localhost:%s"\nusername = "bench"\nca_cert_path = "%s"\n' \
  $((9443 + KM)) "$WORK/km/data/tls/portico.crt" >> "$WORK/gw/deployment.toml"
export CLIENT_BASIC BENCH_USER=benchuser BENCH_PASSWORD=bench-user-password

if [ -z "${PASSWORD_ONLY:-}" ]; then
  echo "| setup | \`all\` node req/s (p50) | \`all\` CPU µs/call | gateway node req/s (p50) | gateway CPU µs/call | key manager CPU µs/call | gateway / all | errors |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for cache in 5 0; do
    start all PORTICO_GATEWAY__CACHE_SECONDS=$cache; ALL_PID=$STARTED
    start gw PORTICO_GATEWAY__CACHE_SECONDS=$cache PORTICO_APIM__KEY_MANAGER__PASSWORD_FILE="$WORK/km-password"; GW_PID=$STARTED
    wait_for "http://127.0.0.1:$((8280 + ALL))/health"; wait_for "http://127.0.0.1:$((8280 + GW))/ready"
    token=$(curl -s -H "Authorization: Basic $CLIENT_BASIC" \
      -d "grant_type=password&username=benchuser&password=bench-user-password&scope=read" \
      "http://127.0.0.1:$((8280 + GW))/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
    for port in $((8280 + ALL)) $((8280 + GW)); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/bench/1/menu")" = 200 ] \
        || { echo "gateway call failed on $port" >&2; exit 1; }
    done
    read -r arps ap50 _ aerr _ acpu < <(measure "$ALL_PID" "http://127.0.0.1:$((8280 + ALL))/bench/1/menu" -H "Authorization: Bearer $token")
    kmbefore=$(cpu_ms "$KM_PID")
    read -r grps gp50 _ gerr _ gcpu < <(measure "$GW_PID" "http://127.0.0.1:$((8280 + GW))/bench/1/menu" -H "Authorization: Bearer $token")
    kmcpu=$(awk -v ms="$(( $(cpu_ms "$KM_PID") - kmbefore ))" -v r="$grps" -v s="$SECS" 'BEGIN { printf "%.0f", ms * 1000 / (r * s) }')
    label="token cache warm"; [ "$cache" = 0 ] && label="token cache off"
    echo "| $label | $arps ($ap50) | $acpu | $grps ($gp50) | $gcpu | $kmcpu | $(awk -v g="$grps" -v a="$arps" 'BEGIN { printf "%.2f", g / a }') | $((aerr + gerr)) |"
    kill "$ALL_PID" "$GW_PID"; wait "$ALL_PID" "$GW_PID" 2>/dev/null || true
  done
fi

start gw PORTICO_APIM__KEY_MANAGER__PASSWORD_FILE="$WORK/km-password"; GW_PID=$STARTED
wait_for "http://127.0.0.1:$((8280 + GW))/ready"
echo
echo "| password grant | through the gateway node (/token) req/s (p50 / p99) | at the key manager (/oauth2/token) req/s (p50 / p99) | gateway / direct | errors | CPU stolen by the host (ms) |"
echo "| --- | --- | --- | --- | --- | --- |"
through() { run_wrk "http://127.0.0.1:$((8280 + GW))/token" -s tests/bench/password.lua; }
direct() { run_wrk "https://127.0.0.1:$((9443 + KM))/oauth2/token" -s tests/bench/password.lua; }
gsum=0 dsum=0
# Which goes first alternates, so the machine's drift does not favour one side.
for round in 1 2 3 4; do
  if [ $((round % 2)) = 1 ]; then
    read -r grps gp50 gp99 gerr gsteal < <(through); read -r drps dp50 dp99 derr dsteal < <(direct)
  else
    read -r drps dp50 dp99 derr dsteal < <(direct); read -r grps gp50 gp99 gerr gsteal < <(through)
  fi
  gsum=$(awk -v a="$gsum" -v b="$grps" 'BEGIN { print a + b }')
  dsum=$(awk -v a="$dsum" -v b="$drps" 'BEGIN { print a + b }')
  echo "| round $round | $grps ($gp50 / $gp99) | $drps ($dp50 / $dp99) | $(awk -v g="$grps" -v d="$drps" 'BEGIN { printf "%.2f", g / d }') | $((gerr + derr)) | $gsteal / $dsteal |"
done
echo "| mean | $(awk -v s="$gsum" 'BEGIN { printf "%.1f", s / 4 }') | $(awk -v s="$dsum" 'BEGIN { printf "%.1f", s / 4 }') | $(awk -v g="$gsum" -v d="$dsum" 'BEGIN { printf "%.2f", g / d }') | | |"
