#!/usr/bin/env python3
"""PyTorch 1.13 peer of MusicGenre's robust training recipe, scored on unseen songs (issue 9).

It trains the same `default` CNN (torch_peer.Default) with the same recipe as
`musicgenre train <store> --hp width=16 --epochs 20 --val-split 0 --augment robust+standard --band-limit 7600` on a
feature store written by `musicgenre preprocess` (optionally with `--copies clip`), and scores it on another store
(e.g. `musicgenre preprocess ../shared/data/gtzan-val --out val.h5`):

  input conditioning (LevelNormalizer.cs): mel bands centred above the band limit are set to the window's floor
  (maximum of the kept bands - 80 dB), then the window's maximum is subtracted; per-mel standardisation with the
  training segments' statistics after that conditioning;
  augmentation (BatchAssembler.cs, in this order): one crop length per batch uniform in [86, 130] frames with a random
  start per segment; circular time shift +-30 frames; gain +-6 dB; spectral tilt +-3 dB/octave around 1 kHz; with
  probability 0.5 a low-pass at a log-uniform 3.5-10 kHz, 120 dB/octave, floored at the segment's maximum - 80 dB;
  conditioning; standardisation; 2 frequency masks (width 0..16) and 2 time masks (width 0..20) set to 0;
  AdamW lr 1e-3, weight decay 0.01, batch 32, cosine schedule per epoch, no validation split, last epoch kept.

Scores, on the evaluation store's songs:
  whole   - song = mean of the softmax of its stored 3 s segments (MusicGenre's `evaluate` of an audio folder also adds
            a last window ending at the clip's end; the stored segments drop the remainder);
  excerpts - 5 excerpts per song of 86-130 frames (2-3 s) cropped from a random stored segment (numpy seed), each
            conditioned like any input: the feature-domain equivalent of MusicGenre's `--excerpts 2-3s` protocol
            (peak normalisation and gain do not change a level-normalised input, except where clipping distorts).

With --folds folds.csv (from `musicgenre evaluate --folds k --report R`), it cross-validates instead: per fold it
trains on the other folds (copies `<id>#clip` follow their original) and scores the held-out originals.

Debian's python3-torch and python3-h5py; /usr/bin/python3. Random streams are PyTorch's and numpy's, not MusicGenre's.

With --score-model model.h5 it trains nothing: it loads a MusicGenre model file (PyTorch state-dict names, its
normalisation and kept bands) into the same torch network and scores it on <eval.h5> with exactly the peer's
feature-domain protocol, so both engines' models are compared on identical inputs. With --score-model DIR and --folds
DIR/folds.csv (from `musicgenre evaluate --folds k --keep-models --report DIR`) it scores each fold's kept model
DIR/fold<k>/model.h5 on that fold's held-out songs, drawing the same excerpts as the peer's own cross-validation.

Usage: robust_peer.py <train.h5> <eval.h5> [--epochs 20] [--width 16] [--band-limit 7600] [--seed 1234] [--threads 2]
       robust_peer.py <train.h5> --folds folds.csv [...]
       robust_peer.py --score-model model.h5 <eval.h5>
       robust_peer.py --score-model cv-report/ <train.h5> --folds cv-report/folds.csv
"""
import argparse, math, sys, time

import h5py
import numpy as np
import torch
import torch.nn.functional as F

from cv_peer import load_store, load_folds
from torch_peer import Default

TOP_DB = 80.0


def band_frequencies(f):
    """Centre frequency of each mel band of the store's preset (librosa_default: Slaney scale 0 .. sr/2)."""
    n_mels = f.shape[1]
    def hz_to_mel(hz):
        f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, math.log(6.4) / 27.0
        return hz / f_sp if hz < min_log_hz else min_log_hz / f_sp + math.log(hz / min_log_hz) / logstep
    def mel_to_hz(m):
        f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, math.log(6.4) / 27.0
        min_log_mel = min_log_hz / f_sp
        return f_sp * m if m < min_log_mel else min_log_hz * math.exp(logstep * (m - min_log_mel))
    lo, hi = hz_to_mel(0.0), hz_to_mel(11025.0)
    edges = [mel_to_hz(lo + (hi - lo) * i / (n_mels + 1)) for i in range(n_mels + 2)]
    return np.array(edges[1:-1])


def condition(x, kept):
    """LevelNormalizer: floor the bands above the limit, subtract the window maximum. x [n, mels, frames]."""
    x = x.clone()
    mx = x[:, :kept, :].amax(dim=(1, 2), keepdim=True)
    if kept < x.shape[1]:
        x[:, kept:, :] = (mx - TOP_DB).expand(-1, x.shape[1] - kept, x.shape[2])
    return x - mx


