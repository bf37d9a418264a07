# Thread count changes no number: the same run with LMSTAB_THREADS=1 and =2
# logs identical losses, gradient norms and per-layer instrumentation, and
# ends with the same parameters and AdamW moments, bit for bit (the
# parallel loops use fixed chunks, the sgemm split keeps each reduction
# whole). Dims large enough that every parallel path is taken; baseline runs
# attention's fused per-head path, qk_norm_cap its staged path with children.
. "$(dirname "$0")/lib.sh"
make_corpus "$TMP/corpus.txt"
MID="--set model.d_model=128 --set model.n_layer=2 --set model.n_head=4 --set model.context=64 --set training.batch_size=8 --set training.max_steps=12 --set training.log_every=5 --set training.eval_every=6 --set training.eval_batches=2 --set training.warmup_steps=3"
for cfg in baseline qk_norm_cap qkv_norm; do
    for t in 1 2; do
        LMSTAB_THREADS=$t "$LMSTAB" train "$SRC/configs/$cfg.ini" $MID --set training.lr=0.01 \
            --plugin-dir "$PLUGINS" --data "$TMP/corpus.txt" --out "$TMP/$cfg.$t" --quiet \
            --checkpoint-every 100 \
            || fail "$cfg with $t threads failed"
        # every column but tokens_per_sec and elapsed_s
        cut -d, -f1-5,8- "$TMP/$cfg.$t/metrics.csv" > "$TMP/$cfg.$t.csv"
        data_of "$TMP/$cfg.$t/checkpoint.safetensors" > "$TMP/$cfg.$t.bin"
    done
    [ -s "$TMP/$cfg.1.bin" ] || fail "$cfg: empty checkpoint data"
    cmp -s "$TMP/$cfg.1.bin" "$TMP/$cfg.2.bin" || fail "$cfg: 1 and 2 threads end with different parameters"
    [ "$(wc -l < "$TMP/$cfg.1.csv")" -ge 4 ] || fail "$cfg: too few logged rows"
    cmp -s "$TMP/$cfg.1.csv" "$TMP/$cfg.2.csv" || {
        diff "$TMP/$cfg.1.csv" "$TMP/$cfg.2.csv" | head -5 >&2
        fail "$cfg: 1 and 2 threads logged different numbers"
    }
done
echo "ok"
