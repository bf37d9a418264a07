# A run at an absurd learning rate diverges: exit 0, marked diverged, metrics kept.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
"$LMSTAB" train "$SRC/configs/baseline.ini" $TINY --set training.max_steps=200 \
    --set training.lr=1000 --set training.grad_clip=0 --set training.warmup_steps=0 \
    --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/run" --quiet || fail "train exited non-zero"
grep -q '"diverged":[[:space:]]*true' "$TMP/run/summary.json" || fail "not marked diverged"
grep -q '"diverged_reason":[[:space:]]*"non-finite' "$TMP/run/summary.json" || fail "no reason"
steps=$(sed -n 's/.*"steps":[[:space:]]*\([0-9]*\).*/\1/p' "$TMP/run/summary.json")
[ "$steps" -lt 200 ] || fail "diverged run did not stop early ($steps steps)"
[ "$(wc -l < "$TMP/run/metrics.csv")" -ge 2 ] || fail "metrics lost"
echo "ok"
