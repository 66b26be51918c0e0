"""The attacked epoch of scripts/bench/paper_epoch.lua in plain NumPy,
single-threaded: the honest full gradient in one vectorised pass, the greedy
`exact` selection with argsort, one SGD epoch of per-batch matmuls.
Prints one PEER line per task (see workload.py)."""
import workload  # first: it pins BLAS to one thread before NumPy loads

import numpy as np  # noqa: E402


def softmax_residual(z, y):
    """softmax(z) - onehot(y), row by row."""
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return p


def sigmoid(z):
    with np.errstate(over="ignore"):  # exp(-z) = inf gives the right 0
        return 1 / (1 + np.exp(-z))


class Linear:
    """Softmax regression (classes > 2) or binary logistic regression."""

    def __init__(self, d, classes):
        self.outputs = 1 if classes == 2 else classes
        self.w = np.zeros((self.outputs, d), np.float32)
        self.b = np.zeros(self.outputs, np.float32)

    def residual(self, x, y):
        z = x @ self.w.T + self.b
        if self.outputs == 1:
            return sigmoid(z) - y[:, None].astype(np.float32)
        return softmax_residual(z, y)

    def gradient(self, x, y):
        r = self.residual(x, y)
        return r.T @ x / len(y), r.mean(axis=0)

    def step(self, x, y, lr):
        gw, gb = self.gradient(x, y)
        self.w -= lr * gw
        self.b -= lr * gb

    def scores(self, x, delta):
        """s = <(x, 1), delta> per class: [m, outputs]."""
        dw, db = delta
        return x @ dw.T + db


class MLP:
    """x -> ReLU(W1 x + b1) -> softmax(W2 h + b2)."""

    def __init__(self, d, hidden, classes, rng):
        def uniform(shape, fan_in):
            return rng.uniform(-1, 1, shape).astype(np.float32) / np.float32(np.sqrt(fan_in))
        self.w1, self.b1 = uniform((hidden, d), d), uniform(hidden, d)
        self.w2, self.b2 = uniform((classes, hidden), hidden), uniform(classes, hidden)

    def hidden(self, x):
        return np.maximum(x @ self.w1.T + self.b1, 0)

    def gradient(self, x, y):
        h = self.hidden(x)
        r = softmax_residual(h @ self.w2.T + self.b2, y) / len(y)
        dh = r @ self.w2
        dh[h <= 0] = 0
        return dh.T @ x, dh.sum(axis=0), r.T @ h, r.sum(axis=0)

    def step(self, x, y, lr):
        g1, g1b, g2, g2b = self.gradient(x, y)
        self.w1 -= lr * g1
        self.b1 -= lr * g1b
        self.w2 -= lr * g2
        self.b2 -= lr * g2b

    def scores(self, x, delta):
        """The last-layer attack: scores of the output layer's delta on h(x)."""
        return self.hidden(x) @ delta[2].T + delta[3]


def greedy_exact(s, y, budget):
    """Positions to flip and their labels: the most negative gains, none >= 0."""
    if s.shape[1] == 1:
        gain = s[:, 0] * (1 - 2 * y).astype(np.float32)
        best = 1 - y
    else:
        best = s.argmin(axis=1)
        rows = np.arange(len(y))
        gain = s[rows, best] - s[rows, y]
    order = np.argsort(gain, kind="stable")[:budget]
    chosen = order[gain[order] < 0]
    return chosen, best[chosen]


def attacked_epoch(model, x, y, rng):
    def run(clock):
        t0 = clock()
        delta = [-g for g in model.gradient(x, y)]
        t1 = clock()
        n = len(y)
        subset = rng.choice(n, workload.budget(workload.K, n), replace=False)
        chosen, labels = greedy_exact(model.scores(x[subset], delta), y[subset],
                                      workload.budget(workload.B, len(subset)))
        poisoned = y.copy()
        poisoned[subset[chosen]] = labels
        t2 = clock()
        order = rng.permutation(n)
        for start in range(0, n, workload.BATCH):
            batch = order[start:start + workload.BATCH]
            model.step(x[batch], poisoned[batch], workload.LR)
        return t0, t1, t2, clock()
    return run


def main():
    args = workload.arguments()
    rng = np.random.default_rng(3)
    for name, x, y, classes in workload.tasks(args.dir):
        d = x.shape[1]
        model = MLP(d, args.hidden, classes, rng) if name == "mlp" else Linear(d, classes)
        workload.report("numpy", name, workload.attacked_epochs(args.repeats, attacked_epoch(model, x, y, rng), args.clock, args.seconds))


if __name__ == "__main__":
    main()
