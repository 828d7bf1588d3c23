"""PyTorch twin of memonet's SGD baseline (opt-in timing comparison, not part of the tests).

For each case directory written by compare.bench.ts (X.npy float32, y.npy int32, width.txt),
trains the same 2-hidden-layer ReLU MLP (He-uniform weights, zero biases, Adam lr 1e-3,
batches of 128 reshuffled each epoch, accuracy checked after every epoch) at the width that
memonet's search found, until 100 % training accuracy or the epoch budget, and prints the time.
Usage: python3 torch_baseline.py --epochs E DIR [DIR ...]
"""
import argparse
import math
import os
import time

import numpy as np
import torch


def train(x, y, width, epochs, seed):
    torch.manual_seed(seed)
    classes = int(y.max()) + 1
    dims = [x.shape[1], width, width, classes]
    layers = []
    for i in range(3):
        lin = torch.nn.Linear(dims[i], dims[i + 1])
        bound = math.sqrt(6 / dims[i])
        torch.nn.init.uniform_(lin.weight, -bound, bound)
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    X = torch.from_numpy(x)
    Y = torch.from_numpy(y.astype(np.int64))
    gen = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    acc = 0.0
    for epoch in range(1, epochs + 1):
        perm = torch.randperm(len(X), generator=gen)
        for s in range(0, len(X), 128):
            idx = perm[s : s + 128]
            opt.zero_grad()
            loss_fn(model(X[idx]), Y[idx]).backward()
            opt.step()
        with torch.no_grad():
            acc = (model(X).argmax(1) == Y).float().mean().item()
        if acc == 1.0:
            break
    return epoch, acc, time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("dirs", nargs="+")
    a = p.parse_args()
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    for d in a.dirs:
        x = np.load(os.path.join(d, "X.npy"))
        y = np.load(os.path.join(d, "y.npy"))
        width = int(open(os.path.join(d, "width.txt")).read())
        epoch, acc, secs = train(x, y, width, a.epochs, 0)
        print(
            f"  {os.path.basename(d)}: width {width}, {epoch} epochs, training accuracy {acc:.4f}, "
            f"{secs:.2f} s ({secs / epoch * 1000:.0f} ms per epoch)"
        )


if __name__ == "__main__":
    main()
