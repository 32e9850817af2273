"""The t-SNE peer: scikit-learn's Barnes-Hut TSNE on the points `musicgenre tsne` embeds, with its settings.

    python3 tsne_peer.py features.h5 [--points segment|song] [--threads 2]

Reads the feature store with h5py and builds the same points as `musicgenre tsne --level none` (altered copies, ids
with '#', left out): --points segment = each segment's flattened log-mel; --points song = per mel band the mean and
standard deviation over the song's segments and frames. Runs sklearn.manifold.TSNE with MusicGenre's defaults
(perplexity 30, early exaggeration 12 for 250 iterations, theta/angle 0.5, 1000 iterations, learning rate
max(n / 12 / 4, 50) = sklearn's 'auto', random initial layout of standard deviation 1e-4, seed 42) and prints one JSON
line: wall seconds of the neighbour search (sklearn's own verbose timing), of the whole fit, the KL divergence, and the
5-NN genre agreement of the layout. Needs Debian's python3-sklearn and python3-h5py.
"""
import argparse, json, re, sys, io, time, contextlib
import numpy as np
import h5py


def points(path, kind):
    with h5py.File(path, "r") as f:
        ids = [v.decode() if isinstance(v, bytes) else v for v in f["songs/id"][...]]
        first = f["songs/first_segment"][...]
        count = f["songs/segment_count"][...]
        song_labels = f["songs/label"][...]
        x = f["features"]
        rows, labels = [], []
        for s, sid in enumerate(ids):
            if "#" in sid:
                continue
            seg = np.asarray(x[first[s]:first[s] + count[s]], dtype=np.float32)  # [segments, mels, frames]
            if kind == "segment":
                rows.extend(seg.reshape(seg.shape[0], -1))
                labels.extend([song_labels[s]] * seg.shape[0])
            else:
                per_band = seg.transpose(1, 0, 2).reshape(seg.shape[1], -1).astype(np.float64)
                rows.append(np.concatenate([per_band.mean(axis=1), per_band.std(axis=1)]).astype(np.float32))
                labels.append(song_labels[s])
    return np.asarray(rows, dtype=np.float32), np.asarray(labels)


def knn_agreement(y, labels, k=5):
    d = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    nearest = np.argsort(d, axis=1)[:, :k]
    return float((labels[nearest] == labels[:, None]).mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("store")
    ap.add_argument("--points", choices=["segment", "song"], default="segment")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    from threadpoolctl import threadpool_limits
    from sklearn.manifold import TSNE
    import sklearn

    t0 = time.perf_counter()
    x, labels = points(args.store, args.points)
    t_read = time.perf_counter() - t0
    n = x.shape[0]
    tsne = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate=max(n / 12.0 / 4.0, 50.0),
                n_iter=1000, angle=0.5, init="random", method="barnes_hut", random_state=42, verbose=2,
                n_jobs=args.threads)
    log = io.StringIO()
    with threadpool_limits(args.threads), contextlib.redirect_stdout(log):
        t1 = time.perf_counter()
        y = tsne.fit_transform(x)
        t_fit = time.perf_counter() - t1
    text = log.getvalue()
    m = re.search(r"Computed neighbors for \d+ samples in ([0-9.]+)s", text)
    print(json.dumps({
        "peer": f"scikit-learn {sklearn.__version__} TSNE barnes_hut", "points": n, "dims": int(x.shape[1]),
        "read_s": round(t_read, 3), "neighbours_s": float(m.group(1)) if m else None, "fit_s": round(t_fit, 3),
        "kl": float(tsne.kl_divergence_), "knn5_genre_agreement": round(knn_agreement(y, labels), 4),
    }))


if __name__ == "__main__":
    sys.exit(main())
