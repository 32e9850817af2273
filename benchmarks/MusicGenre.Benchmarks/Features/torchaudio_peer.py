#!/usr/bin/env python3
"""Times the peer (Debian python3-torchaudio 0.13) on the LogMelBench workload and prints the ratio to ours.

Workload: log-mel of a 30 s 22050 Hz clip with librosa_default parameters (n_fft 2048, hop 512, 128 Slaney mels,
fmax 11025, centre with zero padding, power 2, dB with top_db 80), the same synthetic signal as LogMelBench.
Usage: torchaudio_peer.py [BenchmarkDotNet LogMelBench CSV report]  (run via compare_peer.sh).
"""
import csv
import math
import sys
import time

import numpy as np
import torch
import torchaudio

SR = 22050


def signal():
    t = np.arange(30 * SR, dtype=np.float64) / SR
    rng = np.random.default_rng(7)
    x = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 97.5 * t) + 0.05 * rng.uniform(-1, 1, t.size)
    return torch.from_numpy(x.astype(np.float32))


def time_peer(threads, repeats=30):
    torch.set_num_threads(threads)
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=SR, n_fft=2048, hop_length=512, n_mels=128, f_max=11025.0,
        norm="slaney", mel_scale="slaney", pad_mode="constant", power=2.0)
    to_db = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=80.0)
    x = signal()
    with torch.inference_mode():
        for _ in range(3):
            to_db(mel(x))
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            y = to_db(mel(x))
            times.append(time.perf_counter() - t0)
    assert tuple(y.shape) == (128, 1292), y.shape
    times.sort()
    return times[0] * 1e3, times[len(times) // 2] * 1e3


def parse_ms(text):
    value, unit = text.replace(",", "").split()
    return float(value) * {"ns": 1e-6, "us": 1e-3, "μs": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def ours(csv_path):
    # One 'Simd' row per job in the report: a BenchmarkDotNet --job dry run adds a Dry job beside the suite's own,
    # whose single cold invocation is no measurement. Take the suite's own job; refuse to guess between several.
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Method"] == "Simd" and r.get("Job", "") != "Dry"]
    if not rows:
        raise SystemExit(f"{csv_path}: no 'Simd' row (other than a Dry job's)")
    if len(rows) > 1:
        raise SystemExit(f"{csv_path}: {len(rows)} 'Simd' rows (jobs {', '.join(r.get('Job', '?') for r in rows)}); run the suite with its own job only")
    return parse_ms(rows[0]["Min"]), parse_ms(rows[0]["Median"])


def main():
    print(f"torch {torch.__version__}, torchaudio {torchaudio.__version__}")
    peer = {n: time_peer(n) for n in (1, 2)}
    for n, (best, med) in peer.items():
        print(f"torchaudio log-mel 30 s, {n} thread(s): min {best:.2f} ms, median {med:.2f} ms")
    if len(sys.argv) > 1:
        best, med = ours(sys.argv[1])
        print(f"MusicGenre LogMelBench.Simd (1 core):   min {best:.2f} ms, median {med:.2f} ms")
        for n, (pbest, pmed) in peer.items():
            print(f"ratio torchaudio({n} thread(s)) / ours: min {pbest / best:.1f}x, median {pmed / med:.1f}x")


if __name__ == "__main__":
    main()
