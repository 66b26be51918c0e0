"""The workload of scripts/bench/deep_epoch.lua in idiomatic PyTorch on the
CPU, one thread: the same CNN and ViT (flipside.model's defaults, equal
parameter counts), a training epoch with torch.optim.Adam (lr 0.001, batch
64), the test accuracy after --epochs epochs, and one attacked epoch (the
honest gradient over all rows, the greedy `exact` rule on the head over the
penultimate features of the attacker's 20%, at most half of them flipped,
then the epoch on the poisoned labels). Prints one PEER line per model."""
import argparse
import os
import sys
import time

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as missing:
    print("SKIP %s is not installed (pip install torch numpy)" % missing.name)
    sys.exit(0)

import fashion_mnist  # noqa: E402

K, B, BATCH, LR, CHUNK = 0.2, 0.5, 64, 1e-3, 1000


class CNN(nn.Module):
    """conv 3×3 (16) ReLU maxpool 2, conv 3×3 (32) ReLU maxpool 2, 128 ReLU, head."""

    def __init__(self, classes=10):
        super().__init__()
        self.convs = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                   nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                   nn.Linear(32 * 7 * 7, 128), nn.ReLU())
        self.head = nn.Linear(128, classes)

    def features(self, x):
        return self.convs(x.view(-1, 1, 28, 28))

    def forward(self, x):
        return self.head(self.features(x))


class Block(nn.Module):
    def __init__(self, width, heads, mlp):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attention = nn.MultiheadAttention(width, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(width, mlp), nn.GELU(), nn.Linear(mlp, width))

    def forward(self, x):
        h = self.norm1(x)
        x = x + self.attention(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    """7×7 patches in 64 values, class token, positions, 4 pre-norm blocks (2 heads, MLP 128), LN, head."""

    def __init__(self, classes=10, patch=7, width=64, depth=4, heads=2, mlp=128):
        super().__init__()
        tokens = (28 // patch) ** 2
        self.embed = nn.Conv2d(1, width, patch, stride=patch)
        self.token = nn.Parameter(torch.zeros(1, 1, width))
        self.positions = nn.Parameter(torch.randn(1, tokens + 1, width) * 0.02)
        self.blocks = nn.Sequential(*[Block(width, heads, mlp) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def features(self, x):
        patches = self.embed(x.view(-1, 1, 28, 28)).flatten(2).transpose(1, 2)
        x = torch.cat([self.token.expand(len(patches), -1, -1), patches], dim=1) + self.positions
        return self.norm(self.blocks(x))[:, 0]

    def forward(self, x):
        return self.head(self.features(x))


def train_epoch(model, optimizer, x, y, labels, generator):
    model.train()
    order = torch.randperm(len(y), generator=generator)
    for start in range(0, len(y), BATCH):
        batch = order[start:start + BATCH]
        optimizer.zero_grad()
        F.cross_entropy(model(x[batch]), labels[batch]).backward()
        optimizer.step()


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        hits = sum(int((model(x[i:i + CHUNK]).argmax(1) == y[i:i + CHUNK]).sum()) for i in range(0, len(y), CHUNK))
    return hits / len(y)


def attacked_epoch(model, optimizer, x, y, generator):
    """The honest gradient (mean loss over all rows, in chunks), the greedy
    exact selection on the head, the epoch on the poisoned labels."""
    model.train()
    model.zero_grad()
    for i in range(0, len(y), CHUNK):
        (F.cross_entropy(model(x[i:i + CHUNK]), y[i:i + CHUNK], reduction="sum") / len(y)).backward()
    delta_w, delta_b = -model.head.weight.grad, -model.head.bias.grad
    n = len(y)
    subset = torch.randperm(n, generator=generator)[:int(np.floor(K * n + 1e-9))]
    with torch.no_grad():
        scores = torch.cat([model.features(x[subset[i:i + CHUNK]]) for i in range(0, len(subset), CHUNK)]) @ delta_w.T + delta_b
        best = scores.argmin(dim=1)
        rows = torch.arange(len(subset))
        gain = scores[rows, best] - scores[rows, y[subset]]
        order = torch.argsort(gain, stable=True)[:int(np.floor(B * len(subset) + 1e-9))]
        chosen = order[gain[order] < 0]
        poisoned = y.clone()
        poisoned[subset[chosen]] = best[chosen]
    train_epoch(model, optimizer, x, y, poisoned, generator)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--models", default="cnn,vit")
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    generator = torch.Generator().manual_seed(2)
    train_x, train_y = fashion_mnist.load("train", args.dir)
    test_x, test_y = fashion_mnist.load("test", args.dir)
    x, y = torch.from_numpy(train_x.astype(np.float32) / 255), torch.from_numpy(train_y)
    tx, ty = torch.from_numpy(test_x.astype(np.float32) / 255), torch.from_numpy(test_y)
    for name in args.models.split(","):
        model = {"cnn": CNN, "vit": ViT}[name]()
        optimizer = torch.optim.Adam(model.parameters(), lr=LR)
        t0 = time.perf_counter()
        train_epoch(model, optimizer, x, y, y, generator)
        train_s = time.perf_counter() - t0
        for _ in range(1, args.epochs):
            train_epoch(model, optimizer, x, y, y, generator)
        acc = accuracy(model, tx, ty)
        t0 = time.perf_counter()
        attacked_epoch(model, torch.optim.Adam(model.parameters(), lr=LR), x, y, generator)
        attacked_s = time.perf_counter() - t0
        parameters = sum(p.numel() for p in model.parameters())
        print("PEER torch %s parameters=%d train_s=%.3f accuracy=%.4f epochs=%d attacked_s=%.3f" % (
            name, parameters, train_s, acc, args.epochs, attacked_s), flush=True)


if __name__ == "__main__":
    main()
