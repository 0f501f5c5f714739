# Shared by the benchmark scripts: wrk at concurrency 64, summarised.

# /proc counts CPU time in clock ticks.
TICK_MS=$((1000 / $(getconf CLK_TCK)))

# CPU time the hypervisor gave to other guests (steal, /proc/stat), in ms since boot: a
# phase the host preempted the machine in shows stalls that are not the server's.
steal_ms() { echo $(( $(awk '$1=="cpu" {print $9}' /proc/stat) * TICK_MS )); }

# cpu_ms PID... -> user + system CPU time of these processes (all threads), in ms.
cpu_ms() {
  local ticks=0 p
  for p in "$@"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo $((ticks * TICK_MS))
}

# run_wrk URL [wrk options...] -> "requests/s p50 p99 errors steal-ms"
run_wrk() {
  local url=$1; shift
  local out before
  before=$(steal_ms)
  out=$(wrk -t2 -c64 -d"${SECS}s" --latency "$@" "$url" 2>&1)
  grep "failure sample" <<<"$out" >&2 || true
  local rps p50 p99 non2xx sockerr
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  sockerr=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' <<<"$out"); sockerr=${sockerr:-0}
  echo "$rps $p50 $p99 $((non2xx + sockerr)) $(( $(steal_ms) - before ))"
}

# bench_executable NAME -> path of the `[[bench]]` NAME, built once (release profile), so a
# script runs it directly instead of through cargo each time.
bench_executable() {
  cargo bench --features ssr --quiet --bench "$1" --no-run 2>/dev/null
  ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/"$1"-* | grep -v '\.d$' | head -n1
}

# measure "PID..." URL [wrk options...] -> run_wrk's fields and the CPU microseconds these
# processes spent per request: what a server costs, apart from how the cores are shared.
measure() {
  local pids=$1 before rps p50 p99 err steal; shift
  # shellcheck disable=SC2086
  before=$(cpu_ms $pids)
  read -r rps p50 p99 err steal < <(run_wrk "$@")
  # shellcheck disable=SC2086
  echo "$rps $p50 $p99 $err $steal $(awk -v ms="$(( $(cpu_ms $pids) - before ))" -v r="$rps" -v s="$SECS" \
    'BEGIN { if (r > 0) printf "%.0f", ms * 1000 / (r * s); else printf "–" }')"
}
