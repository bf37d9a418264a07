#!/bin/sh
# `lmstab bench` runs its code paths and reports what it measured (never
# judged on speed here: a test that times itself fails on a busy machine).
# A tiny model, one step per setting: the training figures, the roof, the
# interleaved gemm and precision comparisons (one line per round with every
# bf16 kernel this CPU runs), --json, and that the comparisons' extra
# models leave the main run's precision and memory figures alone.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
# shellcheck disable=SC2086
"$LMSTAB" bench "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" $TINY \
    --steps 1 --warmup 1 --only-threads 1 --square 64 --compare-gemm 1 --compare-precision 2 \
    --json "$TMP/b.json" > "$TMP/out" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "bench failed"; }
grep -q "^CPU: .*; ISA: " "$TMP/out" || fail "no CPU line"
grep -q "^threads 1: [0-9]* tokens/s" "$TMP/out" || fail "no training line"
grep -q "lmstab / openblas per round: [0-9]*/[0-9]* = " "$TMP/out" || fail "no gemm comparison"
[ "$(grep -c '^    round [12]: fp32 [0-9]* (' "$TMP/out")" -eq 2 ] || fail "expected 2 precision rounds"
# every setting of a round has its ratio line; the emulation runs everywhere,
# the vdpbf16ps kernel wherever the CPU has AVX512_BF16
grep -q "    bf16 emulated / fp32: median [0-9.]*x over 2 rounds" "$TMP/out" || fail "no emulated ratio"
if grep -q "^CPU: .*ISA: .*avx512_bf16" "$TMP/out"; then
    grep -q "    bf16 avx512_bf16 / fp32: median" "$TMP/out" || fail "no avx512_bf16 ratio on an AVX512_BF16 CPU"
fi
settings=$(grep "^    round 1: " "$TMP/out" | tr ';' '\n' | wc -l)
ratios=$(grep -c " / fp32: median " "$TMP/out")
[ "$settings" -eq $((ratios + 1)) ] || fail "$settings settings in a round but $ratios ratios"
[ "$(head -c1 "$TMP/b.json")" = "{" ] && [ "$(tail -n1 "$TMP/b.json")" = "}" ] || fail "bench --json is not a JSON object"
grep -q '"tokens_per_sec":[[:space:]]*[0-9]' "$TMP/b.json" || fail "no tokens_per_sec in --json"
# peak RSS against the model's own memory
grep -q "ratio [0-9.]*$" "$TMP/out" || fail "no memory line"
# the comparisons' extra models leave the main run alone: its MFU is
# against the fp32 peak (the model's precision), and its model memory is
# that of a bench without comparisons
grep -q "^  MFU [0-9.]*% of the hardware fp32 " "$TMP/out" || { grep MFU "$TMP/out"; fail "the main run's MFU is not against the fp32 peak"; }
# shellcheck disable=SC2086
"$LMSTAB" bench "$SRC/configs/baseline.ini" --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" $TINY \
    --steps 1 --warmup 1 --only-threads 1 --no-roof > "$TMP/plain" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "plain bench failed"; }
model_mem() { sed -n 's/^memory: .* vs \(params+grads+Adam .* MiB\): ratio .*/\1/p' "$1"; }
[ -n "$(model_mem "$TMP/plain")" ] && [ "$(model_mem "$TMP/plain")" = "$(model_mem "$TMP/out")" ] \
    || { grep '^memory' "$TMP/plain" "$TMP/out"; fail "the comparisons changed the main run's model memory"; }
echo ok
