#!/usr/bin/env python3
"""lenet5_torch.py - chapter 9's two networks in PyTorch, for the benches.

The same work as build/bin/09-lenet5: the dense net 784-256-256-256-10 or
LeNet-5 (conv 6@5x5 relu, avgpool 2, conv 16@5x5 relu, avgpool 2, dense
120 relu, 84 relu, 10 softmax), Glorot-uniform weights and zero biases as
Keras starts them, softmax cross-entropy averaged over the batch, SGD
(momentum optional; with --schedule linear the rate falls linearly to
zero over the run, per step, as the chapter's recipe does), pixels as
bytes / 255, the training images shuffled every epoch, on MNIST (the
files `make deps` installs in data/mnist) unless --data says otherwise.

It first prints what it runs with: torch's version and threads, its
parallel backend, whether convolutions go through oneDNN (mkldnn), the
BLAS library it loaded and the kernels that library chose, and the
environment variables that change them. Then one line per epoch with
the wall-clock and CPU seconds of the training pass (the test pass is
timed apart) and, at the end, the peak resident memory of this process.
With --target ACC it stops after the first epoch whose test accuracy
reaches ACC and prints the training seconds it took to get there.

    /usr/bin/python3 bench/peers/lenet5_torch.py --model lenet5 \
        --epochs 2 --batch 1024 --threads 2

--probe: PyTorch at its best. Times short runs of the obvious ways to
configure it for this work and prints them all, fastest first, then the
fastest as two lines a bench can use:
    choice env: OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
    choice flags: --threads 2 --channels-last
Stage 1 tries each environment - as it is; OMP_WAIT_POLICY=PASSIVE (torch's
idle OpenMP threads sleep instead of spinning); OPENBLAS_NUM_THREADS=1
(OpenBLAS starts no thread pool of its own beside torch's); both - in a
fresh process, since both are read at start-up, and in each 1 thread and
all the cores'. Stage 2 takes the fastest of those and tries, in one
process, channels-last layout (LeNet-5), oneDNN convolutions off
(LeNet-5) and flush-denormal, each on and off. Each configuration trains
--probe-images images (default 4096, at least 2 batches; at most
--probe-seconds, default 1) after one untimed batch, twice, interleaved
with the others; its faster round counts, by wall-clock time (what a
user waits for).

    /usr/bin/python3 bench/peers/lenet5_torch.py --model lenet5 \
        --batch 32 --momentum 0.9 --probe
"""
import argparse
import gzip
import itertools
import os
import resource
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn

import blas   # bench/peers/blas.py, beside this file

