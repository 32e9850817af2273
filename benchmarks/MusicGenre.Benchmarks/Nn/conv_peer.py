#!/usr/bin/env python3
"""Peer timing: PyTorch 1.13 (Debian python3-torch) Conv2d 32->32 3x3 pad 1 on 1x32x128x599 forward, 2 threads.

Run beside the BenchmarkDotNet suite:
  /usr/bin/python3 benchmarks/MusicGenre.Benchmarks/Nn/conv_peer.py [OURS_MS | ConvForwardBench-report.csv [METHOD]]
Prints the median wall time, GFLOP/s, the minimum process CPU time per call and, given our median (a number in ms, or
the suite's BenchmarkDotNet CSV report and a method, default Winograd), the speed-up PyTorch / ours (> 1: ours faster),
the direction the README and RESULTS.md report.
The machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are dropped for the peer (they are tuned for another program); set
PEER_OPENBLAS_CORETYPE=Haswell to limit OpenBLAS to AVX2 for an AVX2-only comparison (with ONEDNN_MAX_CPU_ISA=AVX2 for
oneDNN's convolution, and DOTNET_EnableAVX512=0 on our side).
"""
import csv, os, sys, time, statistics

core = os.environ.pop("PEER_OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)
if core:
    os.environ["OPENBLAS_CORETYPE"] = core
import torch

torch.set_num_threads(2)
torch.manual_seed(1)
conv = torch.nn.Conv2d(32, 32, 3, padding=1)
x = torch.randn(1, 32, 128, 599)
flop = 2 * 32 * 32 * 9 * 128 * 599
with torch.no_grad():
    for _ in range(5):
        conv(x)
    times, cpu = [], []
    for _ in range(30):
        c0, t0 = time.process_time(), time.perf_counter()
        conv(x)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
med = statistics.median(times) * 1e3
print(f"torch {torch.__version__} threads={torch.get_num_threads()} mkldnn={torch.backends.mkldnn.is_available()}")
print(f"pytorch conv forward: median {med:.2f} ms, min {min(times)*1e3:.2f} ms, {flop / (med * 1e-3) / 1e9:.1f} GFLOP/s")
# Process CPU time (all threads) per call: less sensitive to other work on a shared machine than wall time.
print(f"pytorch process CPU per call: min {min(cpu)*1e3:.2f} ms, {flop / min(cpu) / 1e9:.1f} GFLOP/s per CPU-second")
def parse_ms(text):
    value, unit = text.replace(",", "").split()
    return float(value) * {"ns": 1e-6, "us": 1e-3, "μs": 1e-3, "ms": 1.0, "s": 1e3}[unit]


if len(sys.argv) > 1:
    if sys.argv[1].endswith(".csv"):
        method = sys.argv[2] if len(sys.argv) > 2 else "Winograd"
        with open(sys.argv[1], newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r["Method"] == method and r.get("Job", "") != "Dry"
                    and r.get("Threads", "2") == "2"]
        if len(rows) != 1:
            raise SystemExit(f"{sys.argv[1]}: expected one '{method}' row at 2 threads (not a Dry job), found {len(rows)}")
        ours = parse_ms(rows[0]["Median"])
    else:
        ours = float(sys.argv[1])
    print(f"ours {ours:.2f} ms (median) -> PyTorch / ours = {med / ours:.2f}x (> 1: ours faster)")
