# A NaN (or inf) planted mid-run by the nan_inject fixture plugin is caught,
# named (op, plugin, layer, step), and the run ends as diverged with its
# metrics intact. Needs LMS_FIXTURE_PLUGIN_DIR (tests/nan_inject.cmake).
. "$(dirname "$0")/lib.sh"
[ -n "${LMS_FIXTURE_PLUGIN_DIR:-}" ] || fail "LMS_FIXTURE_PLUGIN_DIR not set"
make_corpus "$TMP/corpus.txt"
sed -e 's/^mlp  = ln2, fc1, act, fc2/mlp  = ln2, fc1, act, inject, fc2/' "$SRC/configs/baseline.ini" > "$TMP/inject.ini"
printf '\n[block.inject]\nplugin = nan_inject\n' >> "$TMP/inject.ini"
grep -q 'inject, fc2' "$TMP/inject.ini" || fail "could not insert the op"
run() { # out-dir, extra args...
    out="$1"; shift
    "$LMSTAB" train "$TMP/inject.ini" $TINY --set training.max_steps=30 --set training.eval_every=0 \
        --plugin-dir "$LMS_FIXTURE_PLUGIN_DIR" --data "$TMP/corpus.txt" --out "$TMP/$out" --quiet "$@" \
        2>"$TMP/$out.err" || fail "train exited non-zero: $(cat "$TMP/$out.err")"
}
# Forward: the 8th forward call of block 1 (no evaluation: call 8 = step 7).
run fwd --set block.inject.at_call=8 --set block.inject.layer=1
grep -q '"diverged":[[:space:]]*true' "$TMP/fwd/summary.json" || fail "not marked diverged"
want='non-finite training loss at step 7: non-finite output first in h.1.inject (nan_inject) (NaN at element'
grep -qF "\"diverged_reason\":	\"$want" "$TMP/fwd/summary.json" || { cat "$TMP/fwd/summary.json"; fail "reason does not name h.1.inject"; }
[ "$(cut -d, -f1 "$TMP/fwd/metrics.csv" | tr '\n' ' ')" = "step 0 5 7 " ] || { cat "$TMP/fwd/metrics.csv"; fail "metrics rows not intact"; }
grep -q '"steps":[[:space:]]*8' "$TMP/fwd/summary.json" || fail "run did not stop at step 7"
# Same with inf in block 0.
run inf --set block.inject.at_call=3 --set block.inject.layer=0 --set block.inject.value=inf
grep -qF 'non-finite training loss at step 2: non-finite output first in h.0.inject (nan_inject) (inf at element' "$TMP/inf/summary.json" || { cat "$TMP/inf/summary.json"; fail "inf not named"; }
# Backward: a NaN in the input gradient of block 0's inject at step 3 shows
# as a non-finite gradient norm; the first tensor reached is fc1 of block 0.
run bwd --set block.inject.at_call=4 --set block.inject.layer=0 --set block.inject.where=backward
grep -qF 'non-finite gradient norm at step 3: non-finite gradient first in h.0.fc1.' "$TMP/bwd/summary.json" || { cat "$TMP/bwd/summary.json"; fail "gradient origin not named"; }
echo "ok"
