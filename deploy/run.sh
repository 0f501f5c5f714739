#!/usr/bin/env bash
# Portico's reference deployment on one host: nginx in front of two portal nodes and two
# gateway nodes, one key-manager node, all on one PostgreSQL database.
#
#   deploy/run.sh start            start the five nodes and nginx (fails if running)
#   deploy/run.sh stop             stop nginx and the nodes (SIGTERM: in-flight requests end)
#   deploy/run.sh status           each process and its /ready answer
#   deploy/run.sh portico ARGS...  a portico command on the key manager's configuration
#                                  (users, applications, keys, APIs, credentials)
#
# Settings, from the environment:
#   PORTICO_BIN   the portico binary (default: target/release/portico, else portico on PATH)
#   DATABASE_URL  PostgreSQL (default postgres://postgres@127.0.0.1:5432/portico)
#   RUN_DIR       configuration, data, logs and pids of every process (default deploy/run)
#   OFFSET        nginx serves the portal on 9443+OFFSET and the gateway on 8243+OFFSET
#                 (https) and 8280+OFFSET (http); the nodes take OFFSET+1 to OFFSET+5
#                 (default 0)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
OFFSET="${OFFSET:-0}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portico}"
RUN_DIR="${RUN_DIR:-$here/run}"
if [ -z "${PORTICO_BIN:-}" ]; then
  if [ -x "$here/../target/release/portico" ]; then
    PORTICO_BIN="$here/../target/release/portico"
  else
    PORTICO_BIN="$(command -v portico || true)"
  fi
fi

# name profile offset
NODES=(
  "key-manager key-manager $((OFFSET + 1))"
  "portal-1 portal $((OFFSET + 2))"
  "portal-2 portal $((OFFSET + 3))"
  "gateway-1 gateway $((OFFSET + 4))"
  "gateway-2 gateway $((OFFSET + 5))"
)
KM_DIR="$RUN_DIR/key-manager"
NGINX_DIR="$RUN_DIR/nginx"

say() { printf '%s\n' "$*"; }
die() { printf 'deploy/run.sh: %s\n' "$*" >&2; exit 1; }

# A process that exists and has not ended (an ended child nobody reaped yet is a zombie,
# which `kill -0` still finds).
running() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
alive() { [ -f "$1" ] && running "$(cat "$1")"; }

# Waits for https://localhost:PORT/health, or names the log to read.
wait_healthy() {
  local port=$1 pidfile=$2 log=$3
  for _ in $(seq 1 120); do
    curl -skf "https://localhost:$port/health" >/dev/null 2>&1 && return 0
    alive "$pidfile" || { tail -n 20 "$log" >&2; die "a node stopped while starting; see $log"; }
    sleep 0.5
  done
  die "no answer on port $port after 60 s; see $log"
}

node_config() {
  local profile=$1 offset=$2
  cat <<TOML
# Written by deploy/run.sh.
[server]
profile = "$profile"
offset = $offset
bind_address = "127.0.0.1"
trusted_proxies = ["127.0.0.1", "::1"]
public_url = "https://localhost:$((9443 + OFFSET))"

[gateway]
public_url = "https://localhost:$((8243 + OFFSET))"

[database]
url = "$DATABASE_URL"
TOML
  if [ "$profile" != key-manager ]; then
    cat <<TOML

[apim.key_manager]
service_url = "https://localhost:$((9443 + OFFSET + 1))/services/"
username = "$(cat "$RUN_DIR/credential.username")"
ca_cert_path = "$KM_DIR/data/tls/portico.crt"
TOML
  fi
}

start_node() {
  local name=$1 profile=$2 offset=$3 dir="$RUN_DIR/$1"
  mkdir -p "$dir"
  node_config "$profile" "$offset" > "$dir/deployment.toml"
  # The node credential's password is read from a file, never from the command line.
  (
    cd "$dir"
    if [ "$profile" != key-manager ]; then
      export PORTICO_APIM__KEY_MANAGER__PASSWORD_FILE="$RUN_DIR/credential.password"
    fi
    nohup "$PORTICO_BIN" serve > portico.log 2>&1 &
    echo $! > portico.pid
  )
  local port=$((9443 + offset))
  [ "$profile" = gateway ] && port=$((8243 + offset))
  wait_healthy "$port" "$dir/portico.pid" "$dir/portico.log"
  say "  $name ($profile) on offset $offset"
}

nginx_config() {
  local server
  upstream() {
    local base=$1 scheme=$2
    for n in "${NODES[@]}"; do
      set -- $n
      case "$2" in "$scheme") printf '        server 127.0.0.1:%s;\n' $(($base + $3));; esac
    done
  }
  cat <<CONF
