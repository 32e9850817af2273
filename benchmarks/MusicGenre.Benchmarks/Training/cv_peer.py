#!/usr/bin/env python3
"""PyTorch 1.13 peer of `musicgenre evaluate --folds`: the same feature store, the same folds, a comparable CNN.

It reads the feature store written by `musicgenre preprocess` (h5py: /features [n, mels, frames] log-mel segments,
/labels, /segment_song, /songs/id, /genres) and the `folds.csv` that `musicgenre evaluate --folds k --report R` writes
into R (song_id,genre,fold), and repeats our protocol with PyTorch:

  per fold k: train on the other folds, of which a stratified 20 % of songs (per genre round-half-up, at least one,
  never all) is held out for early stopping; per-mel standardisation with the training segments' mean/std;
  network = MusicGenre `default`: 4 x [conv 3x3 pad 1 no bias -> BatchNorm -> ReLU -> max-pool 2], channels width,
  2w, 4w, 8w; mean over time keeping the frequency bands; dropout 0.3; linear 10 (PyTorch's default init);
  AdamW lr 1e-3, weight decay 0.01, batch 32, cosine learning rate per epoch (CosineAnnealingLR, T_max = epochs);
  the epoch with the lowest validation loss is kept, stopping after `patience` epochs without improvement;
  augmentation `standard` (as AugmentationOptions in src/MusicGenre.Nn/Training): circular time shift uniform in
  +-30 frames, gain uniform +-6 dB added to the log-mel, then normalisation, then 2 frequency masks (width 0..16) and
  2 time masks (width 0..20) set to 0; `none` turns all of it off.
  Test: song probability = mean of its segments' softmax probabilities; song and segment accuracy per fold,
  mean +- sample std over folds (as CrossValidationResult).

The random streams differ from MusicGenre's (initialisation, shuffles, masks, validation songs), so the two numbers
compare the engines and protocol, not bit-identical runs. Debian's python3-torch and python3-h5py; /usr/bin/python3.

Usage: cv_peer.py <features.h5> <folds.csv> [--epochs 12] [--patience 5] [--augment standard|none] [--width 16]
                  [--seed 1234] [--threads 2] [--out summary.md]
"""
import argparse, csv, math, os, sys, time

import h5py
import numpy as np
import torch
import torch.nn.functional as F

from torch_peer import Default  # the same `default` network as the throughput peer


def fail(message):
    print(f"cv_peer.py: {message}", file=sys.stderr)
    sys.exit(1)


def load_store(path):
    try:
        with h5py.File(path, "r") as f:
            features = np.asarray(f["features"], dtype=np.float32)
            labels = np.asarray(f["labels"], dtype=np.int64)
            segment_song = np.asarray(f["segment_song"], dtype=np.int64)
            song_ids = [s.decode() if isinstance(s, bytes) else str(s) for s in f["songs/id"][()]]
            genres = [s.decode() if isinstance(s, bytes) else str(s) for s in f["genres"][()]]
    except (OSError, KeyError) as e:
        fail(f"{path}: not a MusicGenre feature store ({e})")
    if features.ndim != 3 or len(labels) != len(features) or len(segment_song) != len(features):
        fail(f"{path}: inconsistent datasets (features {features.shape}, labels {labels.shape}, segment_song {segment_song.shape})")
    return features, labels, segment_song, song_ids, genres


def load_folds(path, song_ids):
    fold_of = {}
    try:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                fold_of[row["song_id"]] = int(row["fold"])
    except (OSError, KeyError, ValueError) as e:
        fail(f"{path}: cannot read song_id,genre,fold rows ({e})")
    missing = [s for s in song_ids if s not in fold_of]
    if missing:
        fail(f"{path}: {len(missing)} songs of the store have no fold (first: {missing[0]})")
    return np.array([fold_of[s] for s in song_ids], dtype=np.int64)


def validation_songs(train_songs, song_label, fraction, rng):
    """Stratified song-level hold-out, the rule of SongSplit.cs (its shuffle stream differs)."""
    chosen = set()
    for g in sorted(set(song_label[s] for s in train_songs)):
        ids = sorted((s for s in train_songs if song_label[s] == g), key=lambda s: s)
        rng.shuffle(ids)
        take = int(math.floor(fraction * len(ids) + 0.5))
        take = min(max(take, 1), len(ids) - 1) if len(ids) >= 2 else 0
        chosen.update(ids[:take])
    return chosen


def augment(x, gen, shift=30, gain_db=6.0):
    """Shift and gain on raw log-mel [n, mels, frames] (before normalisation)."""
    n = x.shape[0]
    out = torch.empty_like(x)
    shifts = torch.randint(-shift, shift + 1, (n,), generator=gen)
    gains = (torch.rand(n, generator=gen) * 2 - 1) * gain_db
    for i in range(n):
        out[i] = torch.roll(x[i], int(shifts[i]), dims=1) + gains[i]
    return out


def mask(x, gen, fmasks=2, fwidth=16, tmasks=2, twidth=20):
    """SpecAugment masks on normalised [n, mels, frames], set to 0 (the training mean)."""
    n, mels, frames = x.shape
    for i in range(n):
        for _ in range(fmasks):
            w = int(torch.randint(0, min(fwidth, mels) + 1, (1,), generator=gen))
            f0 = int(torch.randint(0, mels - w + 1, (1,), generator=gen))
            x[i, f0:f0 + w, :] = 0
        for _ in range(tmasks):
            w = int(torch.randint(0, min(twidth, frames) + 1, (1,), generator=gen))
            t0 = int(torch.randint(0, frames - w + 1, (1,), generator=gen))
            x[i, :, t0:t0 + w] = 0
    return x


