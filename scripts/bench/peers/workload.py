"""What the peers share: the three tasks of scripts/bench/paper_epoch.lua,
the attack's sizes, best-of timing and the line the benchmark parses."""
import argparse
import os
import time

# Single-threaded BLAS for a single-core comparison; set before NumPy loads.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[variable] = "1"

import sys  # noqa: E402

try:
    import numpy as np
except ImportError:
    print("SKIP numpy is not installed (pip install numpy)")
    sys.exit(0)

import fashion_mnist  # noqa: E402

K, B, BATCH, LR = 0.2, 0.5, 64, 1e-4


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    return parser.parse_args()


def tasks(given=None):
    """(name, pixels as float32 [n, d] (0..255, converted once), labels, classes)."""
    x, y = fashion_mnist.load("train", given)
    binary = (y == 0) | (y == 1)
    return [("softmax", x.astype(np.float32), y, 10),
            ("binary", x[binary].astype(np.float32), y[binary], 2),
            ("mlp", x.astype(np.float32), y, 10)]


def budget(fraction, n):
    return int(np.floor(fraction * n + 1e-9))


def attacked_epochs(repeats, epoch, clock="wall", seconds=1.0):
    """Best time of each part over calls of epoch(clock) -> the four clock
    readings (start, after the gradient, after the selection, end): at least
    `repeats` calls, and more until they have taken `seconds` of wall time
    (the flipside benchmark samples its own cases the same way)."""
    read = time.process_time if clock == "cpu" else time.perf_counter
    best = {"gradient": float("inf"), "selection": float("inf"), "epoch": float("inf"), "total": float("inf")}
    calls, start = 0, time.perf_counter()
    while calls < repeats or time.perf_counter() - start < seconds:
        t0, t1, t2, t3 = epoch(read)
        for part, seconds_taken in (("gradient", t1 - t0), ("selection", t2 - t1), ("epoch", t3 - t2), ("total", t3 - t0)):
            best[part] = min(best[part], seconds_taken)
        calls += 1
    return best


def report(peer, name, best):
    print("PEER %s %s gradient_ms=%.3f selection_ms=%.3f epoch_ms=%.3f total_ms=%.3f" % (
        peer, name, best["gradient"] * 1e3, best["selection"] * 1e3, best["epoch"] * 1e3, best["total"] * 1e3),
        flush=True)
