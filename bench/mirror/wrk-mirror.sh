#!/usr/bin/env bash
# Load test of the HTTP mirror with wrk: the primary directly, then through the mirror, with the shadow healthy,
# slow (+100 ms per request) and down (nothing listening), each paced at ~5,000 requests/s and at the maximum rate.
#
#   bench/mirror/wrk-mirror.sh [duration] [mirrored share] [connections]     defaults: 15s 0.1 50
#
# Prints one row per run (requests/s, p50, p99 as wrk reports them) and the mirror's counters per shadow mode.
# With HAProxy installed (install.sh installs it), the healthy mode also runs a reference row: the same load through
# HAProxy, one thread, keep-alive to the primary, no copies. It shows what any proxy hop costs on this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15s}
share=${2:-0.1}
connections=${3:-50}
command -v wrk >/dev/null || { echo "wrk-mirror.sh: wrk is missing (./install.sh --deps-only installs it)" >&2; exit 1; }

dotnet build bench/ShadowAgent.Benchmarks.Mirror -c Release -v q --nologo >/dev/null
rig=bench/ShadowAgent.Benchmarks.Mirror/bin/Release/net10.0/ShadowAgent.Benchmarks.Mirror.dll
primary=127.0.0.1:18081
shadow=127.0.0.1:18082
mirror=127.0.0.1:18080
nowhere=127.0.0.1:18099
reference=127.0.0.1:18083
logs=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "wrk-mirror.sh: nothing listens on $1" >&2
  exit 1
}

run() { # mode target url pacing
  local script=()
  [ "$4" = paced ] && script=(-s bench/mirror/pace.lua)
  local out
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency "${script[@]}" "$3")
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-8s %-7s %-7s %10s %10s %10s\n' "$1" "$4" "$2" "$rps" "$p50" "$p99"
  [ -z "${WRK_RAW:-}" ] || echo "$out" >&2
}

printf '%-8s %-7s %-7s %10s %10s %10s\n' shadow pacing target 'req/s' p50 p99
for mode in healthy slow down; do
  delay=0; [ "$mode" = slow ] && delay=100
  target=$shadow; [ "$mode" = down ] && target=$nowhere
  dotnet "$rig" servers "$primary" "$shadow" "$delay" >"$logs/servers-$mode.log" 2>&1 &
  servers=$!; pids+=("$servers")
  wait_port "$primary"; wait_port "$shadow"
  # MIRROR_ENV (for example DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1) applies to the mirror process only.
  env ${MIRROR_ENV:-} dotnet "$rig" mirror "$mirror" "$primary" "$target" "$share" >"$logs/mirror-$mode.log" 2>&1 &
  mirror_pid=$!; pids+=("$mirror_pid")
  wait_port "$mirror"
  # Warm-up: JIT, connection pools.
  wrk -t2 -c"$connections" -d3s "http://$primary/" >/dev/null
  wrk -t2 -c"$connections" -d3s "http://$mirror/" >/dev/null
  haproxy_pid=
  if [ "$mode" = healthy ] && command -v haproxy >/dev/null; then
    printf 'global\n  nbthread 1\n  maxconn 4096\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nfrontend reference\n  bind %s\n  default_backend primary\nbackend primary\n  http-reuse always\n  server primary %s\n' \
      "$reference" "$primary" >"$logs/haproxy.cfg"
    haproxy -f "$logs/haproxy.cfg" -db >"$logs/haproxy.log" 2>&1 &
    haproxy_pid=$!; pids+=("$haproxy_pid")
    wait_port "$reference"
    wrk -t2 -c"$connections" -d3s "http://$reference/" >/dev/null
  elif [ "$mode" = healthy ]; then
    echo "         (no haproxy: the reference row is skipped; ./install.sh installs it)"
  fi
  for pacing in paced max; do
    run "$mode" direct "http://$primary/" "$pacing"
    run "$mode" mirror "http://$mirror/" "$pacing"
    [ -z "$haproxy_pid" ] || run "$mode" haproxy "http://$reference/" "$pacing"
  done
  [ -z "$haproxy_pid" ] || { kill "$haproxy_pid"; wait "$haproxy_pid" || true; }
  kill "$mirror_pid"; wait "$mirror_pid" || true
  kill "$servers"; wait "$servers" || true
  echo "         $(grep 'mirror counters' "$logs/mirror-$mode.log")"
done
rm -rf "$logs"