def colour(x, hz, gen, tilt_db=3.0, p=0.5, lo=3500.0, hi=10000.0, slope=120.0):
    n = x.shape[0]
    f = torch.from_numpy(np.maximum(hz, 20.0)).float()
    out = x.clone()
    for i in range(n):
        tilt = float((torch.rand(1, generator=gen) * 2 - 1) * tilt_db)
        lp = float(torch.rand(1, generator=gen)) < p
        cutoff = lo * (hi / lo) ** float(torch.rand(1, generator=gen))
        g = tilt * torch.log2(f / 1000.0)
        if lp:
            g = g - torch.where(f > cutoff, slope * torch.log2(f / cutoff), torch.zeros_like(f))
        floor = float(x[i].max()) - TOP_DB
        out[i] = torch.clamp(x[i] + g[:, None], min=floor)
    return out


def train(x, y, kept, hz, args):
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    cond = condition(x, kept)
    mean = cond.mean(dim=(0, 2), keepdim=True)[0]
    std = cond.std(dim=(0, 2), unbiased=False, keepdim=True)[0].clamp_min(1e-6)
    net = Default(args.width, mels=x.shape[1], classes=args.classes)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    frames = x.shape[2]
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(len(x), generator=gen)
        total = 0.0
        for b in range(0, len(order), 32):
            sel = order[b:b + 32]
            length = int(torch.randint(86, frames + 1, (1,), generator=gen))
            starts = torch.randint(0, frames - length + 1, (len(sel),), generator=gen)
            xb = torch.stack([x[s, :, int(t):int(t) + length] for s, t in zip(sel.tolist(), starts)])
            shifts = torch.randint(-30, 31, (len(sel),), generator=gen)
            gains = (torch.rand(len(sel), generator=gen) * 2 - 1) * 6.0
            xb = torch.stack([torch.roll(xb[i], int(shifts[i]), dims=1) + gains[i] for i in range(len(sel))])
            xb = condition(colour(xb, hz, gen), kept)
            xb = (xb - mean) / std
            for i in range(len(sel)):
                for _ in range(2):
                    w = int(torch.randint(0, 17, (1,), generator=gen)); f0 = int(torch.randint(0, x.shape[1] - w + 1, (1,), generator=gen))
                    xb[i, f0:f0 + w, :] = 0
                for _ in range(2):
                    w = int(torch.randint(0, min(20, length) + 1, (1,), generator=gen)); t0 = int(torch.randint(0, length - w + 1, (1,), generator=gen))
                    xb[i, :, t0:t0 + w] = 0
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(xb.unsqueeze(1)), y[sel])
            loss.backward()
            opt.step()
            total += float(loss) * len(sel)
        sched.step()
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / len(x):.4f}", flush=True)
    net.eval()
    return net, mean, std


def probabilities(net, windows, kept, mean, std):
    with torch.no_grad():
        return F.softmax(net(((condition(windows, kept) - mean) / std).unsqueeze(1)), dim=1)


def score(net, kept, mean, std, x, labels, segment_song, songs, seed):
    """Whole-clip and excerpt accuracy over `songs` (indices into the store's songs)."""
    rng = np.random.RandomState(seed)
    whole_hits, excerpt_hits, excerpts = 0, 0, 0
    for s in songs:
        rows = np.flatnonzero(segment_song == s)
        label = int(labels[rows[0]])
        p = probabilities(net, x[torch.from_numpy(rows)], kept, mean, std)
        whole_hits += int(int(p.mean(0).argmax()) == label)
        for _ in range(5):
            r = rows[rng.randint(len(rows))]
            length = rng.randint(86, x.shape[2] + 1)
            t0 = rng.randint(0, x.shape[2] - length + 1)
            q = probabilities(net, x[r:r + 1, :, t0:t0 + length], kept, mean, std)
            excerpt_hits += int(int(q[0].argmax()) == label)
            excerpts += 1
    return whole_hits / len(songs), excerpt_hits / excerpts


