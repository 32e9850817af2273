#!/usr/bin/env python3
"""Writes the part of ../shared/golden/librosa-features.h5 that the GPU check carries (the full file is 27 MiB of
mostly incompressible data; the device machine takes 64 MiB in all). Kept: every preset group's constants and
attributes; clips classical.00000 (with its STFT) and blues.00000 (mel, log-mel, MFCC) and their audio; seed_exact with
blues.00000's first 40 windows (the ones the GPU test compares). The GPU golden tests run every clip the file holds.

Usage: golden_subset.py SOURCE.h5 DEST.h5     (needs python3-h5py)
"""
import sys
import h5py

KEEP_CLIPS = ("classical.00000", "blues.00000")
SEED_EXACT_WINDOWS = 40


def copy_attrs(src, dst):
    for k, v in src.attrs.items():
        dst.attrs[k] = v


def copy_dataset(src, dst_group, name, rows=None):
    data = src[()] if rows is None else src[:rows]
    d = dst_group.create_dataset(name, data=data, compression=src.compression, compression_opts=src.compression_opts)
    copy_attrs(src, d)


def main(source, dest):
    with h5py.File(source, "r") as s, h5py.File(dest, "w") as d:
        copy_attrs(s, d)
        for top_name, top in s.items():
            g = d.create_group(top_name)
            copy_attrs(top, g)
            for name, item in top.items():
                if isinstance(item, h5py.Dataset):
                    if top_name == "audio" and name not in KEEP_CLIPS:
                        continue
                    copy_dataset(item, g, name)
                elif name in KEEP_CLIPS and (top_name != "seed_exact" or name == "blues.00000"):
                    c = g.create_group(name)
                    copy_attrs(item, c)
                    for ds_name, ds in item.items():
                        copy_dataset(ds, c, ds_name, SEED_EXACT_WINDOWS if top_name == "seed_exact" else None)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
