#!/usr/bin/env bash
# Runs LogMelBench (BenchmarkDotNet) and the torchaudio peer in one go and prints the ratio.
# Needs: apt-get install python3-torchaudio (Debian's torch 1.13 / torchaudio 0.13). Run from anywhere.
# PIN=1 pins both to core 1 at the lowest real-time priority (root; see RESULTS.md: on a loaded shared machine this
# is the only way to get stable figures; tiered JIT is switched off so the pinned thread cannot starve it).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
artifacts="$(mktemp -d)"
pin=()
if [[ "${PIN:-0}" == 1 ]]; then
  pin=(taskset -c 1 chrt -f 1)
  export DOTNET_TieredCompilation=0
fi
dotnet build -c Release "$root/benchmarks/MusicGenre.Benchmarks" > /dev/null
"${pin[@]}" "$root/benchmarks/MusicGenre.Benchmarks/bin/Release/net10.0/MusicGenre.Benchmarks" \
  --filter '*Features.LogMelBench*' --artifacts "$artifacts" --exporters csv
report="$(ls "$artifacts"/results/*LogMelBench-report.csv)"
# The peer gets its own environment: these two OpenBLAS overrides of the shared machine are removed for it only.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${pin[@]}" /usr/bin/python3 "$root/benchmarks/MusicGenre.Benchmarks/Features/torchaudio_peer.py" "$report"
