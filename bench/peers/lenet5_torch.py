#!/usr/bin/env python3
"""lenet5_torch.py - chapter 9's two networks in PyTorch, for bench/lenet5.sh.

The same work as build/bin/09-lenet5: the dense net 784-256-256-256-10 or
LeNet-5 (conv 6@5x5 relu, avgpool 2, conv 16@5x5 relu, avgpool 2, dense
120 relu, 84 relu, 10 softmax), Glorot-uniform weights and zero biases as
Keras starts them, softmax cross-entropy averaged over the batch, SGD
(momentum optional; with --schedule linear the rate falls linearly to
zero over the run, per step, as the chapter's recipe does), pixels as
bytes / 255, the training images shuffled every epoch. Prints one line
per epoch with the seconds the training pass took (the test pass is
timed apart) and, at the end, the peak resident memory of this process.
With --target ACC it stops after the first epoch whose test accuracy
reaches ACC and prints the training seconds it took to get there.

    /usr/bin/python3 bench/peers/lenet5_torch.py --model lenet5 \
        --data fashion --epochs 2 --batch 1024 --threads 2
"""
import argparse
import gzip
import os
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

FASHION = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
            for i in range(magic & 0xff)]
    offset = 4 + 4 * len(dims)
    return np.frombuffer(data, np.uint8, offset=offset).reshape(dims)


def find(directory, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"),
                 stem.replace("-idx", ".idx") + ".gz"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    return None


def load(name):
    """The chapter's data: the official training and test files (MNIST
    as `make deps` installs it in data/mnist, or Fashion-MNIST); a
    directory without test files has every fifth image held out."""
    directory = {"fashion": FASHION}.get(name)
    if name == "mnist":
        here = os.path.dirname(os.path.abspath(__file__))
        directory = os.path.join(here, "..", "..", "data", "mnist")
    directory = directory or name
    x = read_idx(find(directory, "train-images-idx3-ubyte"))
    y = read_idx(find(directory, "train-labels-idx1-ubyte"))
    test = find(directory, "t10k-images-idx3-ubyte")
    if test:
        tx = read_idx(test)
        ty = read_idx(find(directory, "t10k-labels-idx1-ubyte"))
    else:
        held = np.arange(len(y)) % 5 == 4
        tx, ty, x, y = x[held], y[held], x[~held], y[~held]
    return x, y, tx, ty


def network(name):
    if name == "mlp":
        layers = [nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                  nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 256),
                  nn.ReLU(), nn.Linear(256, 10)]
    else:
        layers = [nn.Conv2d(1, 6, 5), nn.ReLU(), nn.AvgPool2d(2),
                  nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2),
                  nn.Flatten(), nn.Linear(256, 120), nn.ReLU(),
                  nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)]
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)   # Keras's glorot_uniform
            nn.init.zeros_(m.bias)
    return net


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=["mlp", "lenet5"], default="lenet5")
    ap.add_argument("--data", default="fashion")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.0)
    ap.add_argument("--schedule", choices=["constant", "linear"],
                    default="constant")
    ap.add_argument("--target", type=float, default=None,
                    help="stop at the first epoch whose test accuracy "
                    "reaches this")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--channels-last", action="store_true",
                    help="store images and conv weights channels last "
                    "(PyTorch's NHWC option for convolutions on the CPU)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.RandomState(args.seed)
    x, y, tx, ty = load(args.data)
    # Bytes stay bytes until a batch needs them, as in the C program.
    x = torch.from_numpy(x.copy()).unsqueeze(1)        # (n, 1, 28, 28)
    y = torch.from_numpy(y.astype(np.int64))
    tx = torch.from_numpy(tx.copy()).unsqueeze(1)
    ty = torch.from_numpy(ty.astype(np.int64))
    net = network(args.model)
    layout = torch.contiguous_format
    if args.channels_last:
        layout = torch.channels_last
        net = net.to(memory_format=layout)
    opt = torch.optim.SGD(net.parameters(), lr=args.lr,
                          momentum=args.momentum)
    loss_fn = nn.CrossEntropyLoss()
    steps = args.epochs * ((len(y) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: 1 - step / steps
        if args.schedule == "linear" else 1.0)
    trained = 0.0
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{args.model}, {args.data}: {len(y)} training and {len(ty)} "
          f"test images, batch {args.batch}, lr {args.lr}, momentum "
          f"{args.momentum}, schedule {args.schedule}"
          f"{', channels last' if args.channels_last else ''}")
    for epoch in range(1, args.epochs + 1):
        order = torch.from_numpy(rng.permutation(len(y)))
        net.train()
        start = time.perf_counter()
        total, correct = 0.0, 0
        for first in range(0, len(y), args.batch):
            rows = order[first:first + args.batch]
            images = (x[rows].float() / 255).contiguous(memory_format=layout)
            labels = y[rows]
            opt.zero_grad()
            logits = net(images)
            loss = loss_fn(logits, labels)
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item() * len(rows)
            correct += (logits.argmax(1) == labels).sum().item()
        seconds = time.perf_counter() - start
        net.eval()
        with torch.no_grad():
            hits = 0
            for first in range(0, len(ty), 1000):
                logits = net(tx[first:first + 1000].float() / 255)
                hits += (logits.argmax(1) == ty[first:first + 1000]) \
                    .sum().item()
        print(f"epoch {epoch:2d}/{args.epochs}  loss {total / len(y):.4f}"
              f"  train {correct / len(y):.4f}  test {hits / len(ty):.4f}"
              f"  {seconds:.2f} s  {len(y) / seconds:.0f} images/s",
              flush=True)
        trained += seconds
        if args.target is not None and hits / len(ty) >= args.target:
            print(f"target {args.target} reached in epoch {epoch} after "
                  f"{trained:.2f} s of training", flush=True)
            break
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident memory: {peak / 1024:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
