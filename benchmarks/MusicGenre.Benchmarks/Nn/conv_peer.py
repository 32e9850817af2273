#!/usr/bin/env python3
"""Peer timing: PyTorch 1.13 (Debian python3-torch) Conv2d 32->32 3x3 pad 1 on 1x32x128x599 forward, 2 threads.

Run beside the BenchmarkDotNet suite:  /usr/bin/python3 benchmarks/MusicGenre.Benchmarks/Nn/conv_peer.py [csharp_ms]
Prints the median wall time, GFLOP/s, the minimum process CPU time per call and, given the C# median in ms, the ratio C# / PyTorch (< 1 means C# is faster).
"""
import os, sys, time, statistics

os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)
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
if len(sys.argv) > 1:
    cs = float(sys.argv[1])
    print(f"csharp {cs:.2f} ms -> ratio csharp/pytorch = {cs / med:.2f}")
