#!/usr/bin/python3
"""PyTorch twin of `lmstab bench`, for the benchmark only (not a test, not CI).

Trains the same GPT-2 model as an lmstab INI file (pre-LN blocks, fused qkv,
causal attention, tanh GELU, final LayerNorm, tied byte embeddings, biases)
with the same full step: forward, cross-entropy, backward, global-norm clip,
AdamW with decay on >= 2-D parameters only. Prints tokens/s per thread
setting. With --lmstab PATH it alternates blocks of PyTorch steps with
`PATH bench CONFIG --no-roof --only-threads N` runs, so that both see the same
machine load, and prints the ratio lmstab / PyTorch per round and overall.

With --bf16 both sides train with bfloat16 products: PyTorch under
torch.autocast("cpu", dtype=torch.bfloat16) (the forward and the loss; its
backward follows the autocast dtypes), lmstab with
--set training.precision=bf16 (its default bf16 kernel for this CPU).

Needs Debian's python3-torch (PyTorch 1.13 CPU): run with /usr/bin/python3.

  /usr/bin/python3 scripts/bench_torch.py configs/baseline.ini --threads 1 \
      --lmstab build/lmstab --rounds 3
"""
import argparse
import configparser
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_ini(path, sets):
    cp = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    cp.read(path)
    cfg = {
        "vocab": cp.getint("model", "vocab_size", fallback=256),
        "context": cp.getint("model", "context", fallback=128),
        "d_model": cp.getint("model", "d_model", fallback=128),
        "n_layer": cp.getint("model", "n_layer", fallback=4),
        "n_head": cp.getint("model", "n_head", fallback=4),
        "batch": cp.getint("training", "batch_size", fallback=16),
        "lr": cp.getfloat("training", "lr", fallback=3e-3),
    }
    names = {"model.vocab_size": "vocab", "model.context": "context",
             "model.d_model": "d_model", "model.n_layer": "n_layer",
             "model.n_head": "n_head", "training.batch_size": "batch"}
    for s in sets:
        k, v = s.split("=", 1)
        if k in names:
            cfg[names[k]] = int(v)
    return cfg


class Block(nn.Module):
    def __init__(self, c, h, n_layer):
        super().__init__()
        self.h = h
        self.ln1 = nn.LayerNorm(c)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c)
        self.fc1 = nn.Linear(c, 4 * c)
        self.fc2 = nn.Linear(4 * c, c)
        for lin in (self.qkv, self.proj, self.fc1, self.fc2):
            nn.init.normal_(lin.weight, 0.0, 0.02)
            nn.init.zeros_(lin.bias)
        for lin in (self.proj, self.fc2):
            nn.init.normal_(lin.weight, 0.0, 0.02 / math.sqrt(2 * n_layer))

    def forward(self, x, mask):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q = q.view(B, T, self.h, C // self.h).transpose(1, 2)
        k = k.view(B, T, self.h, C // self.h).transpose(1, 2)
        v = v.view(B, T, self.h, C // self.h).transpose(1, 2)
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.h))
        s = s.masked_fill(mask[:T, :T], float("-inf"))
        y = F.softmax(s, dim=-1) @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["d_model"]
        self.wte = nn.Embedding(cfg["vocab"], c)
        self.wpe = nn.Embedding(cfg["context"], c)
        nn.init.normal_(self.wte.weight, 0.0, 0.02)
        nn.init.normal_(self.wpe.weight, 0.0, 0.02)
        self.blocks = nn.ModuleList(
            Block(c, cfg["n_head"], cfg["n_layer"]) for _ in range(cfg["n_layer"]))
        self.ln_f = nn.LayerNorm(c)
        T = cfg["context"]
        self.register_buffer(
            "mask", torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1))

    def forward(self, idx, tgt):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.blocks:
            x = b(x, self.mask)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), tgt.view(-1))


def find_corpus(repo):
    for p in (os.path.join(repo, "data", "tinyshakespeare.txt"),
              os.path.join(repo, "..", "shared", "data", "tinyshakespeare.txt")):
        if os.path.exists(p):
            return p
    sys.exit("bench_torch: no tinyshakespeare.txt in data/ or ../shared/data/")


class Trainer:
    def __init__(self, cfg, data, bf16=False):
        torch.manual_seed(1337)
        self.bf16 = bf16
        self.cfg = cfg
        self.model = GPT(cfg)
        decay = [p for p in self.model.parameters() if p.dim() >= 2]
        other = [p for p in self.model.parameters() if p.dim() < 2]
        self.opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": 0.1},
             {"params": other, "weight_decay": 0.0}],
            lr=cfg["lr"], betas=(0.9, 0.95), eps=1e-8)
        self.data = data
        self.gen = torch.Generator().manual_seed(1)

    def step(self):
        B, T = self.cfg["batch"], self.cfg["context"]
        ix = torch.randint(len(self.data) - T - 1, (B,), generator=self.gen)
        x = torch.stack([self.data[i:i + T] for i in ix])
        y = torch.stack([self.data[i + 1:i + T + 1] for i in ix])
        if self.bf16:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = self.model(x, y)
        else:
            loss = self.model(x, y)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        return loss.item()

    def tokens_per_sec(self, threads, steps):
        set_threads(threads)
        return self.tokens_per_sec_pinned(steps)

    def tokens_per_sec_pinned(self, steps):
        t0 = time.perf_counter()
        for _ in range(steps):
            self.step()
        el = time.perf_counter() - t0
        return steps * self.cfg["batch"] * self.cfg["context"] / el


