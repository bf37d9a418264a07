#!/usr/bin/env python3
"""Writes the synthetic seed inputs of the fuzz targets into corpus/:
a tiny golden reference file (golden), llm.c token files (data) and
checkpoints reduced to their metadata (checkpoint). The other seeds are
plain text, or files of a real tiny run (checkpoint/run.safetensors,
summary/run.json, metrics/run.csv, manifest/*: `lmstab train
configs/baseline.ini --set model.d_model=4 --set model.n_layer=1
--set model.n_head=1 --set model.context=4 --set training.batch_size=2
--set training.max_steps=12 --checkpoint-every 6 ...` and a sweep of the
same model with edge_points = 2). Run from anywhere: python3 make_seeds.py
"""
import json
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def safetensors(tensors, meta):
    """tensors: name -> (dtype, shape, bytes); meta: str -> str."""
    header, off, blob = {}, 0, b""
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [off, off + len(data)]}
        off += len(data)
        blob += data
    if meta:
        header["__metadata__"] = meta
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + blob


def f32(n, rng):
    return struct.pack("<%df" % n, *[rng.uniform(-0.1, 0.1) for _ in range(n)])


def golden():
    """n_layer 1, d_model 4, n_head 1, seq_len 2, batch 1, vocab 8."""
    rng = random.Random(1)
    L, C, T, B, V = 1, 4, 2, 1, 8
    params = {"wte": [V, C], "wpe": [T, C], "ln_f.weight": [C],
              "ln_f.bias": [C]}
    for l in range(L):
        p = "h.%d." % l
        for n in ("ln1", "ln2"):
            params[p + n + ".weight"] = [C]
            params[p + n + ".bias"] = [C]
        for n, o, i in (("qkv", 3 * C, C), ("proj", C, C), ("fc1", 4 * C, C),
                        ("fc2", C, 4 * C)):
            params[p + n + ".weight"] = [o, i]
            params[p + n + ".bias"] = [o]
    t = {}
    for pre in ("p0.", "g0.", "p1.", "g1.", "p2."):
        for name, shape in params.items():
            n = 1
            for s in shape:
                n *= s
            t[pre + name] = ("F32", shape, f32(n, rng))
    for k in ("x", "y"):
        toks = [rng.randrange(V) for _ in range(B * T)]
        t[k] = ("I32", [B, T], struct.pack("<%di" % (B * T), *toks))
    t["logits0"] = ("F32", [B, T, V], f32(B * T * V, rng))
    for k in ("loss0", "loss1", "loss2", "grad_norm0", "grad_norm1"):
        t[k] = ("F32", [1], struct.pack("<f", 2.0))
    cfg = {"n_layer": L, "d_model": C, "n_head": 1, "seq_len": T, "batch": B,
           "vocab": V, "tied_head": True, "lr": 0.01, "beta1": 0.9,
           "beta2": 0.95, "adam_eps": 1e-8, "weight_decay": 0.1,
           "grad_clip": 1.0}
    write("golden", "tiny.safetensors", safetensors(t, {"config": json.dumps(cfg)}))
    write("golden", "meta_only.safetensors",
          safetensors({}, {"config": json.dumps(cfg)}))


def token_file(ntok, rng, control):
    head = struct.pack("<3i", 20240520, 1, ntok) + b"\0" * (1024 - 12)
    toks = struct.pack("<%dH" % ntok, *[rng.randrange(50257) for _ in range(ntok)])
    return bytes([control]) + head + toks


def data():
    rng = random.Random(2)
    # control byte: bit 0 = .bin, the rest = context - 1
    write("data", "tokens_ctx4.bin", token_file(100, rng, (3 << 1) | 1))
    write("data", "tokens_ctx1.bin", token_file(20, rng, 1))
    text = b"First Citizen:\nBefore we proceed any further, hear me speak.\n" * 4
    write("data", "text_ctx8.txt", bytes([7 << 1]) + text)


def checkpoint_meta():
    meta = {"format": "lmstab-checkpoint", "format_version": "2", "step": "6",
            "rng_state": "1234567", "rng_inc": "7", "init_loss": "5.5",
            "init_train_loss": "5.6", "nrecent": "6",
            "recent_losses": " ".join(["5.5"] * 20), "train_seconds": "0.1",
            "wall_seconds": "0.2", "checkpoint_every": "6", "gemm": "openblas",
            "config_path": "mine.ini",
            "config_text": "[model]\nd_model = 4\nn_layer = 1\nn_head = 1\n"
                           "context = 4\n[block]\nmlp = fc1, act, fc2\n"
                           "[block.fc1]\nplugin = linear\n"
                           "[block.act]\nplugin = gelu\n"
                           "[block.fc2]\nplugin = linear\n",
            "overrides": "[\"training.lr=0.01\"]", "data": "corpus.txt",
            "data_tokens": "1000", "data_hash": "42"}
    write("checkpoint", "meta_only.safetensors", safetensors({}, meta))
    meta["format_version"] = "1"
    meta["overrides"] = "[]"
    write("checkpoint", "meta_v1.safetensors", safetensors({}, meta))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


if __name__ == "__main__":
    golden()
    data()
    checkpoint_meta()
