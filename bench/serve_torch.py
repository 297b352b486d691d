#!/usr/bin/python3
"""The PyTorch peer of pml-serve-stdin for bench/serve.sh.

serve_torch.py WEIGHTS.json: the network that bench/serve-export printed from a
pml model, run by PyTorch. Reads JSON lines on stdin with the same loop as
pml-serve-stdin (read what is available, predict it as one batch of at most
1024, write the replies, flush) and writes the same replies:
{"class":...,"index":...,"probs":[...]} with probabilities as %.9g, or
{"error":"record N: ..."}.
"""
import json
import os
import sys

import numpy as np
import torch


def build(spec):
    layers = []
    for l in spec["layers"]:
        if l["kind"] == "dense":
            lin = torch.nn.Linear(l["n_in"], l["n_out"])
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(l["w"], dtype=torch.float32).reshape(l["n_out"], l["n_in"]))
                lin.bias.copy_(torch.tensor(l["b"], dtype=torch.float32))
            layers.append(lin)
        elif l["kind"] == "act":
            layers.append({"relu": torch.nn.ReLU(), "sigmoid": torch.nn.Sigmoid(),
                           "tanh": torch.nn.Tanh(), "identity": torch.nn.Identity()}[l["act"]])
    return torch.nn.Sequential(*layers).eval()


def main():
    spec = json.load(open(sys.argv[1]))
    torch.set_num_threads(int(os.environ.get("OPENBLAS_NUM_THREADS", "1")))
    net = build(spec)
    classes = [json.dumps(c) for c in spec["classes"]]
    scale = {}
    columns = None
    for step in spec["chain"]:
        if step["op"] == "scale":
            scale[step["column"]] = (step["sub"], step["div"], step["add"])
        elif step["op"] == "assemble":
            columns = step["columns"]
    softmax = spec["loss"] == "ce"
    buf = b""
    rec = 0
    while True:
        chunk = os.read(0, 1 << 20)
        if not chunk:
            break
        buf += chunk
        lines = buf.split(b"\n")
        buf = lines.pop()
        for start in range(0, len(lines), 1024):
            batch = lines[start:start + 1024]
            rows, replies = [], []
            for line in batch:
                if not line.strip():
                    continue
                rec += 1
                try:
                    obj = json.loads(line)
                    rows.append(np.concatenate([np.asarray(obj[c], dtype=np.float32).ravel() for c in columns]))
                    replies.append(None)
                except (ValueError, KeyError, TypeError) as e:
                    replies.append(json.dumps({"error": "record %d: %s" % (rec, e)}))
            out = []
            if rows:
                x = np.stack(rows)
                for c, (sub, div, add) in scale.items():
                    x = ((x - np.float32(sub)) / np.float32(div) + np.float32(add)).astype(np.float32)
                with torch.no_grad():
                    y = net(torch.from_numpy(x))
                    if softmax:
                        y = torch.softmax(y, dim=1)
                y = y.numpy()
            k = 0
            for r in replies:
                if r is not None:
                    out.append(r)
                    continue
                p = y[k]
                k += 1
                if classes:
                    i = int(np.argmax(p))
                    out.append('{"class":%s,"index":%d,"probs":[%s]}' % (
                        classes[i], i, ",".join("%.9g" % v for v in p.tolist())))
                else:
                    out.append('{"value":%.9g}' % p[0])
            if out:
                os.write(1, ("\n".join(out) + "\n").encode())


if __name__ == "__main__":
    main()
