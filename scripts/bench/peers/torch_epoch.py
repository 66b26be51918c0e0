"""The attacked epoch of scripts/bench/paper_epoch.lua in idiomatic PyTorch
on the CPU, one thread: torch.nn modules and autograd for the honest full
gradient and the SGD epoch (torch.optim.SGD, batch 64), the greedy `exact`
selection with a stable argsort. Prints one PEER line per task (see workload.py)."""
import sys

import workload

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("SKIP torch is not installed (pip install torch --index-url https://download.pytorch.org/whl/cpu)")
    sys.exit(0)


def make(name, d, classes, hidden):
    if name == "mlp":
        return torch.nn.Sequential(torch.nn.Linear(d, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, classes))
    return torch.nn.Linear(d, 1 if classes == 2 else classes)


def loss_of(model, x, y, classes):
    z = model(x)
    if classes == 2:
        return F.binary_cross_entropy_with_logits(z[:, 0], y.float())
    return F.cross_entropy(z, y)


def scores(model, x, delta):
    """s = <(x, 1), delta> for the last layer; the MLP's on its hidden activations."""
    if isinstance(model, torch.nn.Sequential):
        x = model[1](model[0](x))
    return x @ delta[-2].T + delta[-1]


def greedy_exact(s, y, budget):
    if s.shape[1] == 1:
        gain = s[:, 0] * (1 - 2 * y).float()
        best = 1 - y
    else:
        best = s.argmin(dim=1)
        rows = torch.arange(len(y))
        gain = s[rows, best] - s[rows, y]
    order = torch.argsort(gain, stable=True)[:budget]
    chosen = order[gain[order] < 0]
    return chosen, best[chosen]


def attacked_epoch(model, x, y, classes, generator):
    optimizer = torch.optim.SGD(model.parameters(), lr=workload.LR)

    def run(clock):
        t0 = clock()
        model.zero_grad()
        loss_of(model, x, y, classes).backward()
        delta = [-p.grad for p in model.parameters()]
        t1 = clock()
        n = len(y)
        with torch.no_grad():
            subset = torch.randperm(n, generator=generator)[:workload.budget(workload.K, n)]
            chosen, labels = greedy_exact(scores(model, x[subset], delta), y[subset],
                                          workload.budget(workload.B, len(subset)))
            poisoned = y.clone()
            poisoned[subset[chosen]] = labels
        t2 = clock()
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, workload.BATCH):
            batch = order[start:start + workload.BATCH]
            optimizer.zero_grad()
            loss_of(model, x[batch], poisoned[batch], classes).backward()
            optimizer.step()
        return t0, t1, t2, clock()
    return run


def main():
    args = workload.arguments()
    torch.set_num_threads(1)
    torch.manual_seed(3)
    generator = torch.Generator().manual_seed(3)
    for name, x, y, classes in workload.tasks(args.dir):
        x, y = torch.from_numpy(x), torch.from_numpy(y)
        model = make(name, x.shape[1], classes, args.hidden)
        best = workload.attacked_epochs(args.repeats, attacked_epoch(model, x, y, classes, generator), args.clock, args.seconds)
        workload.report("torch", name, best)


if __name__ == "__main__":
    main()
