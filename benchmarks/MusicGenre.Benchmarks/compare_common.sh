# Sourced by the compare_peer.sh scripts (ours and a PyTorch peer in one run): sets $root, $artifacts, ours_env and
# peer_env from BUILD / AVX2 / ARTIFACTS (documented in each script), and builds the suites unless BUILD=0.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ -n "${ARTIFACTS:-}" ]]; then artifacts="$ARTIFACTS"; else artifacts="$(mktemp -d)"; trap 'rm -rf "$artifacts"' EXIT; fi
# The peer gets its own environment: the shared machine's two OpenBLAS overrides are removed for it only.
ours_env=() peer_env=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
if [[ "${AVX2:-0}" == 1 ]]; then
  ours_env=(DOTNET_EnableAVX512=0)
  peer_env+=(ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell)
fi
if [[ "${BUILD:-1}" != 0 ]]; then
  dotnet build -c Release "$root/benchmarks/MusicGenre.Benchmarks" > /dev/null
  echo "built; load now: $(uptime)"
fi