def _openblas():
    """The OpenBLAS that torch loaded (Debian's torch uses it for GEMMs): its
    own thread pool ignores torch.set_num_threads, so pin it too."""
    import ctypes
    import ctypes.util
    for name in ("libopenblas.so.0", "libopenblasp-r0.3.21.so",
                 ctypes.util.find_library("openblas") or ""):
        try:
            lib = ctypes.CDLL(name)
            if hasattr(lib, "openblas_set_num_threads"):
                return lib
        except OSError:
            pass
    return None


OPENBLAS = _openblas()


def set_threads(threads, blas_threads=None):
    """torch intra-op threads and OpenBLAS threads (the same unless given)."""
    torch.set_num_threads(threads)
    if OPENBLAS is not None:
        OPENBLAS.openblas_set_num_threads(blas_threads or threads)


def lmstab_tps(exe, config, sets, threads, steps, warmup):
    with tempfile.TemporaryDirectory() as d:
        js = os.path.join(d, "b.json")
        cmd = [exe, "bench", config, "--no-roof", "--only-threads", str(threads),
               "--steps", str(steps), "--warmup", str(warmup), "--json", js]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(js) as f:
            return json.load(f)["runs"][0]["tokens_per_sec"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("config")
    ap.add_argument("--set", action="append", default=[], dest="sets",
                    help="S.K=V as for lmstab (model dims and batch_size)")
    ap.add_argument("--threads", default="1,2",
                    help="comma-separated thread counts [1,2]")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mixed", action="store_true",
                    help="also time torch with 1 intra-op thread and OpenBLAS "
                    "on all cores")
    ap.add_argument("--bf16", action="store_true",
                    help="bfloat16 products: torch.autocast on the PyTorch "
                    "side, training.precision=bf16 on lmstab's")
    ap.add_argument("--lmstab", help="path of the lmstab executable to "
                    "alternate with (prints ratios)")
    a = ap.parse_args()
    cfg = read_ini(a.config, a.sets)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(find_corpus(repo), "rb") as f:
        raw = f.read()
    data = torch.tensor(list(raw[:int(0.9 * len(raw))]), dtype=torch.long)
    tr = Trainer(cfg, data, a.bf16)
    lm_sets = a.sets + (["training.precision=bf16"] if a.bf16 else [])
    print("precision: %s" % ("bf16 (torch.autocast; lmstab training.precision"
                             "=bf16)" if a.bf16 else "fp32"))
    print("pytorch %s, model d_model %d, %d layers, %d heads, context %d, "
          "batch %d" % (torch.__version__, cfg["d_model"], cfg["n_layer"],
                        cfg["n_head"], cfg["context"], cfg["batch"]))
    if OPENBLAS is None:
        print("warning: OpenBLAS not found in this process; BLAS threads "
              "are not pinned", flush=True)
    for th in [int(t) for t in a.threads.split(",")]:
        set_threads(th)
        for _ in range(a.warmup):
            tr.step()
        pt, lm, ratios = [], [], []
        for r in range(a.rounds):
            p = tr.tokens_per_sec(th, a.steps)
            pt.append(p)
            line = "threads %d round %d: pytorch %.0f tok/s" % (th, r + 1, p)
            if a.lmstab:
                q = lmstab_tps(a.lmstab, a.config, lm_sets, th, a.steps, a.warmup)
                lm.append(q)
                ratios.append(q / p)
                line += ", lmstab %.0f tok/s, ratio %.2fx" % (q, q / p)
            print(line, flush=True)
        line = "threads %d: pytorch median %.0f tok/s" % (th, statistics.median(pt))
        if ratios:
            line += ", lmstab median %.0f tok/s, ratio median %.2fx (min %.2fx)" % (
                statistics.median(lm), statistics.median(ratios), min(ratios))
        print(line, flush=True)
    if a.mixed:
        # torch 1 intra-op thread, OpenBLAS on every core: PyTorch's best
        # setting on a 2-core machine in our measurements
        n = os.cpu_count() or 1
        set_threads(1, n)
        for _ in range(a.warmup):
            tr.step()
        pt, lm, ratios = [], [], []
        for r in range(a.rounds):
            p = tr.tokens_per_sec_pinned(a.steps)
            pt.append(p)
            line = "threads 1 (torch) + %d (OpenBLAS) round %d: pytorch %.0f tok/s" % (
                n, r + 1, p)
            if a.lmstab:  # lmstab on all cores, measured right after
                q = lmstab_tps(a.lmstab, a.config, lm_sets, n, a.steps, a.warmup)
                lm.append(q)
                ratios.append(q / p)
                line += ", lmstab %d threads %.0f tok/s, ratio %.2fx" % (n, q, q / p)
            print(line, flush=True)
        line = "threads 1 (torch) + %d (OpenBLAS): pytorch median %.0f tok/s" % (
            n, statistics.median(pt))
        if ratios:
            line += ", lmstab median %.0f tok/s, ratio median %.2fx (min %.2fx)" % (
                statistics.median(lm), statistics.median(ratios), min(ratios))
        print(line, flush=True)

if __name__ == "__main__":
    main()
