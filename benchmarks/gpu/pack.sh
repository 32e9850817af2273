#!/usr/bin/env bash
# Builds the GPU check's payload on a CPU machine: one tar.xz with a trimmed .NET runtime (from this machine's
# installation), xunit's console runner, the Nn and Features test assemblies (their GPU tests run on CUDA when ILGPU
# finds it), the golden files they compare with (librosa-features.h5 cut to a subset by golden_subset.py, and
# torch-cnn.h5), the GPU benchmark suites (MusicGenre.GpuBench) and their PyTorch peer (torch_gpu_peer.py). The device machine has no .NET: check.sh unpacks this and runs it there.
#
# Usage: benchmarks/gpu/pack.sh [OUT_DIR]     (default: .gpu in the repository root, git-ignored)
# Env:   PYTHON (default /usr/bin/python3, with python3-h5py), XZ_OPT (default -6, as in the CI rehearsal, which checks
#        the real size), MUSICGENRE_GOLDEN_DIR (default ../shared/golden),
#        PACK_NO_BUILD=1 uses the test assemblies already built (bin/Release/net10.0) instead of building them.
# Prints the payload path and its size; fails when it is over 54 MiB (the device machine takes 64 MiB with the repo).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/.gpu}"
golden="${MUSICGENRE_GOLDEN_DIR:-$root/../shared/golden}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"

# 1. The test assemblies (framework-dependent build output: no native libraries are involved).
for t in Nn Features; do
  proj="$root/tests/MusicGenre.$t.Tests"
  if [[ "${PACK_NO_BUILD:-0}" != 1 ]]; then dotnet build "$proj" -c Release -v q -nologo > /dev/null; fi
  mkdir -p "$stage/${t,,}"
  cp -r "$proj/bin/Release/net10.0/." "$stage/${t,,}/"
done

# 1b. The GPU benchmark suites alone (MusicGenre.GpuBench), less Windows natives and satellite resource folders.
bench="$root/benchmarks/gpu/MusicGenre.GpuBench"
if [[ "${PACK_NO_BUILD:-0}" != 1 ]]; then dotnet build "$bench" -c Release -v q -nologo > /dev/null; fi
mkdir -p "$stage/bench"
cp -r "$bench/bin/Release/net10.0/." "$stage/bench/"
rm -rf "$stage/bench/runtimes/win"*
for d in "$stage"/{bench,nn,features}/*/; do
  [[ -z "$(find "$d" -type f ! -name '*.resources.dll' -print -quit)" ]] && rm -rf "$d"
done

# 2. xunit's console runner (netcoreapp2.0 build, run with DOTNET_ROLL_FORWARD=Major).
dotnet restore "$root/benchmarks/gpu/runner-tools.proj" -v q -nologo > /dev/null
runner="${NUGET_PACKAGES:-$HOME/.nuget/packages}/xunit.runner.console/2.4.1/tools/netcoreapp2.0"
cp -r "$runner" "$stage/xunit"

# 3. The runtime: dotnet host, hostfxr and the Microsoft.NETCore.App this SDK runs, less what the check never loads
#    (debugger and alternative-GC libraries, VB, data, serialisation, mail/quic/listener networking, code pages).
dotnet_exe="$(readlink -f "$(command -v dotnet)")"
dotnet_root="$(dirname "$dotnet_exe")"
version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')"
[[ -n "$version" ]] || { echo "pack.sh: no Microsoft.NETCore.App 10.x runtime found" >&2; exit 1; }
mkdir -p "$stage/dotnet/shared/Microsoft.NETCore.App"
cp "$dotnet_root/dotnet" "$stage/dotnet/"
cp -r "$dotnet_root/host" "$stage/dotnet/"
fx="$stage/dotnet/shared/Microsoft.NETCore.App/$version"
cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$version" "$fx"
for f in createdump libmscordaccore.so libmscordbi.so libclrgc.so libclrgcexp.so Microsoft.VisualBasic.Core.dll \
         Microsoft.VisualBasic.dll System.Data.Common.dll System.Private.DataContractSerialization.dll \
         System.Linq.AsyncEnumerable.dll System.Text.Encoding.CodePages.dll System.Net.Mail.dll System.Net.Quic.dll \
         System.Net.HttpListener.dll System.Net.Requests.dll System.Transactions.Local.dll \
         System.Threading.Tasks.Dataflow.dll; do
  rm -f "$fx/$f"
done

# 4. Goldens.
mkdir -p "$stage/golden"
"${PYTHON:-/usr/bin/python3}" "$root/benchmarks/gpu/golden_subset.py" "$golden/librosa-features.h5" "$stage/golden/librosa-features.h5"
cp "$golden/torch-cnn.h5" "$stage/golden/"
cp "$root/benchmarks/gpu/check.sh" "$root/benchmarks/gpu/torch_gpu_peer.py" \
   "$root/benchmarks/MusicGenre.Benchmarks/Training/torch_peer.py" "$stage/"
echo "runtime $version, built $(date -u +%FT%TZ) from $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" > "$stage/PAYLOAD"

# 5. One archive, written under a temp name and renamed.
tmp="$out/.payload.tar.xz.$$"
XZ_OPT="${XZ_OPT:--6} -T2" tar -cJf "$tmp" -C "$stage" .
mv "$tmp" "$out/payload.tar.xz"
size=$(stat -c %s "$out/payload.tar.xz")
echo "$out/payload.tar.xz $((size / 1048576)) MiB ($size bytes)"
(( size <= 54 * 1048576 )) || { echo "pack.sh: payload over 54 MiB" >&2; exit 1; }
