# lmstab sample on a tiny trained checkpoint: prompt echoed, --tokens
# honoured (longer than the context, so the window slides), the same seed
# gives the same text, greedy decoding ignores the seed, errors are one line.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
"$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --set training.max_steps=60 --plugin-dir "$PLUGINS" \
    --data "$TMP/corpus.txt" --out "$TMP/run" --checkpoint-every 60 --quiet || fail "train failed"
CK="$TMP/run/checkpoint.safetensors"
s() { "$LMSTAB" sample "$CK" --plugin-dir "$PLUGINS" "$@"; }
s --prompt "ROMEO:" --tokens 100 --seed 7 > "$TMP/a" || fail "sample failed"
s --prompt "ROMEO:" --tokens 100 --seed 7 > "$TMP/b" || fail "sample failed"
cmp -s "$TMP/a" "$TMP/b" || fail "same seed, different text"
[ "$(head -c 6 "$TMP/a")" = "ROMEO:" ] || fail "prompt not echoed"
[ "$(wc -c < "$TMP/a")" -eq 107 ] || fail "expected 6 + 100 bytes + newline, got $(wc -c < "$TMP/a")"
s --prompt "ROMEO:" --tokens 100 --seed 8 > "$TMP/c" || fail "sample failed"
cmp -s "$TMP/a" "$TMP/c" && fail "different seeds gave the same 100 bytes"
s --tokens 40 --temperature 0 --seed 1 > "$TMP/g1" && s --tokens 40 --temperature 0 --seed 2 > "$TMP/g2" || fail "greedy failed"
cmp -s "$TMP/g1" "$TMP/g2" || fail "greedy decoding depends on the seed"
[ "$(wc -c < "$TMP/g1")" -eq 41 ] || fail "empty prompt: expected 40 bytes + newline"
s --tokens 0 --prompt "x" > "$TMP/z" && [ "$(cat "$TMP/z")" = "x" ] || fail "--tokens 0"
s --tokens 30 --top-k 1 --seed 3 > "$TMP/k1" && s --tokens 30 --temperature 0 > "$TMP/k0" || fail "top-k failed"
cmp -s "$TMP/k1" "$TMP/k0" || fail "--top-k 1 is not greedy"
# a run directory samples its final weights (the same parameters as the
# final checkpoint) and says which file and step it loaded
"$LMSTAB" sample "$TMP/run" --plugin-dir "$PLUGINS" --prompt "ROMEO:" --tokens 100 --seed 7 \
    > "$TMP/d" 2> "$TMP/d.err" || fail "sample of a run directory failed"
cmp -s "$TMP/a" "$TMP/d" || fail "the run directory gave other text than its checkpoint"
grep -q "weights.safetensors, step 60, config " "$TMP/d.err" || { cat "$TMP/d.err"; fail "no step/config line"; }
# a run without checkpoints still ends with its weights, loadable by sample
"$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --set training.max_steps=5 --plugin-dir "$PLUGINS" \
    --data "$TMP/corpus.txt" --out "$TMP/run2" --quiet || fail "train without checkpoints failed"
[ -s "$TMP/run2/weights.safetensors" ] && [ ! -e "$TMP/run2/checkpoint.safetensors" ] || fail "no final weights"
"$LMSTAB" sample "$TMP/run2" --plugin-dir "$PLUGINS" --tokens 5 > /dev/null 2> "$TMP/w.err" || { cat "$TMP/w.err"; fail "sample of final weights failed"; }
grep -q "weights.safetensors, step 5," "$TMP/w.err" || { cat "$TMP/w.err"; fail "wrong weights loaded"; }
expect_error "lmstab sample: --temperature: must be a number >= 0 and <= 100 (got '-1')" s --temperature -1
expect_error "$TMP/none: cannot open: No such file or directory" "$LMSTAB" sample "$TMP/none"
printf 'not a checkpoint at all' > "$TMP/junk"
expect_error "$TMP/junk: header length" "$LMSTAB" sample "$TMP/junk"
echo "ok"
