#!/bin/sh
# --init-from another trainer's checkpoint: the same weights under nanoGPT's
# and Hugging Face GPT-2's names (HF's Conv1D weights transposed, extra
# tensors present) start a run bit for bit as our own names do; a wrong map
# names the tensor it could not find.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 0; }
make_corpus "$TMP/corpus.txt"
train() { # shellcheck disable=SC2086
    "$LMSTAB" train "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" \
        $TINY --set training.max_steps=3 --quiet "$@"; }
train --out "$TMP/src" || fail "source run"
train --set training.seed=7 --init-from "$TMP/src/weights.safetensors" --out "$TMP/ours" || fail "init from ours"
data_of "$TMP/ours/weights.safetensors" > "$TMP/ours.bin"
[ -s "$TMP/ours.bin" ] || fail "no parameters from the run started from our own names"
for style in nanogpt hf-gpt2; do
    python3 "$SRC/tests/tools/rename_checkpoint.py" "$style" "$TMP/src/weights.safetensors" "$TMP/$style.st" \
        || fail "writing the $style file"
    train --set training.seed=7 --init-from "$TMP/$style.st" --map-preset "$style" --out "$TMP/$style" \
        || fail "--init-from a $style file"
    data_of "$TMP/$style/weights.safetensors" | cmp -s - "$TMP/ours.bin" \
        || fail "$style: not the run started from our own names"
done
expect_error "nanogpt.st: missing tensor 'wte' (F32 [256, 32])" \
    train --init-from "$TMP/nanogpt.st" --out "$TMP/x"
expect_error "hf-gpt2.st: tensor 'transformer.h.0.attn.c_attn.weight' has shape [32, 96], the model needs [96, 32]" \
    train --init-from "$TMP/hf-gpt2.st" --map-preset nanogpt --out "$TMP/y"
expect_error "missing tensor 'transformer.h.0.ln_one.weight' (F32 [32]) for our 'h.0.ln1.weight'" \
    train --init-from "$TMP/nanogpt.st" --map-preset nanogpt --map ln_1=ln_one --out "$TMP/z"
expect_error "--map qvk=attn.c_attn: 'qvk' is not a piece of any of the model's tensor names" \
    train --init-from "$TMP/src/weights.safetensors" --map qvk=attn.c_attn --out "$TMP/u"
# a non-finite weight: refused, named (its first step would be a
# "diverged" result that counts on a failure curve)
python3 - "$TMP/src/weights.safetensors" "$TMP/nan.st" <<'EOT' || fail "writing nan.st"
import json, struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
n = struct.unpack("<Q", b[:8])[0]
off = json.loads(b[8:8 + n])["wte"]["data_offsets"][0] + 8 + n
b[off + 4 * 5:off + 4 * 6] = struct.pack("<f", float("nan"))
open(sys.argv[2], "wb").write(b)
EOT
expect_error "nan.st: tensor 'wte' holds NaN at index 5: a model cannot start from a non-finite weight" \
    train --init-from "$TMP/nan.st" --out "$TMP/n"
# an untied output head (lm_head.weight unlike wte) cannot load into a model
# that ties its head to wte: refused, named; equal (as PyTorch saves a tied
# head twice) it loads, as above
python3 - "$TMP/nanogpt.st" "$TMP/untied.st" <<'EOT' || fail "writing untied.st"
import json, struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
n = struct.unpack("<Q", b[:8])[0]
off = json.loads(b[8:8 + n])["lm_head.weight"]["data_offsets"][0] + 8 + n
b[off:off + 4] = struct.pack("<f", 0.5)
open(sys.argv[2], "wb").write(b)
EOT
expect_error "untied.st: tensor 'lm_head.weight' differs from 'transformer.wte.weight', loaded as wte: the file's output head is untied, and this model ties its head to wte (set model.tie_embeddings = false to load it)" \
    train --init-from "$TMP/untied.st" --map-preset nanogpt --out "$TMP/t"
expect_error "unknown map preset 'megatron' (nanogpt or hf-gpt2)" \
    train --init-from "$TMP/nanogpt.st" --map-preset megatron --out "$TMP/w"
expect_error "--map and --map-preset name the tensors of --init-from FILE" \
    train --map-preset nanogpt --out "$TMP/v"
echo ok
