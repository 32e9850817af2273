#!/usr/bin/env python3
"""PyTorch 1.13 CPU peer of TrainingThroughputBench: the same three networks, batch 32, one SGD step (forward,
cross-entropy, backward, update), torch.set_num_threads(2). Prints samples/s per network and, given the
BenchmarkDotNet CSV report of TrainingThroughputBench, the ratio MusicGenre / PyTorch (>= 1.0 is the goal).

Usage: torch_peer.py [TrainingThroughputBench-report.csv]   (MUSICGENRE_BENCH_NETS=default,reference limits the nets;
MUSICGENRE_BENCH_STEPS=N times N steps per net, as the BenchmarkDotNet job then does; MUSICGENRE_BENCH_COOLDOWN=L waits
before each timed step until the 1-minute load average is below L, so that a long step, such as lachmish2016's ≈ 30 s,
starts on an idle machine instead of on the load of its own warm-up)
"""
import csv, os, re, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
BATCH = 32


class Default(nn.Module):
    """MusicGenre `default` (width 8, 4 blocks): conv3x3-BN-ReLU-maxpool2 x4, mean over time, dropout 0.3, linear.
    Also the network of cv_peer.py."""
    def __init__(self, width=8, blocks=4, mels=128, classes=10, dropout=0.3):
        super().__init__()
        layers, c = [], 1
        for b in range(blocks):
            o = width << b
            layers += [nn.Conv2d(c, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2)]
            c = o
        self.features = nn.Sequential(*layers)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(c * (mels >> blocks), classes)

    def forward(self, x):
        x = self.features(x)                       # [N, C, H, W]
        x = x.mean(dim=3).flatten(1)               # average over time, keep frequency: [N, C*H]
        return self.fc(self.drop(x))


class Lachmish2016(nn.Module):
    """The 2016 network: three 4x4 SAME convs (149, 73, 35), ReLU, ceil max-pool (4, 2, 2), dropout 0.25; dense 8192."""
    def __init__(self, dense=8192):
        super().__init__()
        self.c1, self.c2, self.c3 = nn.Conv2d(1, 149, 4), nn.Conv2d(149, 73, 4), nn.Conv2d(73, 35, 4)
        self.fc1, self.fc2 = nn.Linear(35 * 8 * 38, dense), nn.Linear(dense, 10)
        self.drop = nn.Dropout(0.25)

    def forward(self, x):
        for conv, k in ((self.c1, 4), (self.c2, 2), (self.c3, 2)):
            x = self.drop(F.max_pool2d(F.relu(conv(F.pad(x, (1, 2, 1, 2)))), k, k, ceil_mode=True))
        return self.fc2(self.drop(F.relu(self.fc1(x.flatten(1)))))


class Reference(nn.Module):
    """Issue 3's reference: Conv 1->32->64->128 3x3 pad 1, ReLU, MaxPool 2 each, global average pool, Linear 10."""
    def __init__(self):
        super().__init__()
        layers, c = [], 1
        for o in (32, 64, 128):
            layers += [nn.Conv2d(c, o, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            c = o
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc(self.features(x).mean(dim=(2, 3)))


def cool_down():
    """With MUSICGENRE_BENCH_COOLDOWN=L set, sleep until /proc/loadavg's 1-minute figure is below L."""
    limit = float(os.environ.get("MUSICGENRE_BENCH_COOLDOWN", "0") or 0)
    while limit > 0 and os.getloadavg()[0] >= limit:
        time.sleep(5)


def time_steps(net, frames, steps):
    x = torch.randn(BATCH, 1, 128, frames)
    y = torch.arange(BATCH) % 10
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    net.train()
    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
        opt.step()
    step()  # warm-up
    times = []
    for _ in range(steps):
        cool_down()
        t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
    return min(times)


def parse_seconds(text):
    m = re.match(r"\s*([\d.,]+)\s*(ns|us|μs|ms|s)\s*$", text)
    if not m:
        return None
    v = float(m.group(1).replace(",", ""))
    return v * {"ns": 1e-9, "us": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]


def main():
    nets = {"default": (Default(), 130, 5), "lachmish2016": (Lachmish2016(), 599, 2), "reference": (Reference(), 599, 3)}
    subset = [n for n in os.environ.get("MUSICGENRE_BENCH_NETS", "").split(",") if n.strip()]
    if subset:
        nets = {k: v for k, v in nets.items() if k in subset}
    ours = {}
    if len(sys.argv) > 1:
        with open(sys.argv[1], newline="") as f:
            for row in csv.DictReader(f):
                s = parse_seconds(row.get("Min") or row["Mean"])  # per sample (OperationsPerInvoke = 32)
                if s:
                    ours[row["Net"]] = 1.0 / s
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, batch {BATCH}")
    print(f"{'net':<14}{'torch samples/s':>16}{'torch s/step':>14}{'MusicGenre samples/s':>22}{'ratio':>8}")
    env_steps = int(os.environ.get("MUSICGENRE_BENCH_STEPS", "0") or 0)
    for name, (net, frames, steps) in nets.items():
        t = time_steps(net, frames, env_steps if 1 <= env_steps <= 1000 else steps)
        torch_sps = BATCH / t
        mg = ours.get(name)
        ratio = f"{mg / torch_sps:.2f}x" if mg else "-"
        mg_text = f"{mg:.1f}" if mg else "-"
        print(f"{name:<14}{torch_sps:>16.1f}{t:>14.3f}{mg_text:>22}{ratio:>8}", flush=True)


if __name__ == "__main__":
    main()
