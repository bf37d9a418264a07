# A short real training run: exit 0, metrics.csv and summary.json complete.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
"$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --set training.max_steps=30 \
    --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/run" --quiet || fail "train failed"
[ -s "$TMP/run/summary.json" ] || fail "no summary.json"
head -1 "$TMP/run/metrics.csv" | grep -q '^step,lr,train_loss,val_loss,grad_norm,tokens_per_sec,elapsed_s' || fail "bad csv header"
head -1 "$TMP/run/metrics.csv" | grep -q 'h1.qkv.out_norm' || fail "no instrumentation columns"
rows=$(($(wc -l < "$TMP/run/metrics.csv") - 1))
[ "$rows" -eq 7 ] || fail "expected 7 logged rows (steps 0,5,..,25,29), got $rows"
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
