#!/usr/bin/env python3
"""PyTorch / torchaudio peer of the GPU suites, run by check.sh on the same machine: median milliseconds of
- log-mel (librosa_default: n_fft 2048, hop 512, 128 Slaney mels, power 2, dB with top_db 80) of one 30 s 22050 Hz
  clip (GpuLogMelBench) and of a batch of 64 such clips (clips/s),
- conv 32->32 3x3 pad 1 on 1x32x128x599, forward and forward+backward (GpuConvBench),
- the batch of 64 again with the host transfers GpuLogMelBatchBench pays (samples up, mel power and log-mel down),
- one SGD step (momentum 0.9) of the reference 3-conv net (1 x 128 x 599), the `default` network (width 8, 1 x 128 x 130)
  and `lachmish2016` (1 x 128 x 599) at batch 32 and 256 (lachmish2016: 128) (GpuTrainStepBench); the reference step also with TF32 off
  (PyTorch's cuDNN convolutions use TF32 tensor cores by default; ours compute in plain FP32),
- inference of a 30 s clip with `default`: 10 segments of 128 x 130 uploaded, eval mode, softmax averaged (GpuInferenceBench).
Uses CUDA when torch sees it, else the CPU (--dry: two repetitions and a batch of 2, to try the script on a CPU).

Usage: torch_gpu_peer.py [--dry]
"""
import statistics, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

# The networks are the CPU peer's (benchmarks/MusicGenre.Benchmarks/Training/torch_peer.py, carried beside this file).
import os
# Beside this file in the payload; in the repository it is in the CPU suites' Training folder.
sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "MusicGenre.Benchmarks", "Training"))
from torch_peer import Default, Lachmish2016, Reference  # noqa: E402

DRY = "--dry" in sys.argv
DEV = torch.device("cuda" if torch.cuda.is_available() else "cpu")
REPS = 2 if DRY else 20


def sync():
    if DEV.type == "cuda":
        torch.cuda.synchronize()


def median_ms(fn):
    fn(); fn(); sync()
    times = []
    for _ in range(REPS):
        t = time.perf_counter(); fn(); sync(); times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def logmel_parts():
    """(mel power, dB, name) for librosa_default on DEV: torchaudio's transforms, or torch.stft with a stand-in
    filterbank of the same shape where torchaudio is missing."""
    try:
        import torchaudio
        mel = torchaudio.transforms.MelSpectrogram(sample_rate=22050, n_fft=2048, hop_length=512, n_mels=128,
                                                   norm="slaney", mel_scale="slaney", power=2.0).to(DEV)
        db = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=80.0).to(DEV)
        return mel, db, f"torchaudio {torchaudio.__version__}"
    except ImportError:
        window = torch.hann_window(2048, device=DEV)
        basis = torch.rand(128, 1025, device=DEV)

        def mel(x):
            return basis @ torch.stft(x, 2048, 512, window=window, return_complex=True).abs().pow(2)

        def db(m):
            v = 10 * torch.log10(torch.clamp(m, min=1e-10))
            return torch.maximum(v, v.amax(dim=(-2, -1), keepdim=True) - 80)
        return mel, db, "torch.stft (no torchaudio)"


def logmel_fn(batch):
    mel, db, name = logmel_parts()
    x = torch.randn(batch, 30 * 22050, device=DEV) * 0.1
    return (lambda: db(mel(x))), name


def train_step_fn(net, frames, batch=32):
    net = net.to(DEV).train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 1, 128, frames, device=DEV)
    y = torch.arange(batch, device=DEV) % 10

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
        opt.step()
    return step


def main():
    gpu = torch.cuda.get_device_name(0) if DEV.type == "cuda" else "none (CPU)"
    print(f"torch {torch.__version__}, device {DEV} ({gpu}){', dry run' if DRY else ''}")
    one, name = logmel_fn(1)
    print(f"log-mel 30 s clip ({name}): {median_ms(one):.3f} ms")
    batch = 2 if DRY else 64
    many, _ = logmel_fn(batch)
    t = median_ms(many)
    print(f"log-mel batch of {batch} x 30 s: {t:.3f} ms = {batch / t * 1e3:.1f} clips/s")
    host = torch.randn(batch, 30 * 22050) * 0.1
    mel, db, _ = logmel_parts()

    def with_transfers():
        m = mel(host.to(DEV))
        return m.cpu(), db(m).cpu()
    t = median_ms(with_transfers)
    print(f"log-mel batch of {batch} x 30 s with host transfers: {t:.3f} ms = {batch / t * 1e3:.1f} clips/s")
    conv = nn.Conv2d(32, 32, 3, padding=1).to(DEV)
    x = torch.randn(1, 32, 128, 599, device=DEV, requires_grad=True)
    with torch.no_grad():
        print(f"conv 32->32 forward: {median_ms(lambda: conv(x)):.3f} ms")
    print(f"conv 32->32 forward+backward: {median_ms(lambda: conv(x).sum().backward()):.3f} ms")
    for label, make, frames in (("reference", Reference, 599), ("default (width 8)", Default, 130),
                                ("lachmish2016", Lachmish2016, 599)):
        for b in ((2,) if DRY else (32, 128 if make is Lachmish2016 else 256)):
            torch.manual_seed(0)
            t = median_ms(train_step_fn(make(), frames, b))
            print(f"train step {label}, batch {b}: {t:.3f} ms = {b / t * 1e3:.1f} samples/s")
    if DEV.type == "cuda":
        torch.backends.cudnn.allow_tf32 = False
        t = median_ms(train_step_fn(Reference(), 599))
        print(f"train step reference, batch 32, TF32 off: {t:.3f} ms = {32 / t * 1e3:.1f} samples/s")
        torch.backends.cudnn.allow_tf32 = True
    net = Default().to(DEV).eval()
    segments = torch.randn(10, 1, 128, 130) * 15 - 40

    def infer():
        with torch.no_grad():
            return torch.softmax(net(segments.to(DEV)), dim=1).mean(dim=0).cpu()
    print(f"inference 30 s clip (default, 10 segments, with upload): {median_ms(infer):.3f} ms")


if __name__ == "__main__":
    main()
