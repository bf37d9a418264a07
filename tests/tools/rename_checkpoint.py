#!/usr/bin/env python3
"""Write an lmstab weights file under another trainer's tensor names, as
PyTorch would save it: `nanogpt` (nanoGPT's model.py names, Linear weights
(out, in) as ours) or `hf-gpt2` (Hugging Face GPT2LMHeadModel names, Conv1D
weights stored (in, out)), plus the extra tensors those files carry
(lm_head.weight, HF's attention-mask buffers). Standard library only.

usage: rename_checkpoint.py nanogpt|hf-gpt2 IN.safetensors OUT.safetensors
"""
import json
import struct
import sys
from array import array

RULES = [("ln1", "ln_1"), ("ln2", "ln_2"), ("qkv", "attn.c_attn"),
         ("proj", "attn.c_proj"), ("fc1", "mlp.c_fc"), ("fc2", "mlp.c_proj")]
CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight",
          "mlp.c_proj.weight")


def theirs(name):
    if name in ("wte", "wpe"):
        return "transformer." + name + ".weight"
    parts = name.split(".")
    out = []
    for p in parts:
        out.append(dict(RULES).get(p, p))
    return "transformer." + ".".join(out)


def main():
    style, src, dst = sys.argv[1:4]
    raw = open(src, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    head = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, t in head.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        vals = array("f")
        vals.frombytes(data[a:b])
        shape = t["shape"]
        new = theirs(name)
        if style == "hf-gpt2" and new.endswith(CONV1D):
            r, c = shape
            vals = array("f", [vals[i * c + j] for j in range(c) for i in range(r)])
            shape = [c, r]
        out[new] = (shape, vals)
    wte = out["transformer.wte.weight"]
    out["lm_head.weight"] = wte  # tied, saved twice as PyTorch does
    if style == "hf-gpt2":
        out["transformer.h.0.attn.bias"] = ([1, 1, 2, 2], array("f", [1, 0, 1, 1]))
    header, blob, off = {}, b"", 0
    for name in sorted(out):
        shape, vals = out[name]
        b = vals.tobytes()
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [off, off + len(b)]}
        blob += b
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    open(dst, "wb").write(struct.pack("<Q", len(h)) + h + blob)


main()