def load_musicgenre(path):
    """A MusicGenre model file as (torch network in eval mode, kept bands, mean [mels, 1], std [mels, 1])."""
    with h5py.File(path, "r") as f:
        hp = dict(f["architecture"].attrs)
        net = Default(int(hp["width"]), int(hp["blocks"]), int(hp["mels"]), int(hp["classes"]), float(hp["dropout"]))
        rename = {}
        for b in range(int(hp["blocks"])):
            rename[f"block{b + 1}.conv."] = f"features.{4 * b}."
            rename[f"block{b + 1}.bn."] = f"features.{4 * b + 1}."
        state = {}
        for group in ("params", "buffers"):
            for name, ds in f[group].items():
                key = name
                for old, new in rename.items():
                    key = key.replace(old, new)
                state[key] = torch.from_numpy(np.asarray(ds, dtype=np.float32))
        missing, unexpected = net.load_state_dict(state, strict=False)
        if unexpected or any(not m.endswith("num_batches_tracked") for m in missing):
            sys.exit(f"robust_peer.py: {path}: tensors do not fit the network (missing {missing}, unexpected {unexpected})")
        norm = f["normalization"]
        mels = int(hp["mels"])
        kept = int(norm.attrs.get("kept_bands", 0)) or mels
        if norm.attrs.get("level", "none") != "window_max" or norm.attrs["mode"] != "PerMel":
            sys.exit(f"robust_peer.py: {path}: only window_max level and PerMel normalisation are mirrored here")
        mean = torch.from_numpy(np.asarray(norm["mean"], dtype=np.float32)).reshape(mels, 1)
        std = torch.from_numpy(np.asarray(norm["std"], dtype=np.float32)).reshape(mels, 1)
    net.eval()
    return net, kept, mean, std


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("train"); p.add_argument("eval", nargs="?")
    p.add_argument("--score-model")
    p.add_argument("--folds"); p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--width", type=int, default=16); p.add_argument("--band-limit", type=float, default=7600.0)
    p.add_argument("--seed", type=int, default=1234); p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.score_model and args.folds:
        if args.eval is not None:
            p.error("with --score-model DIR and --folds give only the store the folds were made from")
        features, labels, segment_song, song_ids, _ = load_store(args.train)
        song_fold = fold_per_song(song_ids, args.folds)
        x, rows = torch.from_numpy(features), []
        for k in sorted(set(song_fold.tolist())):
            net, kept, mean, std = load_musicgenre(f"{args.score_model}/fold{k}/model.h5")
            test = [s for s in range(len(song_ids)) if song_fold[s] == k and "#" not in song_ids[s]]
            rows.append(score(net, kept, mean, std, x, labels, segment_song, test, args.seed + k))
            print(f"fold {k}: whole {rows[-1][0]:.1%}, excerpts {rows[-1][1]:.1%}", flush=True)
        summarise(rows, "MusicGenre fold models, ")
        return
    if args.score_model:
        net, kept, mean, std = load_musicgenre(args.score_model)
        store = args.eval or args.train
        ef, el, es, eids, _ = load_store(store)
        whole, exc = score(net, kept, mean, std, torch.from_numpy(ef), el, es, range(len(eids)), args.seed)
        print(f"{args.score_model} on {store}: whole-clip song accuracy {whole:.1%} ({len(eids)} songs); excerpt accuracy {exc:.1%} ({5 * len(eids)} excerpts)")
        return
    if (args.eval is None) == (args.folds is None):
        p.error("give an evaluation store or --folds, not both")
    features, labels, segment_song, song_ids, genres = load_store(args.train)
    args.classes = len(genres)
    hz = band_frequencies(features)
    kept = int((hz <= args.band_limit).sum()) if args.band_limit > 0 else features.shape[1]
    x, y = torch.from_numpy(features), torch.from_numpy(labels)
    started = time.time()
    if args.eval:
        net, mean, std = train(x, y, kept, hz, args)
        ef, el, es, eids, egenres = load_store(args.eval)
        if egenres != genres:
            sys.exit(f"robust_peer.py: {args.eval}: genres {egenres} differ from {genres}")
        whole, exc = score(net, kept, mean, std, torch.from_numpy(ef), el, es, range(len(eids)), args.seed)
        print(f"{args.eval}: whole-clip song accuracy {whole:.1%} ({len(eids)} songs); excerpt accuracy {exc:.1%} ({5 * len(eids)} excerpts); {time.time() - started:.0f} s")
        return
    song_fold = fold_per_song(song_ids, args.folds)
    rows = []
    for k in sorted(set(song_fold.tolist())):
        tr = np.flatnonzero(song_fold[segment_song] != k)
        net, mean, std = train(x[torch.from_numpy(tr)], y[torch.from_numpy(tr)], kept, hz, args)
        test = [s for s in range(len(song_ids)) if song_fold[s] == k and "#" not in song_ids[s]]
        whole, exc = score(net, kept, mean, std, x, labels, segment_song, test, args.seed + k)
        rows.append((whole, exc))
        print(f"fold {k}: whole {whole:.1%}, excerpts {exc:.1%}", flush=True)
    summarise(rows, "", f"; {time.time() - started:.0f} s")


def fold_per_song(song_ids, folds_csv):
    """The fold of every song of the store; a copy `<id>#clip` is in its original's fold."""
    fold_of = dict(zip(song_ids, load_folds(folds_csv, song_ids)))
    return np.array([fold_of.get(s.split("#")[0], fold_of[s]) for s in song_ids])


def summarise(rows, who, tail=""):
    w, e = np.array(rows).T
    print(f"{who}{len(rows)}-fold CV: whole-clip song accuracy {w.mean():.1%} +- {w.std(ddof=1):.1%}; "
          f"excerpt accuracy {e.mean():.1%} +- {e.std(ddof=1):.1%}{tail}")


if __name__ == "__main__":
    main()