def run_fold(k, args, features, labels, segment_song, song_label, song_fold):
    train_songs = [s for s in range(len(song_label)) if song_fold[s] != k]
    test_songs = [s for s in range(len(song_label)) if song_fold[s] == k]
    rng = np.random.RandomState(args.seed + k)
    val_set = validation_songs(train_songs, song_label, 0.2, rng)
    is_train_song = np.zeros(len(song_label), bool); is_train_song[[s for s in train_songs if s not in val_set]] = True
    is_val_song = np.zeros(len(song_label), bool); is_val_song[list(val_set)] = True
    is_test_song = np.zeros(len(song_label), bool); is_test_song[test_songs] = True
    tr = np.flatnonzero(is_train_song[segment_song]); va = np.flatnonzero(is_val_song[segment_song])
    te = np.flatnonzero(is_test_song[segment_song])

    x = torch.from_numpy(features)
    y = torch.from_numpy(labels)
    mean = x[tr].mean(dim=(0, 2), keepdim=True)[0]            # per mel over all training frames: [mels, 1]
    std = x[tr].std(dim=(0, 2), unbiased=False, keepdim=True)[0].clamp_min(1e-6)

    torch.manual_seed(args.seed * 100 + k)
    gen = torch.Generator().manual_seed(args.seed * 1000 + k)
    net = Default(args.width, mels=features.shape[1], classes=args.classes)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)

    def evaluate(idx):
        net.eval()
        probs, loss = [], 0.0
        with torch.no_grad():
            for b in range(0, len(idx), 64):
                sel = torch.from_numpy(idx[b:b + 64])
                logits = net(((x[sel] - mean) / std).unsqueeze(1))
                loss += float(F.cross_entropy(logits, y[sel], reduction="sum"))
                probs.append(F.softmax(logits, dim=1))
        return torch.cat(probs), loss / max(len(idx), 1)

    best, best_state, bad = math.inf, None, 0
    for epoch in range(args.epochs):
        if bad >= args.patience:
            break
        net.train()
        order = tr[torch.randperm(len(tr), generator=gen).numpy()]
        for b in range(0, len(order), 32):
            sel = torch.from_numpy(order[b:b + 32])
            xb = x[sel]
            if args.augment == "standard":
                xb = augment(xb, gen)
            xb = (xb - mean) / std
            if args.augment == "standard":
                xb = mask(xb, gen)
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(net(xb.unsqueeze(1)), y[sel]).backward()
            opt.step()
        sched.step()
        _, val_loss = evaluate(va)
        if val_loss < best:
            best, bad = val_loss, 0
            best_state = {n: t.clone() for n, t in net.state_dict().items()}
        else:
            bad += 1
        print(f"fold {k} epoch {epoch + 1}: val loss {val_loss:.4f}{' *' if bad == 0 else ''}", flush=True)
    net.load_state_dict(best_state)

    probs, _ = evaluate(te)
    seg_acc = float((probs.argmax(1) == y[torch.from_numpy(te)]).float().mean())
    song_hits = 0
    for s in test_songs:
        rows = np.flatnonzero(segment_song[te] == s)
        song_hits += int(int(probs[rows].mean(0).argmax()) == song_label[s])
    return song_hits / len(test_songs), seg_acc, len(test_songs)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("store"); p.add_argument("folds")
    p.add_argument("--epochs", type=int, default=12); p.add_argument("--patience", type=int, default=5)
    p.add_argument("--augment", choices=["standard", "none"], default="standard")
    p.add_argument("--width", type=int, default=16); p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out")
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    features, labels, segment_song, song_ids, genres = load_store(args.store)
    args.classes = len(genres)
    song_label = np.zeros(len(song_ids), np.int64)
    song_label[segment_song] = labels
    song_fold = load_folds(args.folds, song_ids)
    folds = sorted(set(song_fold.tolist()))
    started = time.time()
    rows = []
    for k in folds:
        song_acc, seg_acc, n = run_fold(k, args, features, labels, segment_song, song_label, song_fold)
        rows.append((k, n, song_acc, seg_acc))
        print(f"fold {k}/{len(folds)}: song accuracy {song_acc:.1%}, segment accuracy {seg_acc:.1%}", flush=True)
    songs = np.array([r[2] for r in rows]); segs = np.array([r[3] for r in rows])
    lines = [
        f"# PyTorch {torch.__version__} peer: {len(folds)}-fold cross-validation",
        "",
        f"Song-level accuracy over {len(folds)} folds: {songs.mean():.2%} ± {songs.std(ddof=1):.2%} (mean ± sample std).",
        f"Segment-level accuracy: {segs.mean():.2%} ± {segs.std(ddof=1):.2%}.",
        "",
        "| fold | songs | song accuracy | segment accuracy |", "|---:|---:|---:|---:|",
        *[f"| {k} | {n} | {a:.2%} | {s:.2%} |" for k, n, a, s in rows],
        "",
        f"Options: width={args.width} epochs={args.epochs} patience={args.patience} augment={args.augment} "
        f"seed={args.seed} threads={args.threads}; {time.time() - started:.0f} s.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text)
        os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
