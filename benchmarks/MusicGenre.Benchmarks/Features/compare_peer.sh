#!/usr/bin/env bash
# Runs LogMelBench (BenchmarkDotNet) and the torchaudio peer in one go and prints the ratio.
# Needs: apt-get install python3-torchaudio (Debian's torch 1.13 / torchaudio 0.13). Run from the repository root.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
artifacts="$(mktemp -d)"
dotnet run -c Release --project "$root/benchmarks/MusicGenre.Benchmarks" -- \
  --filter '*Features.LogMelBench*' --artifacts "$artifacts" --exporters csv
report="$(ls "$artifacts"/results/*LogMelBench-report.csv)"
# The peer gets its own environment: these two OpenBLAS overrides of the shared machine are removed for it only.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$root/benchmarks/MusicGenre.Benchmarks/Features/torchaudio_peer.py" "$report"