# Written by deploy/run.sh.
$( [ "$(id -u)" = 0 ] && printf 'user %s;\n' "$(id -un)" )
worker_processes 2;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 1024; }
http {
    log_format upstreams '\$remote_addr "\$request" \$status upstream=\$upstream_addr';
    access_log $NGINX_DIR/access.log upstreams;
    client_body_temp_path $NGINX_DIR/tmp/body;
    proxy_temp_path $NGINX_DIR/tmp/proxy;
    fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
    scgi_temp_path $NGINX_DIR/tmp/scgi;
    client_max_body_size 16m;

    upstream portal {
$(upstream 9443 portal)
        keepalive 16;
    }
    upstream gateway_https {
$(upstream 8243 gateway)
        keepalive 64;
    }
    upstream gateway_http {
$(upstream 8280 gateway)
        keepalive 64;
    }

    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$http_host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    # The nodes' certificates are verified, not just accepted.
    proxy_ssl_verify on;
    proxy_ssl_trusted_certificate $NGINX_DIR/nodes.pem;
    proxy_ssl_name localhost;
    proxy_ssl_session_reuse on;
    # Only requests that change nothing are tried on the other node.
    proxy_next_upstream error timeout;

    ssl_certificate $NGINX_DIR/tls.crt;
    ssl_certificate_key $NGINX_DIR/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;

    server {
        listen 127.0.0.1:$((9443 + OFFSET)) ssl;
        location / { proxy_pass https://portal; }
    }
    server {
        listen 127.0.0.1:$((8243 + OFFSET)) ssl;
        location / { proxy_pass https://gateway_https; proxy_buffering off; }
    }
    server {
        listen 127.0.0.1:$((8280 + OFFSET));
        location / { proxy_pass http://gateway_http; proxy_buffering off; }
    }
}
CONF
}

start() {
  [ -n "$PORTICO_BIN" ] && [ -x "$PORTICO_BIN" ] || die "no portico binary: build it (cargo build --release --features ssr) or set PORTICO_BIN"
  command -v nginx >/dev/null || die "nginx is not installed (apt-get install nginx)"
  alive "$KM_DIR/portico.pid" && die "already running in $RUN_DIR; run deploy/run.sh stop first"
  mkdir -p "$RUN_DIR" "$NGINX_DIR/tmp"
  chmod 700 "$RUN_DIR"
  say "Starting Portico in $RUN_DIR (database $DATABASE_URL)"
  set -- ${NODES[0]}
  start_node "$@"
  local made
  made=$(cd "$KM_DIR" && "$PORTICO_BIN" key-manager credential create "edge-$(date +%s)-$$" --json)
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["username"]); print(d["password"])' \
    <<<"$made" | { read -r user; read -r password
      printf '%s' "$user" > "$RUN_DIR/credential.username"
      (umask 077; printf '%s' "$password" > "$RUN_DIR/credential.password"); }
  for n in "${NODES[@]:1}"; do
    set -- $n
    start_node "$@"
  done
  cp "$KM_DIR/data/tls/portico.crt" "$NGINX_DIR/tls.crt"
  (umask 077; cp "$KM_DIR/data/tls/portico.key" "$NGINX_DIR/tls.key")
  : > "$NGINX_DIR/nodes.pem"
  for n in "${NODES[@]:1}"; do
    set -- $n
    cat "$RUN_DIR/$1/data/tls/portico.crt" >> "$NGINX_DIR/nodes.pem"
  done
  nginx_config > "$NGINX_DIR/nginx.conf"
  nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -t -q || die "nginx refused its configuration"
  nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf"
  say "  nginx: portal https://localhost:$((9443 + OFFSET))/  gateway https://localhost:$((8243 + OFFSET))/ and http://localhost:$((8280 + OFFSET))/"
  grep -A2 'Created the administrator' "$KM_DIR/portico.log" || true
}

stop() {
  if alive "$NGINX_DIR/nginx.pid"; then
    nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -s quit || true
  fi
  local pids=()
  for n in "${NODES[@]}"; do
    set -- $n
    local pidfile="$RUN_DIR/$1/portico.pid"
    if alive "$pidfile"; then
      kill -TERM "$(cat "$pidfile")"
      pids+=("$1:$(cat "$pidfile")")
    fi
    rm -f "$pidfile"
  done
  [ -f "$NGINX_DIR/nginx.pid" ] && pids+=("nginx:$(cat "$NGINX_DIR/nginx.pid")")
  local left=()
  for _ in $(seq 1 80); do
    left=()
    for entry in "${pids[@]}"; do
      running "${entry#*:}" && left+=("$entry")
    done
    [ "${#left[@]}" = 0 ] && { say "Stopped."; return 0; }
    sleep 0.5
  done
  die "still running after 40 s: ${left[*]}"
}

status() {
  for n in "${NODES[@]}"; do
    set -- $n
    local port=$((9443 + $3)) state="stopped"
    [ "$2" = gateway ] && port=$((8243 + $3))
    alive "$RUN_DIR/$1/portico.pid" && state="$(curl -sk "https://localhost:$port/ready" || echo 'no answer')"
    say "$1 ($2): $state"
  done
  alive "$NGINX_DIR/nginx.pid" && say "nginx: running" || say "nginx: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  portico) shift; cd "$KM_DIR" && exec "$PORTICO_BIN" "$@" ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
