#!/usr/bin/env bash
# Runs TrainingThroughputBench (BenchmarkDotNet, CPU backend, 2 threads) and the PyTorch peer side by side and prints
# samples/s and the ratio per network. Needs Debian's python3-torch (apt-get install python3-torch). Run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
artifacts="$(mktemp -d)"
dotnet run -c Release --project "$root/benchmarks/MusicGenre.Benchmarks" -- \
  --filter '*Training.TrainingThroughputBench*' --artifacts "$artifacts" --exporters csv
report="$(ls "$artifacts"/results/*TrainingThroughputBench-report.csv)"
# The peer gets its own environment: the shared machine's two OpenBLAS overrides are removed for it only.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$root/benchmarks/MusicGenre.Benchmarks/Training/torch_peer.py" "$report"
