#!/usr/bin/env bash
# Runs TrainingThroughputBench (BenchmarkDotNet, CPU backend, 2 threads) and the PyTorch peer side by side and prints
# samples/s and the ratio per network. Needs Debian's python3-torch (apt-get install python3-torch). Run from anywhere,
# on an idle machine. MUSICGENRE_BENCH_NETS / MUSICGENRE_BENCH_STEPS choose the networks and steps (see RESULTS.md).
#   BUILD=0      use the suite as built (default: build it first, then time; the load after the build is printed)
#   AVX2=1       both sides limited to AVX2 on an AVX-512 CPU: ours DOTNET_EnableAVX512=0; the peer
#                ATEN_CPU_CAPABILITY=avx2, ONEDNN_MAX_CPU_ISA=AVX2, OPENBLAS_CORETYPE=Haswell
#   ARTIFACTS=D  keep BenchmarkDotNet's reports in D (default: a temporary folder, removed at the end)
set -euo pipefail
source "$(dirname "$0")/../compare_common.sh"
env "${ours_env[@]}" dotnet "$root/benchmarks/MusicGenre.Benchmarks/bin/Release/net10.0/MusicGenre.Benchmarks.dll" \
  --filter '*Training.TrainingThroughputBench*' --artifacts "$artifacts" --exporters csv
report="$(ls "$artifacts"/results/*TrainingThroughputBench-report.csv)"
env "${peer_env[@]}" /usr/bin/python3 "$root/benchmarks/MusicGenre.Benchmarks/Training/torch_peer.py" "$report"
