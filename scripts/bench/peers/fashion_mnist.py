"""Fashion-MNIST from its IDX .gz files, with gzip and NumPy only, for the
benchmark peers. Looks in the folder given, then $FLIPSIDE_DATA/fashion-mnist,
then Debian's location, as flipside.data.load does."""
import gzip
import os

import numpy as np

DEBIAN = "/usr/share/datasets/fashion-mnist"
FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
         "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}


def folder(given=None):
    places = [given] if given else []
    if os.environ.get("FLIPSIDE_DATA"):
        places.append(os.path.join(os.environ["FLIPSIDE_DATA"], "fashion-mnist"))
    places.append(DEBIAN)
    for place in places:
        if all(os.path.exists(os.path.join(place, name)) for name in FILES["train"]):
            return place
    raise FileNotFoundError("Fashion-MNIST .gz files not found in " + ", ".join(places))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split="train", given=None):
    """(pixels uint8 [n, 784], labels int64 [n])."""
    place = folder(given)
    images, labels = (read_idx(os.path.join(place, name)) for name in FILES[split])
    return images.reshape(len(images), -1), labels.astype(np.int64)
