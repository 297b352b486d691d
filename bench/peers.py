#!/usr/bin/python3
"""Peers for bench/train-vs-peers.sh: train the same MLP on Fashion-MNIST with
PyTorch or scikit-learn and print one line: NAME s_per_epoch accuracy.

usage: peers.py torch|torch-dl|sklearn DATA_DIR HIDDEN EPOCHS BATCH LR INTRA INTER

torch indexes the whole training tensor with a shuffled index per batch (the
fastest plain PyTorch loop we found); torch-dl is the textbook script, a
DataLoader over a TensorDataset with shuffle=True.
"""
import gzip
import struct
import sys
import time

import numpy as np


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(d):
    xtr = idx(d + "/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    ytr = idx(d + "/train-labels-idx1-ubyte.gz").astype(np.int64)
    xte = idx(d + "/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    yte = idx(d + "/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    return xtr, ytr, xte, yte


def run_torch(xtr, ytr, xte, yte, hidden, epochs, batch, lr, intra, inter, loader=False):
    import torch
    torch.set_num_threads(intra)
    torch.set_num_interop_threads(inter)
    torch.manual_seed(42)
    layers, n = [], 784
    for h in hidden:
        layers += [torch.nn.Linear(n, h), torch.nn.ReLU()]
        n = h
    layers.append(torch.nn.Linear(n, 10))
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    lossf = torch.nn.CrossEntropyLoss()
    X, Y = torch.from_numpy(xtr), torch.from_numpy(ytr)
    g = torch.Generator().manual_seed(42)
    dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), batch_size=batch,
                                     shuffle=True, generator=g)

    def step(xb, yb):
        opt.zero_grad()
        loss = lossf(model(xb), yb)
        loss.backward()
        opt.step()

    t0 = time.perf_counter()
    for _ in range(epochs):
        if loader:
            for xb, yb in dl:
                step(xb, yb)
            continue
        perm = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), batch):
            idx_ = perm[i:i + batch]
            step(X[idx_], Y[idx_])
    secs = (time.perf_counter() - t0) / epochs
    with torch.no_grad():
        acc = (model(torch.from_numpy(xte)).argmax(1).numpy() == yte).mean()
    return secs, acc


def run_sklearn(xtr, ytr, xte, yte, hidden, epochs, batch, lr):
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf = MLPClassifier(hidden_layer_sizes=tuple(hidden), activation="relu", solver="adam",
                        learning_rate_init=lr, batch_size=batch, max_iter=epochs,
                        shuffle=True, random_state=42, tol=0, n_iter_no_change=epochs + 1)
    t0 = time.perf_counter()
    clf.fit(xtr, ytr)
    secs = (time.perf_counter() - t0) / epochs
    return secs, (clf.predict(xte) == yte).mean()


def main():
    which, d = sys.argv[1], sys.argv[2]
    hidden = [int(h) for h in sys.argv[3].split(",")]
    epochs, batch, lr = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
    intra, inter = int(sys.argv[7]), int(sys.argv[8])
    data = load(d)
    if which in ("torch", "torch-dl"):
        secs, acc = run_torch(*data, hidden, epochs, batch, lr, intra, inter, which == "torch-dl")
    else:
        secs, acc = run_sklearn(*data, hidden, epochs, batch, lr)
    print(f"{which} {secs:.4f} {acc:.4f}")


main()
