# Every config in configs/ and configs/extras/ builds and trains a few steps.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
for cfg in "$SRC"/configs/*.ini "$SRC"/configs/extras/*.ini; do
    name=$(basename "$cfg" .ini)
    "$LMSTAB" train "$cfg" $TINY --set training.max_steps=12 --plugin-dir "$PLUGINS" \
        --data "$TMP/corpus.txt" --out "$TMP/$name" --quiet 2>"$TMP/err" \
        || { cat "$TMP/err" >&2; fail "$cfg did not train"; }
    grep -q '"steps":[[:space:]]*12' "$TMP/$name/summary.json" || fail "$cfg: wrong step count"
done
echo "ok"
