#!/usr/bin/env bash
# The GPU check, run on the device machine (no .NET there): unpacks the payload pack.sh made and runs the GPU tests of
# the Nn and Features test assemblies (PyTorch CNN goldens on the ILGPU backend, librosa spectral goldens, kernel tests)
# with the carried runtime. On a machine where ILGPU finds CUDA they run on CUDA (and on ILGPU's simulator); elsewhere
# on the simulator alone, which is how CI rehearses it.
#
# Usage: check.sh PAYLOAD.tar.xz OUT_DIR [cuda|simulator]
#   cuda (default): fails unless some test ran on CUDA.   simulator: the rehearsal (no GPU needed).
# Writes to OUT_DIR: check.log (everything), summary.txt, nvidia-smi.txt, nn-gpu.xml, features-gpu.xml (xunit results),
# and in cuda mode timings.md (BenchmarkDotNet: GPU log-mel per clip and of a batch of 64, conv 32->32, training steps of
# reference / default at batch 32 and 256, lachmish2016 at 32 and 128, inference of a 30 s clip), profile.txt (ms per
# layer of a training step) and peer.txt (the same operations in PyTorch / torchaudio on the same GPU). Each step has a
# time limit (tests 2 × 120 s — 300 s each on the simulator —, profile 150 s, peer 120 s, suites 705 s): about 20 minutes
# if every step ran to its limit; run 3 on an H200 took 264 s (4.5 minutes).
set -uo pipefail
payload="$1"; out="$2"; mode="${3:-cuda}"
[[ "$mode" == cuda || "$mode" == simulator ]] || { echo "check.sh: mode must be cuda or simulator" >&2; exit 2; }
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log="$out/check.log"
exec > >(tee "$log") 2>&1
start=$(date +%s)
echo "== GPU check ($mode) on $(hostname), $(date -u +%FT%TZ)"
# Unpack with tar's xz, or Python's lzma where the machine has no xz binary.
if command -v xz > /dev/null; then tar -xJf "$payload" -C "$work"
else python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$payload" "$work"
fi || { echo "check.sh: cannot unpack $payload"; exit 1; }
cat "$work/PAYLOAD"
# Invariant globalization: GPU images often lack libicu, without which .NET does not start.
export DOTNET_ROOT="$work/dotnet" PATH="$work/dotnet:$PATH" DOTNET_ROLL_FORWARD=Major DOTNET_CLI_TELEMETRY_OPTOUT=1 \
       DOTNET_NOLOGO=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 CI=true \
       MUSICGENRE_GOLDEN_DIR="$work/golden" MUSICGENRE_DATA_DIR="$work/golden"
# On the GPU machine the simulator cases are skipped (CI runs them); the rehearsal runs them, having nothing else.
[[ "$mode" == cuda ]] && export MUSICGENRE_GPU_TESTS_SKIP_SIMULATOR=1
echo "dotnet: $(command -v dotnet) ($("$work/dotnet/dotnet" --list-runtimes | tr '\n' ' '))"
{ nvidia-smi || echo "nvidia-smi: not available"; } > "$out/nvidia-smi.txt" 2>&1
head -20 "$out/nvidia-smi.txt"

rc=0
# On the GPU the tests take ~1 min; ILGPU's simulator (the CI rehearsal, on 2 busy cores) needs more.
tests_limit=120; [[ "$mode" == simulator ]] && tests_limit=300
for t in nn features; do
  asm="MusicGenre.${t^}.Tests"; [[ $t == nn ]] && asm="MusicGenre.Nn.Tests"
  echo "== $asm: namespace $asm.Gpu"
  (cd "$work/$t" && timeout "$tests_limit" dotnet "$work/xunit/xunit.console.dll" "$asm.dll" -namespace "$asm.Gpu" -nocolor \
      -parallel none -xml "$out/$t-gpu.xml") || rc=1
done

# Timings (cuda mode): a per-layer profile, the PyTorch peer on the same GPU, then the GPU benchmark suites in-process
# (no SDK here).
# Simulator mode (the rehearsal) only checks that both start: the suites never time ILGPU's simulator.
if [[ "$mode" == cuda ]]; then
  before="$(uptime)"
  echo "== load before the timings: $before"
  # The profile and the peer first: short, and the suites' output is the one that survives a cut best (per suite).
  echo "== Per-layer profile (ms, synchronised after each layer)"
  (cd "$work/bench" && timeout 150 dotnet MusicGenre.GpuBench.dll --profile) 2>&1 | tee "$out/profile.txt" \
    || echo "check.sh: profile failed or timed out"
  echo "== PyTorch peer"
  timeout 120 python3 "$work/torch_gpu_peer.py" 2>&1 | tee "$out/peer.txt" || echo "check.sh: peer failed or timed out"
  echo "== GPU suites (BenchmarkDotNet, in-process)"
  # One process per suite, so that each report is written as soon as its suite ends (a cut loses only the last).
  for suite in GpuTrainStepBench:320 GpuInferenceBench:45 GpuConvBench:190 GpuLogMelBatchBench:60 GpuLogMelBench:90; do
    (cd "$work/bench" && MUSICGENRE_BDN_INPROCESS=1 timeout "${suite#*:}" dotnet MusicGenre.GpuBench.dll \
        --filter "*${suite%:*}*" --artifacts "$work/bdn") || { echo "check.sh: ${suite%:*} failed or timed out"; rc=1; }
  done
  cat "$work"/bdn/results/*-report-github.md > "$out/timings.md" 2>/dev/null || echo "no suite reports" > "$out/timings.md"
  echo "== load after the timings: $(uptime)"
  { echo "load before the timings: $before"; echo "load after the timings: $(uptime)"; } >> "$out/timings.md"
else
  echo "== GPU suites: listed only"
  (cd "$work/bench" && dotnet MusicGenre.GpuBench.dll --list flat) || rc=1
  python3 -m py_compile "$work/torch_gpu_peer.py" "$work/torch_peer.py" && echo "torch_gpu_peer.py compiles" || rc=1
fi

# What ran where: test cases per device kind, from the xunit results.
{
  echo "mode $mode, $(( $(date +%s) - start )) s"
  for t in nn features; do
    x="$out/$t-gpu.xml"
    [[ -f "$x" ]] || { echo "$t: no results"; continue; }
    total=$(grep -o '<test ' "$x" | wc -l); failed=$(grep -o 'result="Fail"' "$x" | wc -l)
    cuda=$(grep -o '<test [^>]*Cuda[^>]*>' "$x" | wc -l)
    echo "$t: $total tests, $failed failed, $cuda with Cuda in their name"
  done
} | tee "$out/summary.txt"
if [[ "$mode" == cuda ]] && ! grep -qE ' [1-9][0-9]* with Cuda' "$out/summary.txt"; then
  echo "check.sh: no test ran on CUDA (ILGPU found no CUDA device?)"; rc=1
fi
echo "== exit $rc"
exit $rc