FASHION = "/usr/share/datasets/fashion-mnist"
ENV_VARS = ("OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
PROBE_ENVS = ((), ("OMP_WAIT_POLICY=PASSIVE",), ("OPENBLAS_NUM_THREADS=1",),
              ("OMP_WAIT_POLICY=PASSIVE", "OPENBLAS_NUM_THREADS=1"))


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
    train = find(directory, "train-images-idx3-ubyte")
    if not train:
        sys.exit(f"lenet5_torch.py: no training images in {directory} "
                 "(make deps installs MNIST in data/mnist)")
    x = read_idx(train)
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


def configure(threads, channels_last, flush_denormal, mkldnn, net):
    """Set torch up one way; returns the memory layout for the images."""
    torch.set_num_threads(threads)
    torch.set_flush_denormal(flush_denormal)
    torch.backends.mkldnn.enabled = mkldnn
    layout = torch.channels_last if channels_last \
        else torch.contiguous_format
    net.to(memory_format=layout)
    return layout


def describe_setup(flush_denormal):
    """What this process runs with, one line each."""
    env = " ".join(f"{v}={os.environ[v]}" for v in ENV_VARS
                   if v in os.environ) or "none of " + " ".join(ENV_VARS)
    path = blas.torch_blas()
    kernel = blas.describe(path) if path else "no BLAS found"
    pool = blas.blas_threads(path) if path else None
    backend = [line.split(": ")[-1] for line in
               torch.__config__.parallel_info().splitlines()
               if line.startswith("ATen parallel backend")]
    print(f"torch {torch.__version__}: {torch.get_num_threads()} threads, "
          f"parallel backend {backend[0] if backend else '?'}, "
          f"oneDNN {torch.backends.mkldnn.is_available() and 'in' or 'not in'}"
          f" the build, oneDNN convolutions "
          f"{'on' if torch.backends.mkldnn.enabled else 'off'}, "
          f"flush denormal {'on' if flush_denormal else 'off'}")
    pool = f", {pool} threads in its pool" if pool else ""
    print(f"torch BLAS: {os.path.realpath(path) if path else '-'}: "
          f"{kernel}{pool}")
    print(f"torch environment: {env}")


def batches(x, y, order, batch, layout):
    for first in range(0, len(order), batch):
        rows = order[first:first + batch]
        yield (x[rows].float() / 255).contiguous(memory_format=layout), \
            y[rows]


def step(net, opt, loss_fn, images, labels):
    opt.zero_grad()
    logits = net(images)
    loss = loss_fn(logits, labels)
    loss.backward()
    opt.step()
    return loss, logits


def probe_here(args, x, y):
    """Time configurations in this process; print one line each:
    'probe WALL CPU FLAGS', seconds per 1000 images. Stage 1: 1 thread
    and all the cores', the rest at torch's defaults. Stage 2, at
    --threads: channels-last, flush-denormal and oneDNN each way."""
    net = network(args.model)
    opt = torch.optim.SGD(net.parameters(), lr=args.lr,
                          momentum=args.momentum)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.RandomState(args.seed)
    conv = args.model == "lenet5"
    if args.probe_here == 1:
        grid = [(t, False, False, True)
                for t in sorted({1, os.cpu_count() or 1})]
    else:
        grid = list(itertools.product(
            (args.threads,), (False, True) if conv else (False,),
            (False, True), (True, False) if conv else (True,)))
    n = max(2, args.probe_images // args.batch)
    best = {}
    for _ in range(2):
        for config in grid:
            layout = configure(*config, net)
            order = torch.from_numpy(rng.permutation(len(y))[
                :(n + 1) * args.batch])
            feed = batches(x, y, order, args.batch, layout)
            step(net, opt, loss_fn, *next(feed))     # untimed
            wall, cpu, done = time.perf_counter(), time.process_time(), 0
            for images, labels in feed:
                step(net, opt, loss_fn, images, labels)
                done += len(labels)
                if time.perf_counter() - wall > args.probe_seconds:
                    break
            wall = (time.perf_counter() - wall) / done * 1000
            cpu = (time.process_time() - cpu) / done * 1000
            if config not in best or wall < best[config][0]:
                best[config] = (wall, cpu)
    for (threads, cl, flush, mkldnn), (wall, cpu) in best.items():
        flags = f"--threads {threads}" + (" --channels-last" if cl else "") \
            + (" --flush-denormal" if flush else "") \
            + ("" if mkldnn else " --no-mkldnn")
        print(f"probe {wall:.4f} {cpu:.4f} {flags}", flush=True)


def probe_child(args, stage, extra, threads):
    """probe_here's rows, run in a fresh process under the environment
    EXTRA (a tuple of VAR=VALUE): [(wall, cpu, env, flags), ...]."""
    env = dict(os.environ)
    for var in ("OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS"):
        env.pop(var, None)
    env.update(v.split("=", 1) for v in extra)
    cmd = [sys.executable, os.path.abspath(__file__), "--probe-here",
           str(stage), "--model", args.model, "--data", args.data,
           "--batch", str(args.batch), "--lr", str(args.lr),
           "--momentum", str(args.momentum), "--threads", str(threads),
           "--probe-images", str(args.probe_images),
           "--probe-seconds", str(args.probe_seconds)]
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                         check=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        if line.startswith("probe "):
            _, wall, cpu, flags = line.split(" ", 3)
            rows.append((float(wall), float(cpu), " ".join(extra), flags))
    return rows


def probe(args):
    """Stage 1 under each environment, stage 2 under the fastest."""
    rows = []
    for extra in PROBE_ENVS:
        rows += probe_child(args, 1, extra, 0)
    wall, _, env, flags = min(rows)
    rows += [r for r in probe_child(args, 2, tuple(env.split()),
                                    int(flags.split()[1]))
             if r[3] != flags]     # stage 1 timed that one already
    rows.sort()
    print(f"probe: PyTorch {torch.__version__}, {args.model}, batch "
          f"{args.batch}, {len(rows)} configurations, seconds per 1000 "
          f"training images (the better of 2 rounds of up to "
          f"{args.probe_images} images or {args.probe_seconds} s), "
          "fastest first:")
    print(f"  {'wall':>7} {'CPU':>7}  configuration")
    for wall, cpu, env, flags in rows:
        print(f"  {wall:7.3f} {cpu:7.3f}  {env + ' ' if env else ''}{flags}")
    print(f"choice env: {rows[0][2]}")
    print(f"choice flags: {rows[0][3]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=["mlp", "lenet5"], default="lenet5")
    ap.add_argument("--data", default="mnist")
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
    ap.add_argument("--flush-denormal", action="store_true",
                    help="torch.set_flush_denormal(True)")
    ap.add_argument("--no-mkldnn", action="store_true",
                    help="convolutions without oneDNN (ATen's own)")
    ap.add_argument("--probe", action="store_true",
                    help="time the obvious configurations, print the "
                    "fastest")
    ap.add_argument("--probe-here", type=int, choices=[1, 2],
                    help=argparse.SUPPRESS)
    ap.add_argument("--probe-images", type=int, default=4096)
    ap.add_argument("--probe-seconds", type=float, default=1.0)
    args = ap.parse_args()

    if args.probe:
        return probe(args)
    torch.manual_seed(args.seed)
    rng = np.random.RandomState(args.seed)
    x, y, tx, ty = load(args.data)
    # Bytes stay bytes until a batch needs them, as in the C program.
    x = torch.from_numpy(x.copy()).unsqueeze(1)        # (n, 1, 28, 28)
    y = torch.from_numpy(y.astype(np.int64))
    tx = torch.from_numpy(tx.copy()).unsqueeze(1)
    ty = torch.from_numpy(ty.astype(np.int64))
    if args.probe_here:
        return probe_here(args, x, y)
    net = network(args.model)
    layout = configure(args.threads, args.channels_last,
                       args.flush_denormal, not args.no_mkldnn, net)
    opt = torch.optim.SGD(net.parameters(), lr=args.lr,
                          momentum=args.momentum)
    loss_fn = nn.CrossEntropyLoss()
    steps = args.epochs * ((len(y) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: 1 - step / steps
        if args.schedule == "linear" else 1.0)
    trained = 0.0
    describe_setup(args.flush_denormal)
    print(f"{args.model}, {args.data}: {len(y)} training and {len(ty)} "
          f"test images, batch {args.batch}, lr {args.lr}, momentum "
          f"{args.momentum}, schedule {args.schedule}"
          f"{', channels last' if args.channels_last else ''}")
    for epoch in range(1, args.epochs + 1):
        order = torch.from_numpy(rng.permutation(len(y)))
        net.train()
        start, cpu = time.perf_counter(), time.process_time()
        total, correct = 0.0, 0
        for images, labels in batches(x, y, order, args.batch, layout):
            loss, logits = step(net, opt, loss_fn, images, labels)
            schedule.step()
            total += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        net.eval()
        with torch.no_grad():
            hits = 0
            for first in range(0, len(ty), 1000):
                images = (tx[first:first + 1000].float() / 255) \
                    .contiguous(memory_format=layout)
                logits = net(images)
                hits += (logits.argmax(1) == ty[first:first + 1000]) \
                    .sum().item()
        print(f"epoch {epoch:2d}/{args.epochs}  loss {total / len(y):.4f}"
              f"  train {correct / len(y):.4f}  test {hits / len(ty):.4f}"
              f"  wall {seconds:.2f} s  cpu {cpu:.2f} s"
              f"  {len(y) / seconds:.0f} images/s", flush=True)
        trained += seconds
        if args.target is not None and hits / len(ty) >= args.target:
            print(f"target {args.target} reached in epoch {epoch} after "
                  f"{trained:.2f} s of training", flush=True)
            break
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident memory: {peak / 1024:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
