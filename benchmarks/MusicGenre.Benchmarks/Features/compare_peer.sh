#!/usr/bin/env bash
# Runs LogMelBench (BenchmarkDotNet) and the torchaudio peer in one go and prints the ratio.
# Needs: apt-get install python3-torchaudio (Debian's torch 1.13 / torchaudio 0.13). Run from anywhere, on an idle machine.
#   BUILD=0      use the suite as built (default: build it first, then time; the load after the build is printed)
#   AVX2=1       both sides limited to AVX2 on an AVX-512 CPU: ours DOTNET_EnableAVX512=0; the peer
#                ATEN_CPU_CAPABILITY=avx2, ONEDNN_MAX_CPU_ISA=AVX2, OPENBLAS_CORETYPE=Haswell
#   ARTIFACTS=D  keep BenchmarkDotNet's reports in D (default: a temporary folder, removed at the end)
#   PIN=1        pins both to core 1 at the lowest real-time priority (root; see RESULTS.md: on a loaded shared machine
#                this is the only way to get stable figures; tiered JIT is switched off so the pinned thread cannot starve it)
set -euo pipefail
source "$(dirname "$0")/../compare_common.sh"
pin=()
if [[ "${PIN:-0}" == 1 ]]; then
  pin=(taskset -c 1 chrt -f 1)
  export DOTNET_TieredCompilation=0
fi
env "${ours_env[@]}" "${pin[@]}" "$root/benchmarks/MusicGenre.Benchmarks/bin/Release/net10.0/MusicGenre.Benchmarks" \
  --filter '*Features.LogMelBench*' --artifacts "$artifacts" --exporters csv
report="$(ls "$artifacts"/results/*LogMelBench-report.csv)"
env "${peer_env[@]}" "${pin[@]}" /usr/bin/python3 "$root/benchmarks/MusicGenre.Benchmarks/Features/torchaudio_peer.py" "$report"
