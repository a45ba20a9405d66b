#!/usr/bin/env python3
"""Builds the class-balanced Fashion-MNIST subset that ships inside convnet.

The subset keeps, for each of the ten classes, the first N images of that class in the original
file order (600 per class from the training split, 100 per class from the test split), and keeps
the chosen images in their original relative order so classes stay interleaved as in the source.
Taking "the first N of each class" rather than a random sample makes the subset reproducible
from the script alone, with no random generator whose algorithm could change between versions.

Usage: scripts/make-fashion-subset.py [SOURCE_DIR] [OUTPUT_DIR]
  SOURCE_DIR  IDX files of Fashion-MNIST (default /usr/share/datasets/fashion-mnist, as installed
              by Debian's dataset-fashion-mnist package)
  OUTPUT_DIR  default runtime/src/main/resources/convnet/data/fashion-mnist-subset
"""

import gzip
import os
import struct
import sys

CLASSES = 10
SPLITS = (("train", 600), ("t10k", 100))


def read_idx(path, expected_magic):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        sys.exit(f"{path}: truncated header")
    magic = struct.unpack(">I", data[:4])[0]
    if magic != expected_magic:
        sys.exit(f"{path}: magic {magic:#010x}, expected {expected_magic:#010x}")
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    body = data[4 + 4 * dims:]
    size = 1
    for d in shape:
        size *= d
    if len(body) != size:
        sys.exit(f"{path}: {len(body)} data bytes, header says {size}")
    return shape, body


def find(source, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(source, name)
        if os.path.exists(path):
            return path
    sys.exit(f"{source}: no {stem} or {stem}.gz")


def write_gz(path, payload):
    # Fixed mtime so the same input gives byte-identical output.
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(payload)
    os.replace(tmp, path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "runtime", "src", "main", "resources", "convnet", "data", "fashion-mnist-subset")
    os.makedirs(out, exist_ok=True)
    for prefix, per_class in SPLITS:
        ishape, images = read_idx(find(source, f"{prefix}-images-idx3-ubyte"), 0x00000803)
        lshape, labels = read_idx(find(source, f"{prefix}-labels-idx1-ubyte"), 0x00000801)
        if ishape[0] != lshape[0]:
            sys.exit(f"{prefix}: {ishape[0]} images but {lshape[0]} labels")
        rows, cols = ishape[1], ishape[2]
        pixels = rows * cols
        taken = [0] * CLASSES
        chosen = []
        for i, label in enumerate(labels):
            if label >= CLASSES:
                sys.exit(f"{prefix}: label {label} at index {i} out of range")
            if taken[label] < per_class:
                taken[label] += 1
                chosen.append(i)
        if taken != [per_class] * CLASSES:
            sys.exit(f"{prefix}: not enough images per class: {taken}")
        n = len(chosen)
        image_bytes = bytearray(struct.pack(">IIII", 0x00000803, n, rows, cols))
        label_bytes = bytearray(struct.pack(">II", 0x00000801, n))
        for i in chosen:
            image_bytes += images[i * pixels:(i + 1) * pixels]
            label_bytes.append(labels[i])
        write_gz(os.path.join(out, f"{prefix}-images-idx3-ubyte.gz"), bytes(image_bytes))
        write_gz(os.path.join(out, f"{prefix}-labels-idx1-ubyte.gz"), bytes(label_bytes))
        print(f"{prefix}: {n} images ({per_class} per class) -> {out}")


if __name__ == "__main__":
    main()
