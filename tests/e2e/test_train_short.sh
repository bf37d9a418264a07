# A short real training run: exit 0, metrics.csv and summary.json complete.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
"$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --set training.max_steps=30 \
    --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/run" --quiet || fail "train failed"
[ -s "$TMP/run/summary.json" ] || fail "no summary.json"
head -1 "$TMP/run/metrics.csv" | grep -q '^step,lr,train_loss,val_loss,grad_norm,tokens_per_sec,elapsed_s,val_bpb,' || fail "bad csv header"
# bits per byte beside every validation loss: bytes, so val_loss / ln 2
awk -F, 'NR > 1 && $4 != "" { n++; d = $8 - $4 / log(2); if ($8 == "" || d > 2e-6 || d < -2e-6) bad = 1 } END { exit bad || n < 2 }' \
    "$TMP/run/metrics.csv" || fail "val_bpb is not val_loss / ln 2 on every validation row"
for c in head.max_abs_logit head.log_z h1.qkv.out_norm h1.qkv.in_grad_norm h1.fc2.w_norm h1.ln1.gain_rms h1.attn.max_score h1.attn.entropy; do head -1 "$TMP/run/metrics.csv" | grep -q "$c" || fail "no column $c"; done
# instrumented rows have every column filled, and input-gradient norms are positive
# (steps 0, 10, 20: every column after val_bpb)
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "h0.qkv.in_grad_norm") c = i; next }
    $3 != "" && $1 % 10 == 0 { n++; if (!(c > 0) || !($c > 0)) bad = 1; for (i = 9; i <= NF; i++) if ($i == "") bad = 1 }
    END { exit bad || n != 3 }' "$TMP/run/metrics.csv" || fail "an instrumented row with an empty column, or in_grad_norm missing or zero"
rows=$(($(wc -l < "$TMP/run/metrics.csv") - 1))
[ "$rows" -eq 8 ] || fail "expected 7 logged rows (steps 0,5,..,25,29) and the final evaluation, got $rows"
# the last row is the final evaluation alone, at step 30, equal to summary's
tail -1 "$TMP/run/metrics.csv" | grep -q '^30,,,[0-9.]*,,,' || fail "no final evaluation row"
fv=$(tail -1 "$TMP/run/metrics.csv" | cut -d, -f4)
sv=$(sed -n 's/.*"final_val_loss":[[:space:]]*\([-0-9.e]*\).*/\1/p' "$TMP/run/summary.json")
awk -v a="$fv" -v b="$sv" 'BEGIN { d = a - b; exit !(b != "" && d < 6e-7 && d > -6e-7) }' || fail "final row $fv differs from summary.json ($sv)"
# the verdicts recompute from metrics.csv alone, and a tampered one is caught
"$LMSTAB" verdict "$TMP/run" > "$TMP/verdict.out" || { cat "$TMP/verdict.out"; fail "lmstab verdict disagrees with summary.json"; }
grep -q "strict [a-z]*, default [a-z]*, lenient [a-z]*$" "$TMP/verdict.out" || { cat "$TMP/verdict.out"; fail "lmstab verdict output"; }
cp -r "$TMP/run" "$TMP/tampered"
sed -i 's/"lenient":[[:space:]]*"[a-z]*"/"lenient": "diverged"/' "$TMP/tampered/summary.json"
"$LMSTAB" verdict "$TMP/tampered" > "$TMP/verdict2.out" && fail "a tampered verdict was not caught"
grep -q "lenient [a-z]* (summary.json: MISMATCH)" "$TMP/verdict2.out" || { cat "$TMP/verdict2.out"; fail "no mismatch named"; }
# nothing written holds an absolute path; the data is named by content
if grep -rl -e "$TMP" -e "$SRC" "$TMP/run"; then fail "an absolute path was written (files above)"; fi
grep -q '"data":[[:space:]]*"corpus.txt"' "$TMP/run/summary.json" || fail "data not named by its file name"
grep -q '"data_sha256":[[:space:]]*"[0-9a-f]\{64\}"' "$TMP/run/summary.json" || fail "no data_sha256"
# the code that made it: the source --version names
src=$("$LMSTAB" --version | sed -n 's/.*(source \([^,]*\),.*/\1/p')
[ -n "$src" ] || fail "--version names no source"
grep -q "\"lmstab_source\":[[:space:]]*\"$src\"" "$TMP/run/summary.json" || fail "summary.json lacks lmstab_source $src"
# a path given in a setting is written as lmstab writes paths (here: its
# file name), never absolute; the checkpoint keeps it as given, to resume
head -c 50000 "$TMP/corpus.txt" > "$TMP/val.txt"
"$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --set training.max_steps=2 --set "data.val=$TMP/val.txt" \
    --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/run_abs" --quiet || fail "train with data.val failed"
grep -q '"data.val=val.txt"' "$TMP/run_abs/summary.json" || fail "data.val not written as its file name"
if grep -l -e "$TMP" "$TMP/run_abs/summary.json" "$TMP/run_abs/metrics.csv"; then fail "an absolute path in a setting was written"; fi
expect_error "lmstab verdict: $TMP/nowhere: not a finished run (no summary.json)" "$LMSTAB" verdict "$TMP/nowhere"
# every rule's verdict is reported
for r in strict default lenient; do grep -q "\"$r\":[[:space:]]*\"" "$TMP/run/summary.json" || fail "no $r verdict"; done
for k in config overrides steps final_train_loss final_val_loss val_perplexity diverged tokens_per_sec wall_seconds; do
    grep -q "\"$k\":" "$TMP/run/summary.json" || fail "summary.json lacks $k"
done
grep -q '"diverged":[[:space:]]*false' "$TMP/run/summary.json" || fail "run marked diverged"
grep -q '"steps":[[:space:]]*30' "$TMP/run/summary.json" || fail "steps != 30"
# Same seed, same numbers (one thread): the loss column is identical.
"$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --set training.max_steps=30 \
    --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/run2" --quiet || fail "train 2 failed"
cut -d, -f3,4,5 "$TMP/run/metrics.csv" > "$TMP/a"; cut -d, -f3,4,5 "$TMP/run2/metrics.csv" > "$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || fail "same seed gave different losses"
echo "ok"
