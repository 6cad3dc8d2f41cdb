#!/usr/bin/env bash
# Installs what this machine lacks to build, test and run ShadowAgent, then publishes both executables
# as native AOT into out/bin. Safe to run again: it installs only what is missing and publishing is
# incremental.
#
#   ./install.sh              system packages + publish shadow-agent and shadow-aggregator
#   ./install.sh --deps-only  system packages only
set -euo pipefail
cd "$(dirname "$0")"

deps_only=0
for arg in "$@"; do
  case "$arg" in
    --deps-only) deps_only=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Debian packages: clang and zlib for the native AOT linker; python3-onnx, the ONNX project's own checker, which
# the model tests run on every exported model as an independent reader (/usr/bin/python3); python3-grpcio and
# python3-grpc-tools, the independent KEDA client the aggregator tests run against its external scaler; libvirt0
# (the C library the agent resizes VMs through; its test:///default driver runs in-process for the tests) and
# libvirt-clients (virsh, to inspect the same driver by hand); wrk, the HTTP load generator the mirror's load
# test (bench/mirror/wrk-mirror.sh) drives, and haproxy, the reference proxy hop it measures beside the mirror;
# python3-msgpack, an independent
# MessagePack writer the forward tap's tests send every forward-protocol mode with.
packages=(clang zlib1g-dev python3-onnx python3-grpcio python3-grpc-tools libvirt0 libvirt-clients wrk haproxy python3-msgpack)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "system packages present (${packages[*]})"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install.sh: the .NET SDK 10 is required (dotnet not found on PATH)." >&2
  exit 1
fi
sdk_major=$(dotnet --version | cut -d. -f1)
if [ "$sdk_major" -lt 10 ]; then
  echo "install.sh: the .NET SDK 10 or later is required (found $(dotnet --version))." >&2
  exit 1
fi

[ "$deps_only" -eq 1 ] && exit 0

# No IlcInstructionSet: measured with OptimizationPreference=Speed, the portable x86-64 baseline parses
# 2-4% more records per second in the tap than x86-64-v3 (README, Performance), and it runs on every
# x86-64 host.
rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
mkdir -p out/bin
for project in ShadowAgent.Agent ShadowAgent.Aggregator; do
  say "publishing $project (native AOT, $rid)"
  dotnet publish "src/$project" -c Release -r "$rid" -o out/bin --nologo -v quiet \
    | grep -vE '^\s*$' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "install.sh: publishing $project failed" >&2; exit 1; }
done
# ONNX Runtime's native library: the native AOT publish copies the package's runtimes/<rid>/native/libonnxruntime.so
# beside the binaries (both load it: the agent to score shipped models, the aggregator to check what it trains). An
# agent without it still runs, on its statistical detectors only, and refuses model updates saying why.
[ -f out/bin/libonnxruntime.so ] || { echo "install.sh: out/bin/libonnxruntime.so is missing after publishing" >&2; exit 1; }
say "ready: out/bin/shadow-agent, out/bin/shadow-aggregator (+ libonnxruntime.so)"
