#!/usr/bin/env bash
# t-SNE, ours against scikit-learn's Barnes-Hut TSNE (tsne_peer.py) on the same points, in one run:
#
#   bash benchmarks/MusicGenre.Benchmarks/Tsne/compare_peer.sh STORE [segment|song] [ROUNDS]
#
# STORE is a feature store (e.g. `musicgenre preprocess ../shared/data/gtzan-mini --out gtzan.h5`). Each round runs
# `musicgenre tsne STORE --points P --level none` and the peer one after the other (GNU time: wall seconds, peak RSS),
# both with their defaults matched (tsne_peer.py says which), 2 threads each; then prints the 5-NN genre agreement of
# both layouts. BUILD=0 uses the built CLI. Needs python3-sklearn and python3-h5py (apt-get). Run it on an idle machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
store="$(realpath "$1")" points="${2:-segment}" rounds="${3:-2}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
[[ "${BUILD:-1}" != 0 ]] && dotnet build -c Release "$root/src/MusicGenre.Cli" > /dev/null
cli="$root/src/MusicGenre.Cli/bin/Release/net10.0/musicgenre.dll"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; store $store, --points $points"
for r in $(seq 1 "$rounds"); do
  echo "round $r, load before ours: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f 'ours wall %e s, peak RSS %M KB' dotnet "$cli" tsne "$store" --points "$points" --level none \
    --out "$work/ours.png" --force > /dev/null
  echo "load before peer: $(cut -d' ' -f1-3 /proc/loadavg)"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/time -f 'peer wall %e s, peak RSS %M KB' \
    /usr/bin/python3 "$root/benchmarks/MusicGenre.Benchmarks/Tsne/tsne_peer.py" "$store" --points "$points" --threads 2
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
/usr/bin/python3 - "$work/ours.csv" <<'PY'
import csv, sys, numpy as np
rows = list(csv.DictReader(open(sys.argv[1])))
y = np.array([[float(r["x"]), float(r["y"])] for r in rows]); labels = np.array([int(r["label"]) for r in rows])
d = ((y[:, None] - y[None]) ** 2).sum(-1); np.fill_diagonal(d, np.inf)
print(f"ours: {len(rows)} points, 5-NN genre agreement {(labels[np.argsort(d, 1)[:, :5]] == labels[:, None]).mean():.4f}")
PY
