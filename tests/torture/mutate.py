#!/usr/bin/python3
"""Random-mutation fuzzing of every pml tool's inputs (issue 12 acceptance).

Seeds are made with the tools themselves: a CSV, JSON lines, a pml stream
(msgpack), a preprocessed stream and a model. Each round takes one seed,
mutates its bytes (bit flips, byte changes, cut, duplicated or dropped
chunks, interesting values spliced in), runs the tools that read that kind
of input, and checks the oracles:

  crash      killed by a signal (other than SIGPIPE), or a sanitizer report
  hang       over the time bound (--bound seconds)
  unreadable exit 0 with an output stream that pml-cat refuses
  lost       exit 0 with fewer records out than in, where no stage drops any

Same --seed, same mutations. Failing inputs are kept in --keep DIR.
Usage: mutate.py [--n N] [--seed S] [--bound SEC] [--keep DIR] [--bin DIR]
Prints one line per failure and a summary; exit 1 if any failed.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

SPLICE = [b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"NaN", b"-0", b"1e999", b"9223372036854775808",
          b"007", b"\"", b",", b"\n", b"\r\n", b"{", b"}", b"[", b"]", b":", b"\"\":1", b"\xdc\xff\xff",
          b"\xdd\xff\xff\xff\xff", b"\xc4\xff", b"\xca\x7f\x7f\xff\xff", b"\xcb\x7f\xf0\x00\x00\x00\x00\x00\x00",
          b"PMLSYNC", b"\x1f\x8b"]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        n = len(data)
        if n == 0:
            data += rng.choice(SPLICE)
            continue
        i = rng.randrange(n)
        if op == 0:
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[i] = rng.randrange(256)
        elif op == 2:
            del data[i:i + rng.randint(1, 64)]
        elif op == 3:
            j = rng.randrange(n)
            data[i:i] = data[j:j + rng.randint(1, 64)]
        elif op == 4:
            data[i:i] = rng.choice(SPLICE)
        elif op == 5:
            data = data[:i]
        else:
            data[i:i + 1] = rng.choice(SPLICE)
    return bytes(data)


class Fuzz:
    def __init__(self, bindir, work, bound, keep):
        self.bin, self.work, self.bound, self.keep = bindir, work, bound, keep
        self.failures = []
        self.runs = 0

    def tool(self, name):
        return os.path.join(self.bin, name)

    def run(self, args, stdin=subprocess.DEVNULL):
        self.runs += 1
        try:
            p = subprocess.run(args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=self.bound, cwd=self.work)
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            return "hang", b"", b""

    def count(self, path):
        rc, out, _ = self.run([self.tool("pml-cat"), "--count", path])
        return int(out) if rc == 0 and out.strip().isdigit() else None

    def fail(self, kind, what, data):
        n = len(self.failures)
        self.failures.append((kind, what))
        print("FAIL %s: %s" % (kind, what))
        if self.keep:
            os.makedirs(self.keep, exist_ok=True)
            with open(os.path.join(self.keep, "%s-%d.in" % (kind, n)), "wb") as f:
                f.write(data)

    def check(self, what, args, data, out=None, want=None, stdin=False):
        """Run args on the mutated input (file 'in', or on stdin); out: output stream
        to read back; want: records the output must hold when the run succeeds."""
        if out and os.path.exists(os.path.join(self.work, out)):
            os.unlink(os.path.join(self.work, out))
        if stdin:
            with open(os.path.join(self.work, "in"), "rb") as f:
                rc, _, err = self.run(args, stdin=f)
        else:
            rc, _, err = self.run(args, stdin=subprocess.DEVNULL)
        if rc == "hang":
            return self.fail("hang", what, data)
        if (isinstance(rc, int) and rc < 0 and rc != -13) or rc in (134, 139) or \
                b"Sanitizer" in err or b"runtime error:" in err:
            return self.fail("crash", "%s (exit %s) %s" % (what, rc, err[:200]), data)
        if rc != 0 or not out:
            return
        n = self.count(out)
        if n is None:
            return self.fail("unreadable", what, data)
        if want is not None and n < want:
            self.fail("lost", "%s: %d records in, %d out" % (what, want, n), data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bound", type=float, default=10.0)
    ap.add_argument("--keep", default=None)
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bin"))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="pml-mutate.")
    fz = Fuzz(os.path.abspath(a.bin), work, a.bound, a.keep)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    W = lambda name: os.path.join(work, name)
    try:
        with open(W("a.csv"), "w") as f:
            f.write("id,x,w,cat,y\n")
            for i in range(1, 41):
                f.write("%d,%s,%d,c%d,%s\n" % (i, "" if i % 5 == 0 else "%d.5" % (i % 7), i * 3 % 11, i % 3,
                                               "yes" if i % 2 else "no"))
        with open(W("a.jsonl"), "w") as f:
            for i in range(1, 31):
                f.write('{"id":%d,"x":%d.25,"t":"w%d","n":{"k":%d},"y":"%s"}\n' % (i, i % 5, i % 4, i, "ab"[i % 2]))
        T = fz.tool
        for args in ([T("pml-collect"), "-q", "--label", "y", "--id", "id", "-o", "a.mp", "a.csv"],
                     [T("pml-clean"), "-q", "--fill", "x=mean", "-o", "c.mp", "a.mp"],
                     [T("pml-preprocess"), "-q", "-o", "p.mp", "c.mp"],
                     [T("pml-train"), "-q", "--epochs", "2", "--hidden", "4", "-o", "m.pml", "p.mp"]):
            if subprocess.run(args, cwd=work).returncode != 0:
                print("FAIL setup: %s" % " ".join(args))
                return 1
        seeds = {k: open(W(f), "rb").read() for k, f in
                 (("csv", "a.csv"), ("jsonl", "a.jsonl"), ("stream", "a.mp"), ("prep", "p.mp"), ("model", "m.pml"))}
        for r in range(a.n):
            kind = rng.choice(sorted(seeds))
            data = mutate(rng, seeds[kind])
            with open(W("in"), "wb") as f:
                f.write(data)
            if kind == "csv":
                fz.check("collect csv", [T("pml-collect"), "-q", "--csv", "-o", "o.mp", "in"], data, "o.mp")
                fz.check("serve csv", [T("pml-serve-stdin"), "-q", "-f", "csv", "m.pml"], data, stdin=True)
            elif kind == "jsonl":
                fz.check("collect json", [T("pml-collect"), "-q", "--json", "-o", "o.mp", "in"], data, "o.mp")
                fz.check("serve json", [T("pml-serve-stdin"), "-q", "-f", "json", "m.pml"], data, stdin=True)
            elif kind in ("stream", "prep"):
                n = fz.count("in")
                fz.check("cat", [T("pml-cat"), "-o", "o.json", "in"], data)
                fz.check("clean", [T("pml-clean"), "-q", "--cast", "id=str", "-o", "o.mp", "in"], data, "o.mp", n)
                fz.check("split", [T("pml-split"), "-q", "-o", "o.mp", "-o", "o2.mp", "in"], data, "o.mp")
                if kind == "stream":
                    fz.check("preprocess", [T("pml-preprocess"), "-q", "-o", "o.mp", "in"], data, "o.mp", n)
                    fz.check("eval raw", [T("pml-eval"), "-q", "-m", "m.pml", "in"], data)
                else:
                    fz.check("train", [T("pml-train"), "-q", "--epochs", "1", "--hidden", "2", "-o", "o.pml", "in"], data)
                    fz.check("serve msgpack", [T("pml-serve-stdin"), "-q", "-f", "msgpack", "m.pml"], data, stdin=True)
            else:
                fz.check("eval model", [T("pml-eval"), "-q", "-m", "in", "a.mp"], data)
                fz.check("cat model", [T("pml-cat"), "in"], data)
                with open(W("req.json"), "w") as f:
                    f.write('{"id":1,"x":1.5,"w":3,"cat":"c1"}\n')
                fz.check("serve model", [T("pml-serve-stdin"), "-q", "in"], data)
        print("%d mutations, %d runs, %d failures" % (a.n, fz.runs, len(fz.failures)))
        return 1 if fz.failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
