#!/usr/bin/env python3
"""Golden file for the scalenorm plugin: a PyTorch version of the model of
scalenorm_qk.ini (GPT-2 block, ScaleNorm on q and k per head) dumped in the
../shared/golden safetensors format, so that

    python3 make_golden.py scalenorm_qk.safetensors
    lmstab golden scalenorm_qk.ini scalenorm_qk.safetensors --plugin-dir BUILD

checks the C plugin inside the whole model: logits, loss, every gradient and
two AdamW steps. Needs torch; the writer (save_safetensors) needs only the
standard library. See docs/plugins.md, "The golden workflow".
"""
import json
import math
import struct
import sys


def save_safetensors(path, tensors, config):
    """tensors: {name: (dtype "F32" | "I32", shape list, flat list of numbers)}.
    Writes the safetensors layout: u64 header length (little endian), a JSON
    header padded with spaces to 8 bytes, then the raw row-major data.
    config (a dict) becomes __metadata__.config, as JSON text."""
    header, blobs, off = {}, [], 0
    for name, (dtype, shape, flat) in tensors.items():
        blob = struct.pack("<%d%s" % (len(flat), "f" if dtype == "F32" else "i"), *flat)
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [off, off + len(blob)]}
        blobs.append(blob)
        off += len(blob)
    header["__metadata__"] = {"config": json.dumps(config)}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def entry(t):
    """A torch tensor as save_safetensors wants it."""
    import torch
    t = t.detach().cpu().contiguous()
    dtype = "I32" if t.dtype == torch.int32 else "F32"
    return dtype, list(t.shape), t.reshape(-1).tolist()


def main(out):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(1234)
    cfg = {"n_layer": 2, "d_model": 32, "n_head": 2, "seq_len": 16, "batch": 2,
           "vocab": 256, "tied_head": True, "lr": 1e-2, "beta1": 0.9,
           "beta2": 0.95, "adam_eps": 1e-8, "weight_decay": 0.1, "grad_clip": 1.0,
           "variant": "scalenorm_qk"}
    L, C, H, T, B = cfg["n_layer"], cfg["d_model"], cfg["n_head"], cfg["seq_len"], cfg["batch"]
    hd, eps = C // H, 1e-5

    # Parameters under the file's names (lmstab's names after the default
    # rewrites attn.q_norm -> q_ln, attn.k_norm -> k_ln).
    P = {"wte": 0.02 * torch.randn(256, C), "wpe": 0.02 * torch.randn(T, C)}
    def linear(name, n_out, n_in, std=0.02):
        P[name + ".weight"] = std * torch.randn(n_out, n_in)
        P[name + ".bias"] = torch.zeros(n_out)
    def layernorm(name, n):
        P[name + ".weight"], P[name + ".bias"] = torch.ones(n), torch.zeros(n)
    for i in range(L):
        h = "h.%d." % i
        layernorm(h + "ln1", C)
        linear(h + "qkv", 3 * C, C)
        P[h + "q_ln.g"] = torch.full((1,), math.sqrt(hd))  # ScaleNorm radius
        P[h + "k_ln.g"] = torch.full((1,), math.sqrt(hd))
        linear(h + "proj", C, C, 0.02 / math.sqrt(2 * L))
        layernorm(h + "ln2", C)
        linear(h + "fc1", 4 * C, C)
        linear(h + "fc2", C, 4 * C, 0.02 / math.sqrt(2 * L))
    layernorm("ln_f", C)
    for p in P.values():  # perturb 1-D parameters so that they matter
        if p.dim() == 1:
            p.add_(0.1 * torch.randn_like(p))
        p.requires_grad_(True)

    def scalenorm(x, g):  # the layer under test, over the last dim
        return g * x / x.norm(dim=-1, keepdim=True).clamp(min=eps)

    def forward(idx):
        x = P["wte"][idx] + P["wpe"][: idx.shape[1]]
        mask = torch.ones(T, T, dtype=torch.bool).tril()
        for i in range(L):
            h = "h.%d." % i
            a = F.layer_norm(x, (C,), P[h + "ln1.weight"], P[h + "ln1.bias"], 1e-5)
            qkv = F.linear(a, P[h + "qkv.weight"], P[h + "qkv.bias"])
            q, k, v = (t.view(B, T, H, hd).transpose(1, 2) for t in qkv.split(C, dim=-1))
            q, k = scalenorm(q, P[h + "q_ln.g"]), scalenorm(k, P[h + "k_ln.g"])
            s = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
            s = s.masked_fill(~mask, float("-inf"))
            y = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
            x = x + F.linear(y, P[h + "proj.weight"], P[h + "proj.bias"])
            a = F.layer_norm(x, (C,), P[h + "ln2.weight"], P[h + "ln2.bias"], 1e-5)
            a = F.gelu(F.linear(a, P[h + "fc1.weight"], P[h + "fc1.bias"]), approximate="tanh")
            x = x + F.linear(a, P[h + "fc2.weight"], P[h + "fc2.bias"])
        x = F.layer_norm(x, (C,), P["ln_f.weight"], P["ln_f.bias"], 1e-5)
        return x @ P["wte"].t()  # tied head

    text = open(sys.argv[2], "rb").read() if len(sys.argv) > 2 else bytes(range(32, 127)) * 8
    data = torch.tensor(list(text[: B * (T + 1)]), dtype=torch.int64).view(B, T + 1)
    x, y = data[:, :T], data[:, 1:]

    names = list(P)
    decay = [P[n] for n in names if P[n].dim() >= 2]
    no_decay = [P[n] for n in names if P[n].dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=cfg["lr"], betas=(cfg["beta1"], cfg["beta2"]),
                            eps=cfg["adam_eps"])
    out_t = {"x": entry(x.to(torch.int32)), "y": entry(y.to(torch.int32))}
    for n in names:
        out_t["p0." + n] = entry(P[n])
    for step in range(2):
        opt.zero_grad()
        logits = forward(x)
        loss = F.cross_entropy(logits.reshape(-1, 256), y.reshape(-1))
        loss.backward()
        if step == 0:
            out_t["logits0"] = entry(logits)
        out_t["loss%d" % step] = entry(loss.reshape(1))
        for n in names:  # gradients before clipping
            out_t["g%d.%s" % (step, n)] = entry(P[n].grad)
        norm = torch.nn.utils.clip_grad_norm_([P[n] for n in names], cfg["grad_clip"])
        out_t["grad_norm%d" % step] = entry(norm.reshape(1))
        opt.step()
        for n in names:
            out_t["p%d.%s" % (step + 1, n)] = entry(P[n])
    with torch.no_grad():
        logits = forward(x)
        out_t["loss2"] = entry(F.cross_entropy(logits.reshape(-1, 256), y.reshape(-1)).reshape(1))
    save_safetensors(out, out_t, cfg)
    print("wrote", out)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: make_golden.py OUT.safetensors [TEXT_FILE]")
    main(sys.argv[1])
